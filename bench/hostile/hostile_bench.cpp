// xebek-bench-hostile: what hostile guests cost the others. First a quiet
// domain's keystroke-to-disk latency and xebekd's CPU beside each attack,
// against the same quiet load with no attacker; then the time to attach a
// domain against the size of its native log, with and without its
// checkpoint. Prints figures and ratios; never passes or fails on speed.
#include <boost/program_options.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "attach_time.hpp"
#include "command_line.hpp"
#include "quiet_latency.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

double ratio(double a, double b) { return b > 0 ? a / b : 0; }
double us(std::uint64_t ns) { return double(ns) / 1000; }

void print_latency_table(const std::vector<bench::LatencyFigures>& runs) {
  std::printf("  %-17s %6s %7s %8s %8s %9s %7s %7s %8s %9s %9s %12s\n", "attack", "sent", "written", "p50 us",
              "p99 us", "max us", "p99 x", "max x", "CPU %", "CPU x", "quiet ms", "attacker ms");
  const bench::LatencyFigures& base = runs.front();
  for (const auto& r : runs)
    std::printf("  %-17s %6llu %7llu %8.0f %8.0f %9.0f %7.2f %7.2f %8.1f %9.2f %9llu %12llu\n",
                bench::attack_name(r.attack), (unsigned long long)r.sent, (unsigned long long)r.written,
                us(r.latency(0.5)), us(r.latency(0.99)), us(r.latency(1)),
                ratio(double(r.latency(0.99)), double(base.latency(0.99))),
                ratio(double(r.latency(1)), double(base.latency(1))), 100 * r.xebekd_cpu,
                ratio(r.xebekd_cpu, base.xebekd_cpu), (unsigned long long)r.quiet_cpu_ms,
                (unsigned long long)r.attacker_cpu_ms);
  std::printf("\n  what the attacker did during the run:\n");
  for (const auto& r : runs) {
    if (r.attack == bench::Attack::None) continue;
    std::printf("  %-17s %12llu ops, %10llu refused by its full ring, masked %llu times, %llu records lost to quota\n",
                bench::attack_name(r.attack), (unsigned long long)r.attack_counts.ops,
                (unsigned long long)r.attack_counts.refused, (unsigned long long)r.attacker_masks,
                (unsigned long long)r.attacker_quota_lost);
  }
}

void print_attach_table(const std::vector<bench::AttachFigures>& runs) {
  std::printf("  %10s %9s %7s | %9s %9s %9s %6s | %9s %9s %9s %6s\n", "native MB", "entries", "write s", "open ms",
              "attach ms", "1st rec", "x 1MB", "open ms", "attach ms", "1st rec", "x 1MB");
  std::printf("  %28s | %-36s | %s\n", "", "  with checkpoint", "  checkpoint deleted (walks the whole log)");
  const bench::AttachFigures& base = runs.front();
  for (const auto& r : runs) {
    const auto& w = r.with_checkpoint;
    const auto& n = r.without_checkpoint;
    std::printf("  %10.1f %9llu %7.2f | %9.2f %9.1f %9.1f %6.2f | %9.2f %9.1f %9.1f %6.2f%s\n",
                double(r.native_bytes) / 1e6, (unsigned long long)r.entries, r.create_s, w.open_ms, w.attached_ms,
                w.first_record_ms, ratio(w.first_record_ms, base.with_checkpoint.first_record_ms), n.open_ms,
                n.attached_ms, n.first_record_ms, ratio(n.first_record_ms, base.without_checkpoint.first_record_ms),
                w.from_checkpoint && !n.from_checkpoint ? "" : "  (recovery did not use the checkpoint as expected)");
  }
}

std::vector<std::uint64_t> parse_sizes_mb(const std::string& text) {
  std::vector<std::uint64_t> out;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(std::stoull(item) * 1'000'000ull);
  if (out.empty()) throw std::invalid_argument("--sizes-mb needs at least one size");
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are measured
  bench::LatencyRun lat;
  std::string dir, sizes = "1,100,1000";
  std::size_t entry_bytes = 1024;
  unsigned repeats = 5;
  bool skip_latency = false, skip_attach = false;
  const bench::Program program{"xebek-bench-hostile",
      "Measure a quiet domain's latency and xebekd's CPU beside hostile guests, and attach time against log size."};
  po::options_description opts;
  opts.add_options()
    ("seconds", po::value(&lat.seconds)->default_value(4), "measured seconds per attack scenario")
    ("warmup", po::value(&lat.warmup)->default_value(0.5), "seconds each attack runs before the measurement")
    ("rate", po::value(&lat.rate)->default_value(200), "keystrokes per second of the quiet domain")
    ("quota", po::value(&lat.quota)->default_value("8M"), "xebekd --quota in the latency scenarios (every domain)")
    ("sizes-mb", po::value(&sizes)->default_value(sizes), "native log sizes of the attach benchmark, MB, comma-separated")
    ("entry-bytes", po::value(&entry_bytes)->default_value(entry_bytes), "data bytes per native entry of those logs")
    ("repeats", po::value(&repeats)->default_value(repeats), "attach measurements per log size (the median is printed)")
    ("dir", po::value(&dir), "scratch directory on the disk under test (default /tmp/xebek-bench-hostile-PID)")
    ("skip-latency", po::bool_switch(&skip_latency), "only the attach benchmark")
    ("skip-attach", po::bool_switch(&skip_attach), "only the latency benchmark");
  try {
    if (auto done = bench::parse_command_line(argc, argv, program, opts)) return *done;
    if (lat.seconds <= 0 || lat.rate <= 0 || lat.warmup < 0) throw std::invalid_argument("--seconds and --rate must be > 0, --warmup >= 0");
    if (entry_bytes == 0 || entry_bytes > (1u << 20)) throw std::invalid_argument("--entry-bytes must be 1..1048576");
    if (dir.empty()) dir = "/tmp/xebek-bench-hostile-" + std::to_string(::getpid());
    const auto size_list = parse_sizes_mb(sizes);

    if (!skip_latency) {
      std::printf("Quiet domain (%.0f keystrokes/s, %.0f s) beside each attack; a fresh xebekd per row, --quota %s\n",
                  lat.rate, lat.seconds, lat.quota.c_str());
      std::printf("latency = xebekd's receive time in the native log - the guest's time stamp; "
                  "x = ratio to the row with no attacker; CPU = xebekd's utime+stime, %% of one core;\n"
                  "quiet/attacker ms = cpu_ms of that domain in the status, gained during the run\n\n");
      std::vector<bench::LatencyFigures> runs;
      lat.dir = fs::path(dir) / "latency";
      for (const bench::Attack a : bench::kAllAttacks) runs.push_back(bench::run_latency_scenario(a, lat));
      print_latency_table(runs);
      std::printf("\n");
    }
    if (!skip_attach) {
      std::printf("Attach time against native log size (%zu-byte entries, files in the page cache, median of %u);\n"
                  "attach/1st rec = fresh xebekd start -> \"attached\" line / first record on disk; "
                  "x 1MB = ratio of the first-record time to the first row\n\n", entry_bytes, repeats);
      std::vector<bench::AttachFigures> runs;
      for (const std::uint64_t bytes : size_list)
        runs.push_back(bench::run_attach({fs::path(dir) / "attach", bytes, entry_bytes, repeats}));
      print_attach_table(runs);
    }
    fs::remove_all(dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xebek-bench-hostile: %s\n", e.what());
    std::error_code ec;  // the attach logs may be large: never leave them behind
    if (!dir.empty()) fs::remove_all(dir, ec);
    return 1;
  }
  return 0;
}
