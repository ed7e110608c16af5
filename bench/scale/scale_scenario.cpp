#include "scale_scenario.hpp"

#include <algorithm>
#include <cstdio>
#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <thread>

#include "daemon_process.hpp"
#include "domain_status.hpp"
#include "keystroke_latency.hpp"
#include "xebekd/status_file.hpp"

namespace bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr double kAttachTimeout_s = 60;
constexpr double kDrainTimeout_s = 10;
constexpr auto kMemorySampleEvery = std::chrono::milliseconds(250);

std::uint64_t unix_ms() {
  return std::uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count());
}

std::optional<xebekd::DaemonStatus> try_status(const std::string& file) {
  try {
    return xebekd::read_status_file(file);
  } catch (const std::exception&) {
    return std::nullopt;  // not written yet
  }
}

std::size_t active_domains(const std::string& file) {
  const auto st = try_status(file);
  if (!st) return 0;
  return static_cast<std::size_t>(
      std::count_if(st->domains.begin(), st->domains.end(), [](const auto& d) { return d.state == "active"; }));
}

// The first status xebekd writes after `after_ms` (its own clock stamp):
// two such snapshots time the window to the status writes themselves.
xebekd::DaemonStatus status_after(const std::string& file, std::uint64_t after_ms) {
  std::optional<xebekd::DaemonStatus> st;
  if (!wait_for([&] { return (st = try_status(file)) && st->updated_unix_ms > after_ms; }, 10))
    throw std::runtime_error("xebekd stopped writing its status file " + file);
  return *st;
}

std::map<std::string, std::uint64_t> records_by_name(const xebekd::DaemonStatus& st) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& d : st.domains) out[d.name] = d.records;
  return out;
}

// Records written between two snapshots by the domains `name_of(i)` names.
template <class NameOf>
std::uint64_t records_between(const xebekd::DaemonStatus& a, const xebekd::DaemonStatus& b, unsigned n,
                              NameOf name_of) {
  const auto before = records_by_name(a), after = records_by_name(b);
  std::uint64_t sum = 0;
  for (unsigned i = 0; i < n; ++i) {
    const auto x = after.find(name_of(i));
    const auto y = before.find(name_of(i));
    if (x != after.end()) sum += x->second - (y != before.end() ? std::min(y->second, x->second) : 0);
  }
  return sum;
}

// Samples xebekd's memory until `stop`; returns the largest beyond-rings figure.
std::uint64_t watch_memory(pid_t pid, const std::atomic<bool>& stop) {
  std::uint64_t most = 0;
  while (!stop.load()) {
    most = std::max(most, sample_memory(pid).beyond_rings_kib());
    std::this_thread::sleep_for(kMemorySampleEvery);
  }
  return most;
}

bool typists_written(const std::string& status_file, const TypingCounts& typed) {
  const auto st = try_status(status_file);
  if (!st) return false;
  const auto written = records_by_name(*st);
  for (unsigned i = 0; i < typed.sent.size(); ++i) {
    const auto w = written.find(typist_name(i));
    if (w == written.end() || w->second < typed.sent[i]) return false;
  }
  return true;
}

void read_latencies(const xebekd::DaemonStatus& st, const TypingCounts& typed, ScaleFigures& f) {
  std::map<std::string, std::string> native_log;
  for (const auto& d : st.domains) native_log[d.name] = d.native_log;
  for (unsigned i = 0; i < typed.sent.size(); ++i) {
    DomainLatency l;
    l.name = typist_name(i);
    l.sent = typed.sent[i];
    const auto lat = keystroke_latencies(native_log.at(l.name));
    l.written = lat.size();
    l.p50_ns = quantile(lat, 0.5);
    l.p99_ns = quantile(lat, 0.99);
    l.max_ns = quantile(lat, 1);
    f.keystrokes_sent += l.sent;
    f.keystrokes_written += l.written;
    f.all_latency_ns.insert(f.all_latency_ns.end(), lat.begin(), lat.end());
    f.typist_latency.push_back(l);
  }
  std::sort(f.all_latency_ns.begin(), f.all_latency_ns.end());
}

// The guests' threads and xebekd's memory watcher during one window;
// stopped and joined however the window ends (the typing runs its course).
struct WindowThreads {
  std::atomic<bool> stop_flood{false}, stop_watch{false};
  std::thread flooding, watching, typing;
  void finish() {
    if (typing.joinable()) typing.join();
    stop_flood = true;
    if (flooding.joinable()) flooding.join();
    stop_watch = true;
    if (watching.joinable()) watching.join();
  }
  ~WindowThreads() { finish(); }
};

// Floods (after a warm-up), types and watches xebekd's memory; fills in
// f's records/s, CPU and memory. Returns what the typists queued.
TypingCounts measure_window(const ScaleRun& run, SimGuests& guests, const DaemonProcess& d,
                            const std::string& status, ScaleFigures& f) {
  WindowThreads threads;
  threads.flooding = std::thread([&] { f.flood = guests.flood(threads.stop_flood); });
  std::this_thread::sleep_for(std::chrono::duration<double>(run.warmup));
  std::uint64_t most_kib = 0;
  threads.watching = std::thread([&] { most_kib = watch_memory(d.pid(), threads.stop_watch); });
  // The window lies inside the typing: from the first status written after
  // it began to the first written one status interval before it ends.
  const std::uint64_t typing_from_ms = unix_ms();
  TypingCounts typed;
  threads.typing = std::thread([&] {
    typed = guests.type(run.seconds);
    if (guests.typists() == 0) std::this_thread::sleep_for(std::chrono::duration<double>(run.seconds));
  });
  const auto before = status_after(status, typing_from_ms);
  const double cpu0 = d.cpu_seconds(), wait0 = d.runqueue_wait_seconds();
  const auto t0 = Clock::now();
  const auto after =
      status_after(status, typing_from_ms + std::uint64_t(run.seconds * 1000) - run.status_interval_ms);
  const double cpu1 = d.cpu_seconds(), wait1 = d.runqueue_wait_seconds();
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  threads.finish();
  f.memory_end = sample_memory(d.pid());
  f.max_beyond_rings_kib = std::max(most_kib, f.memory_end.beyond_rings_kib());
  f.xebekd_cpu = wall > 0 ? (cpu1 - cpu0) / wall : 0;
  f.xebekd_runqueue = wall > 0 ? (wait1 - wait0) / wall : 0;
  f.window_s = double(after.updated_unix_ms - before.updated_unix_ms) / 1000;
  if (f.window_s <= 0) throw std::runtime_error("no measurement window: --seconds must span two status intervals");
  f.typist_records_per_s = double(records_between(before, after, f.typists, typist_name)) / f.window_s;
  f.flooder_records_per_s = double(records_between(before, after, f.flooders, flooder_name)) / f.window_s;
  return typed;
}

}  // namespace

const DomainLatency* ScaleFigures::worst_p99() const {
  const auto w = std::max_element(typist_latency.begin(), typist_latency.end(),
                                  [](const auto& a, const auto& b) { return a.p99_ns < b.p99_ns; });
  return w == typist_latency.end() ? nullptr : &*w;
}

ScaleFigures run_scale_scenario(const ScaleRun& run) {
  fs::remove_all(run.dir);
  const fs::path reg = run.dir / "reg", logs = run.dir / "logs";
  fs::create_directories(logs);
  const std::string status = (logs / "xebekd_status").string();
  const std::string err = (run.dir / "xebekd.err").string();

  GuestPlan plan = run.guests;
  plan.registry = reg;
  SimGuests guests(plan);
  DaemonProcess d({"--transport", "sim", "--registry", reg.string(), "--logdir", logs.string(), "--mode", "all",
                   "--quota", run.quota, "--status-interval-ms", std::to_string(run.status_interval_ms)},
                  err, run.xebekd);
  const std::size_t domains = guests.typists() + guests.flooders();
  if (!wait_for([&] { return active_domains(status) == domains; }, kAttachTimeout_s, 50))
    throw std::runtime_error("xebekd did not attach all " + std::to_string(domains) + " domains; see " + err);

  ScaleFigures f;
  f.attach_s = std::chrono::duration<double>(Clock::now() - d.started()).count();
  f.typists = guests.typists();
  f.flooders = guests.flooders();
  const TypingCounts typed = measure_window(run, guests, d, status, f);
  f.keystrokes_refused = typed.refused;

  // Every keystroke queued should reach its log; wait for the last ones.
  wait_for([&] { return typists_written(status, typed); }, kDrainTimeout_s, 20);
  const auto final_status = status_after(status, 0);
  d.stop();
  read_latencies(final_status, typed, f);
  fs::remove_all(run.dir);
  return f;
}

}  // namespace bench
