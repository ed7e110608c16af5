// xebek-bench-scale: one xebekd serving many domains at once. Side by side
// in one run, each row a fresh xebekd: many domains typing at a modest
// rate alone; the same beside a few domains flooding flat out; the
// flooders alone. Prints the records/s xebekd wrote, every typist's
// keystroke-to-disk latency (the worst domain's p99 among them), xebekd's
// CPU and its memory beyond the mapped rings. Never passes or fails on speed.
#include <boost/program_options.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "command_line.hpp"
#include "daemon_process.hpp"
#include "keystroke_latency.hpp"
#include "scale_scenario.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

double ratio(double a, double b) { return b > 0 ? a / b : 0; }
double ms(std::uint64_t ns) { return double(ns) / 1e6; }
double mib(std::uint64_t kib) { return double(kib) / 1024; }

// Every domain costs descriptors (two eventfds here, more in xebekd,
// which inherits the limit): take what the hard limit allows.
void raise_fd_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
  }
}

struct Row {
  std::string name;
  bench::ScaleFigures f;
};

void print_table(const std::vector<Row>& rows) {
  std::printf("  %-22s %8s %10s %10s %10s %8s %8s %7s %7s %9s %-5s %7s %6s %6s %8s %8s %8s %8s\n", "scenario", "domains",
              "records/s", "typists/s", "flood/s", "keys", "written", "p50 ms", "p99 ms", "worst p99", "(dom)",
              "max ms", "CPU %", "wait %", "RSS-ring", "HWM-ring", "ring RSS", "attach s");
  for (const auto& [name, f] : rows) {
    const bench::DomainLatency* w = f.worst_p99();
    std::printf("  %-22s %8u %10.0f %10.0f %10.0f %8llu %8llu %7.2f %7.2f %9.2f %-5s %7.2f %6.1f %6.1f %8.1f %8.1f %8.1f %8.2f\n",
                name.c_str(), f.typists + f.flooders, f.records_per_s(), f.typist_records_per_s,
                f.flooder_records_per_s, (unsigned long long)f.keystrokes_sent,
                (unsigned long long)f.keystrokes_written, ms(bench::quantile(f.all_latency_ns, 0.5)),
                ms(bench::quantile(f.all_latency_ns, 0.99)), w ? ms(w->p99_ns) : 0.0, w ? w->name.c_str() : "-",
                ms(bench::quantile(f.all_latency_ns, 1)), 100 * f.xebekd_cpu, 100 * f.xebekd_runqueue, mib(f.max_beyond_rings_kib),
                mib(f.memory_end.peak_beyond_rings_kib()), mib(f.memory_end.ring_rss_kib), f.attach_s);
  }
}

void print_ratios(const bench::ScaleFigures& alone, const bench::ScaleFigures& mixed,
                  const bench::ScaleFigures& flood) {
  const auto worst = [](const bench::ScaleFigures& f) { return f.worst_p99() ? double(f.worst_p99()->p99_ns) : 0; };
  std::printf("\n  worst typist p99 beside the flood / alone: %.2fx\n", ratio(worst(mixed), worst(alone)));
  std::printf("  flooders' records/s beside the typists / alone: %.2f\n",
              ratio(mixed.flooder_records_per_s, flood.flooder_records_per_s));
  std::printf("  keystrokes refused by a full ring: %llu alone, %llu beside the flood\n",
              (unsigned long long)alone.keystrokes_refused, (unsigned long long)mixed.keystrokes_refused);
  std::printf("  flooders: %llu records queued, %llu refused by their full rings (beside the typists)\n",
              (unsigned long long)mixed.flood.queued, (unsigned long long)mixed.flood.refused);
  const unsigned domains = mixed.typists + mixed.flooders;
  if (domains)
    std::printf("  memory beyond the rings per domain (beside the flood): %.0f KiB\n",
                double(mixed.max_beyond_rings_kib) / domains);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are measured
  bench::ScaleRun run;
  std::string dir, baseline, rows_wanted = "typists,mixed,flooders";
  const bench::Program program{"xebek-bench-scale",
      "Measure one xebekd serving many typing domains, alone and beside flooding ones."};
  po::options_description opts;
  opts.add_options()
    ("typists", po::value(&run.guests.typists)->default_value(256), "domains typing at --rate")
    ("flooders", po::value(&run.guests.flooders)->default_value(4), "domains queueing records flat out")
    ("rate", po::value(&run.guests.typist_rate)->default_value(200), "keystrokes per second of each typist")
    ("flood-size", po::value(&run.guests.flood_size)->default_value(1), "payload bytes of each flooder record")
    ("order", po::value(&run.guests.order)->default_value(8), "ring order of every domain (8 = 1 MiB)")
    ("seconds", po::value(&run.seconds)->default_value(5), "measured seconds per scenario")
    ("warmup", po::value(&run.warmup)->default_value(0.5), "seconds the flooders run before the measurement")
    ("quota", po::value(&run.quota)->default_value("0"), "xebekd --quota for every domain (0: none)")
    ("status-interval-ms", po::value(&run.status_interval_ms)->default_value(500), "xebekd --status-interval-ms")
    ("rows", po::value(&rows_wanted)->default_value(rows_wanted),
     "which rows: typists (alone), mixed (typists + flooders), flooders (alone); the ratios need all three")
    ("baseline", po::value(&baseline),
     "another xebekd binary (an earlier build, say): every row is run with it too, printed as [base]")
    ("dir", po::value(&dir), "scratch directory on the disk under test (default /tmp/xebek-bench-scale-PID)");
  try {
    if (auto done = bench::parse_command_line(argc, argv, program, opts)) return *done;
    if (run.guests.typist_rate <= 0 || run.warmup < 0) throw std::invalid_argument("--rate must be > 0, --warmup >= 0");
    if (run.status_interval_ms < 10) throw std::invalid_argument("--status-interval-ms must be >= 10");
    if (run.seconds * 1000 < 2.0 * run.status_interval_ms)
      throw std::invalid_argument("--seconds must span at least two status intervals");
    if (run.guests.typists == 0 || run.guests.flooders == 0)
      throw std::invalid_argument("--typists and --flooders must be > 0 (the rows compare them)");
    if (run.guests.typists > 999 || run.guests.flooders > 9)
      throw std::invalid_argument("at most 999 typists and 9 flooders");
    if (run.guests.flood_size == 0 || run.guests.flood_size > (1u << 16))
      throw std::invalid_argument("--flood-size must be 1..65536");
    const auto wants = [&](const char* row) { return rows_wanted.find(row) != std::string::npos; };
    if (!wants("typists") && !wants("mixed") && !wants("flooders"))
      throw std::invalid_argument("--rows names none of typists, mixed, flooders");
    if (dir.empty()) dir = "/tmp/xebek-bench-scale-" + std::to_string(::getpid());
    raise_fd_limit();
    run.dir = dir;

    const bench::GuestPlan full = run.guests;
    std::printf("One xebekd, %u domains typing %.0f keystrokes/s each, %u flooding %zu-byte records; "
                "%.0f s per row, a fresh xebekd per row, logs under %s\n",
                full.typists, full.typist_rate, full.flooders, full.flood_size, run.seconds, dir.c_str());
    std::printf("records/s = what xebekd wrote (status records between two status writes); latency = receive "
                "time in the native log - guest time stamp, every keystroke;\nworst p99 = the typist whose "
                "own p99 is worst; CPU = xebekd utime+stime, %% of one core; wait = xebekd runnable but waiting for a "
                "CPU, %% of the time;\nRSS-ring = largest sample of VmRSS "
                "minus the rings' resident pages (smaps), HWM-ring = VmHWM minus them at the end, MiB\n\n");
    std::vector<Row> rows, baseline_rows;
    // Each scenario with this xebekd, then (if asked) with the baseline one.
    const auto run_row = [&](const std::string& name, const bench::GuestPlan& guests) {
      run.guests = guests;
      run.xebekd = bench::DaemonProcess::built_xebekd();
      rows.push_back({name, bench::run_scale_scenario(run)});
      if (baseline.empty()) return;
      run.xebekd = baseline;
      baseline_rows.push_back({name + " [base]", bench::run_scale_scenario(run)});
    };
    bench::GuestPlan typists_only = full, flooders_only = full;
    typists_only.flooders = 0;
    flooders_only.typists = 0;
    if (wants("typists"))
      run_row(std::to_string(full.typists) + " typists alone", typists_only);
    if (wants("mixed"))
      run_row("+ " + std::to_string(full.flooders) + " flooders", full);
    if (wants("flooders"))
      run_row(std::to_string(full.flooders) + " flooders alone", flooders_only);
    rows.insert(rows.end(), baseline_rows.begin(), baseline_rows.end());
    print_table(rows);
    if (rows.size() - baseline_rows.size() == 3) print_ratios(rows[0].f, rows[1].f, rows[2].f);
    fs::remove_all(dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xebek-bench-scale: %s\n", e.what());
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
    return 1;
  }
  return 0;
}
