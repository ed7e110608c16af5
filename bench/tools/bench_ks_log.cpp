// bench_ks_log: keystroke-log throughput on one million records (the golden
// streams' records repeated with increasing counters and times), side by
// side in one run:
//   memcpy          copying the stream once: the memory-bandwidth ceiling
//   decode          StreamDecoder alone: the parsing floor
//   ks-log (lib)    decoder + the xebek-ks-log printer, in this process
//   xebek-ks-log    the binary, stream file on stdin, output to a file
//   perl baseline   ks_log_baseline.pl, a Perl keystroke log working the
//                   way the Sebek scripts do, on the same file
// Both processes' outputs are compared before the figures are printed.
// Prints figures only; it never passes or fails on speed. The machine may
// be shared, so CPU time (user+system) is printed beside wall time.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "child_timing.hpp"
#include "command_line.hpp"
#include "ks_log_printer.hpp"
#include "support/run_process.hpp"
#include "support/synth_stream.hpp"

namespace po = boost::program_options;
using bench::best_child;
using bench::Timing;
using bench::wall_now;

namespace {

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Best (lowest CPU) of `repeat` runs of an in-process workload.
Timing best_of(int repeat, const std::function<void()>& work) {
  Timing best{1e30, 1e30};
  for (int i = 0; i < repeat; ++i) {
    const double w0 = wall_now(), c0 = cpu_now();
    work();
    const Timing t{wall_now() - w0, cpu_now() - c0};
    if (t.cpu < best.cpu) best = t;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t records = 1'000'000;
  int repeat = 3;
  std::string vectors = XEBEK_VECTORS, ks_log = XEBEK_KS_LOG, baseline = KS_LOG_BASELINE;
  bool no_perl = false;
  const bench::Program program{"bench_ks_log",
      "Measure xebek-ks-log beside memcpy, the bare decoder and a Perl baseline."};
  po::options_description opts;
  opts.add_options()(
      "records,n", po::value(&records)->default_value(records), "records in the stream")(
      "repeat,r", po::value(&repeat)->default_value(repeat), "runs of each, best CPU time kept")(
      "no-perl", po::bool_switch(&no_perl), "leave out the Perl baseline")(
      "ks-log", po::value(&ks_log)->default_value(ks_log), "xebek-ks-log binary")(
      "baseline", po::value(&baseline)->default_value(baseline), "Perl baseline script")(
      "vectors", po::value(&vectors)->default_value(vectors), "golden vectors directory");
  if (auto done = bench::parse_command_line(argc, argv, program, opts)) return *done;

  const std::string stream = xebek_test::synth_golden_stream(vectors, records);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("bench_ks_log." + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string in = (dir / "stream.sbk").string();
  xebek_test::write_file(in, stream);

  std::vector<std::uint8_t> copy(stream.size());
  const Timing t_memcpy = best_of(repeat, [&] {
    std::memcpy(copy.data(), stream.data(), stream.size());
    asm volatile("" : : "r"(copy.data()) : "memory");  // keep the copy
  });

  auto decode_all = [&](const std::function<void(const sebekd_format::StreamRecord&)>& per_record) {
    sebekd_format::StreamDecoder d;
    constexpr std::size_t kChunk = 1 << 18;
    sebekd_format::StreamRecord r;
    std::size_t n = 0;
    for (std::size_t at = 0; at < stream.size(); at += kChunk) {
      d.feed(std::span<const std::uint8_t>(
          reinterpret_cast<const std::uint8_t*>(stream.data()) + at,
          std::min(kChunk, stream.size() - at)));
      while (d.next(r) == sebekd_format::StreamDecoder::Status::Record) {
        per_record(r);
        ++n;
      }
    }
    if (n != records) throw std::runtime_error("decoded record count differs");
  };
  std::uint64_t sink = 0;
  const Timing t_decode =
      best_of(repeat, [&] { decode_all([&](const sebekd_format::StreamRecord& r) { sink += r.header.length; }); });
  std::size_t lines = 0;
  const Timing t_lib = best_of(repeat, [&] {
    sbk_tools::KsLogPrinter printer;
    std::string out;
    lines = 0;
    decode_all([&](const sebekd_format::StreamRecord& r) {
      const std::size_t before = out.size();
      printer.on_record(r, out);
      lines += out.size() != before;
      if (out.size() > (1 << 16)) out.clear();
    });
  });

  const std::string xebek_out = (dir / "xebek.out").string();
  const Timing t_bin = best_child(repeat, {ks_log}, in, xebek_out);
  Timing t_perl{};
  std::string verdict = "not run (--no-perl)";
  if (!no_perl) {
    const std::string perl_out = (dir / "perl.out").string();
    t_perl = best_child(1, {"perl", baseline}, in, perl_out);
    verdict = xebek_test::read_file(perl_out) == xebek_test::read_file(xebek_out)
                  ? "identical"
                  : "DIFFERENT (the ratio below is not comparing equal work)";
  }

  std::printf("bench_ks_log: %zu records, %.1f MB stream, %zu keystroke lines, best of %d\n",
              records, static_cast<double>(stream.size()) / 1e6, lines, repeat);
  std::printf("perl baseline output vs xebek-ks-log: %s\n\n", verdict.c_str());
  std::printf("%-16s %9s %14s %9s %14s %10s\n", "", "wall s", "records/s", "cpu s",
              "records/s cpu", "x perl cpu");
  auto row = [&](const char* name, const Timing& t) {
    const double n = static_cast<double>(records);
    std::printf("%-16s %9.3f %14.0f %9.3f %14.0f", name, t.wall, n / t.wall, t.cpu,
                n / std::max(t.cpu, 1e-9));
    if (!no_perl)
      std::printf(" %10.1f", t_perl.cpu / std::max(t.cpu, 1e-9));
    std::printf("\n");
  };
  row("memcpy", t_memcpy);
  row("decode", t_decode);
  row("ks-log (lib)", t_lib);
  row("xebek-ks-log", t_bin);
  if (!no_perl) row("perl baseline", t_perl);
  std::printf("\nmemcpy: %.2f GB/s; (sink %llu)\n",
              static_cast<double>(stream.size()) / t_memcpy.wall / 1e9,
              static_cast<unsigned long long>(sink % 10));
  std::filesystem::remove_all(dir);
  return 0;
}
