// xebek-bench-format: how fast the Sebek v3 formats are written, beside a
// plain memcpy of the same bytes measured in the same run. Prints figures
// and ratios; it judges nothing.
//   xebek-bench-format [--small N] [--large N] [--repeat R] [--dir DIR]
// Each figure is the best of R runs (default 3): on a shared machine the
// best run is the one least disturbed by other work.
// Cases: the sbk_extract stream (68-byte prefix + data) and pcap records
// (16-byte pcap header + 98-byte frame header + data) through PcapWriter,
// for 1-byte records (keystrokes) and 1320-byte records (full chunks).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "sebekd_format/pcap_file.hpp"
#include "sebekd_format/stream.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Output is produced in batches of about this size, as a writer would hand
// them to write(2); the memcpy baseline uses the same batches.
constexpr std::size_t kBatch = 1 << 20;

struct Figure {
  double seconds = 0;
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
  double records_per_s() const { return seconds > 0 ? double(records) / seconds : 0; }
  double mb_per_s() const { return seconds > 0 ? double(bytes) / seconds / 1e6 : 0; }
};

volatile std::uint8_t g_sink;  // keeps the copies observable

template <class F>
double time_it(F&& f) {
  const auto t0 = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

sebekd_format::Header header_for(std::size_t size) {
  sebekd_format::Header h;
  h.type = 0;
  h.pid = 1234;
  h.ppid = 1000;
  h.fd = 0;
  h.inode = 3;
  h.comm = sebekd_format::make_comm("bash");
  h.length = static_cast<std::uint32_t>(size);
  return h;
}

Figure encode_stream(std::uint64_t n, const std::vector<std::uint8_t>& data) {
  sebekd_format::StreamRecord r;
  r.src_ip = 0x0a000017;
  r.header = header_for(data.size());
  r.data = data;
  std::vector<std::uint8_t> batch;
  batch.reserve(kBatch + sebekd_format::kStreamRecordHeaderSize + data.size());
  Figure f;
  f.seconds = time_it([&] {
    for (std::uint64_t i = 0; i < n; ++i) {
      r.header.counter = static_cast<std::uint32_t>(i);
      r.pcap_usec = static_cast<std::uint32_t>(i % 1000000);
      sebekd_format::append_stream_record(batch, r);
      if (batch.size() >= kBatch) {
        g_sink = batch[batch.size() / 2];
        batch.clear();
      }
    }
  });
  f.records = n;
  f.bytes = n * (sebekd_format::kStreamRecordHeaderSize + data.size());
  return f;
}

Figure write_pcap(std::uint64_t n, const std::vector<std::uint8_t>& data, const std::string& path) {
  sebekd_format::FrameParams p;
  p.src_mac = {0x00, 0x16, 0x3e, 0x12, 0x34, 0x56};
  p.src_ip = 0x0a000017;
  sebekd_format::Header h = header_for(data.size());
  Figure f;
  {
    sebekd_format::PcapWriter w(path);
    f.seconds = time_it([&] {
      for (std::uint64_t i = 0; i < n; ++i) {
        h.counter = static_cast<std::uint32_t>(i);
        w.write_record(timeval{1700000000, static_cast<suseconds_t>(i % 1000000)}, p, h, data);
      }
      w.flush();
    });
  }
  ::unlink(path.c_str());
  f.records = n;
  f.bytes = n * (16 + sebekd_format::kFrameHeaderSize + data.size());
  return f;
}

// memcpy of `record_size` bytes per record into the same kind of batches.
Figure copy_baseline(std::uint64_t n, std::size_t record_size) {
  std::vector<std::uint8_t> source(record_size, 0xa5);
  std::vector<std::uint8_t> batch(kBatch + record_size);
  std::size_t used = 0;
  Figure f;
  f.seconds = time_it([&] {
    for (std::uint64_t i = 0; i < n; ++i) {
      source[0] = static_cast<std::uint8_t>(i);  // not a loop-invariant copy
      std::memcpy(batch.data() + used, source.data(), record_size);
      used += record_size;
      if (used >= kBatch) {
        g_sink = batch[used / 2];
        used = 0;
      }
    }
  });
  f.records = n;
  f.bytes = n * record_size;
  return f;
}

void row(const char* what, const Figure& f, const Figure& copy) {
  std::printf("  %-22s %14.0f %10.1f %14.0f %10.1f %9.1fx\n", what, f.records_per_s(), f.mb_per_s(),
              copy.records_per_s(), copy.mb_per_s(),
              copy.seconds > 0 ? f.seconds / copy.seconds : 0);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t small = 5'000'000, large = 500'000;
  int repeat = 3;
  std::string dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  namespace po = boost::program_options;
  const bench::Program program{"xebek-bench-format",
      "Measure writing the Sebek v3 stream and pcap formats beside memcpy."};
  po::options_description opts;
  opts.add_options()
    ("small", po::value(&small)->default_value(small), "records of 1-byte payload")
    ("large", po::value(&large)->default_value(large), "records of 4096-byte payload")
    ("repeat", po::value(&repeat)->default_value(repeat), "runs of each measurement, the best kept")
    ("dir", po::value(&dir)->default_value(dir), "directory the files are written into");
  if (auto done = bench::parse_command_line(argc, argv, program, opts)) return *done;
  repeat = std::max(1, repeat);
  // Best of `repeat` runs of one measurement.
  auto best = [repeat](auto&& measure) {
    Figure f = measure();
    for (int r = 1; r < repeat; ++r) {
      const Figure g = measure();
      if (g.seconds < f.seconds) f = g;
    }
    return f;
  };
  const std::string pcap_path = dir + "/xebek-bench-format-" + std::to_string(::getpid()) + ".pcap";
  std::printf("Sebek v3 format benchmark (pcap written to %s; memcpy = the same bytes per record,\n"
              "same 1 MiB batches; ratio = format time / memcpy time; best of %d runs)\n\n",
              dir.c_str(), repeat);
  try {
    for (const std::size_t size : {std::size_t{1}, std::size_t{1320}}) {
      const std::uint64_t n = size == 1 ? small : large;
      const std::vector<std::uint8_t> data(size, 'x');
      std::printf("%zu-byte records, %llu of them:\n", size, static_cast<unsigned long long>(n));
      std::printf("  %-22s %14s %10s %14s %10s %10s\n", "case", "records/s", "MB/s", "memcpy rec/s",
                  "memcpy MB/s", "ratio");
      const Figure stream = best([&] { return encode_stream(n, data); });
      const Figure stream_copy =
          best([&] { return copy_baseline(n, sebekd_format::kStreamRecordHeaderSize + size); });
      row("stream encode", stream, stream_copy);
      const Figure pcap = best([&] { return write_pcap(n, data, pcap_path); });
      const Figure pcap_copy =
          best([&] { return copy_baseline(n, 16 + sebekd_format::kFrameHeaderSize + size); });
      row("pcap write (file)", pcap, pcap_copy);
      std::printf("\n");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xebek-bench-format: %s\n", e.what());
    return 1;
  }
  return 0;
}
