// xebek-bench-pipeline: the capture pipeline's figures, side by side with
// the Sebek path (a UDP datagram per record over loopback, captured with
// libpcap into an sbk_extract stream) and with memcpy of the same bytes.
// Prints figures and ratios; it never passes or fails on speed.
//   xebek-bench-pipeline [--small N] [--large N] [--sebek N] [--dir DIR]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include <unistd.h>

#include "command_line.hpp"
#include "figures.hpp"

namespace {

void row(const char* name, const bench::Figures& f) {
  std::printf("  %-34s %12.0f %10.1f %10.1f %12.3f %8llu %9.0f\n", name, f.records_per_s(), f.mb_per_s(),
              f.records ? f.notifications * 1000.0 / double(f.records) : 0.0, f.cpu_us_per_record(),
              (unsigned long long)f.lost, f.peak_rss_kib / 1024.0);
}

void header() {
  std::printf("  %-34s %12s %10s %10s %12s %8s %9s\n", "path", "records/s", "MB/s", "notif/1k", "CPU us/rec",
              "lost", "RSS MiB");
}

double ratio(double a, double b) { return b > 0 ? a / b : 0; }

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are measured
  std::uint64_t small = 2'000'000, large = 100'000, sebek_n = 300'000;
  std::string dir = "/dev/shm/xebek-bench-" + std::to_string(::getpid());
  namespace po = boost::program_options;
  const bench::Program program{"xebek-bench-pipeline",
      "Measure the capture pipeline (ring, xebekd, logs) against the Sebek path and memcpy."};
  po::options_description opts;
  opts.add_options()
    ("small", po::value(&small)->default_value(small), "records of 1-byte payload through the pipeline")
    ("large", po::value(&large)->default_value(large), "records of 4096-byte payload through the pipeline")
    ("sebek", po::value(&sebek_n)->default_value(sebek_n), "records through the Sebek path")
    ("dir", po::value(&dir), "scratch directory, on tmpfs for figures of the pipeline alone "
                             "(default /dev/shm/xebek-bench-PID)");
  if (auto done = bench::parse_command_line(argc, argv, program, opts)) return *done;
  try {
    std::printf("Xebek capture pipeline benchmark (logs on %s, 1 MiB ring unless noted)\n\n", dir.c_str());
    for (const std::size_t size : {std::size_t{1}, std::size_t{4096}}) {
      const std::uint64_t n = size == 1 ? small : large;
      std::printf("%zu-byte records (%s):\n", size, size == 1 ? "keystrokes" : "4 KiB reads");
      header();
      const auto x = bench::run_xebek({n, size, 0, false, 8, dir});
      row("xebek: simdomu -> ring -> xebekd", x);
      const std::uint64_t sn = size == 1 ? sebek_n : std::min<std::uint64_t>(sebek_n, large);
      // Sebek splits at 1320 bytes: a 4 KiB read is 4 datagrams; the
      // payload per second is what counts there.
      const auto s = size <= 1320 ? bench::run_sebek_path(sn, size, dir + ".sbk")
                                  : bench::run_sebek_path(sn * 4, 1024, dir + ".sbk");
      row(size <= 1320 ? "sebek: UDP/loopback -> libpcap" : "sebek: UDP/loopback -> libpcap (4x1 KiB)", s);
      const auto m = bench::run_memcpy(n, size);
      row("memcpy of the same stream bytes", m);
      const auto w = bench::run_file_write(n, size, dir + ".write");
      row("write() of the same stream bytes", w);
      std::printf("  ratios: xebek/sebek records/s %.1fx, xebek/sebek MB/s %.1fx, xebek/memcpy MB/s %.0f%%, "
                  "xebek/write() MB/s %.0f%%\n",
                  ratio(x.records_per_s(), size <= 1320 ? s.records_per_s() : s.records_per_s() / 4),
                  ratio(x.mb_per_s(), s.mb_per_s()), 100 * ratio(x.mb_per_s(), m.mb_per_s()),
                  100 * ratio(x.mb_per_s(), w.mb_per_s()));
      std::printf("  CPU per record: xebekd %.3f us, sebek sender+capture %.3f us (%.1fx)\n\n",
                  x.cpu_us_per_record(), s.cpu_us_per_record(), ratio(s.cpu_us_per_record(), x.cpu_us_per_record()));
    }
    std::printf("Sustained 1 M keystroke records/s for 10 s into the default 1 MiB ring, the producer dropping when "
                "full (like the kernel):\n");
    header();
    const auto paced = bench::run_xebek({10'000'000, 1, 1e6, true, 8, dir});
    row("xebek at 1 M records/s", paced);
    std::printf("  achieved %.0f records/s, %llu lost\n", paced.records_per_s(), (unsigned long long)paced.lost);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xebek-bench-pipeline: %s\n", e.what());
    return 1;
  }
  return 0;
}
