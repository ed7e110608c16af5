#include "quiet_latency.hpp"

#include <atomic>
#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <thread>

#include <poll.h>

#include "daemon_process.hpp"
#include "domain_status.hpp"
#include "guest_records.hpp"
#include "keystroke_latency.hpp"

namespace bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kQuietName = "quiet";
constexpr const char* kAttackerName = "hostile";

// Applies what xebekd asks of the quiet guest, as its kernel would.
void follow_control(simdomu::SimDomain& dom) {
  pollfd p{dom.control_fd(), POLLIN, 0};
  if (::poll(&p, 1, 0) == 1) dom.apply_control();
}

// One 1-byte read of fd 0 (a keystroke) every 1/rate s for `seconds`,
// each stamped with the guest's clock as it is queued. Returns how many.
std::uint64_t type_keystrokes(simdomu::SimDomain& dom, double rate, double seconds) {
  xebek_rec r = read_record(1000, 0, "bash", 1);
  const std::uint8_t key = 'k';
  const auto step = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate));
  const auto start = Clock::now();
  const auto n = static_cast<std::uint64_t>(rate * seconds);
  std::uint64_t sent = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::this_thread::sleep_until(start + step * static_cast<long>(i));
    follow_control(dom);
    r.time_ns = realtime_ns();
    if (dom.produce(r, {&key, 1})) ++sent;
  }
  return sent;
}

}  // namespace

std::uint64_t LatencyFigures::latency(double p) const { return quantile(latency_ns, p); }

LatencyFigures run_latency_scenario(Attack attack, const LatencyRun& run) {
  fs::remove_all(run.dir);
  const fs::path reg = run.dir / "reg", logs = run.dir / "logs";
  fs::create_directories(logs);
  const std::string status = (logs / "xebekd_status").string();

  simdomu::SimDomain quiet({reg, kQuietName, 1, 8, std::nullopt});
  std::optional<simdomu::SimDomain> attacker;
  if (attack != Attack::None) attacker.emplace(simdomu::SimDomainConfig{reg, kAttackerName, 2, 8, std::nullopt});

  DaemonProcess d({"--transport", "sim", "--registry", reg.string(), "--logdir", logs.string(), "--mode", "all",
                   "--quota", run.quota, "--status-interval-ms", "100"},
                  (run.dir / "xebekd.err").string());
  const auto active = [&](const char* name) {
    const auto s = domain_status(status, name);
    return s && s->state == "active";
  };
  if (!wait_for([&] { return active(kQuietName) && (!attacker || active(kAttackerName)); }, 10))
    throw std::runtime_error("xebekd did not attach the domains; see " + (run.dir / "xebekd.err").string());

  LatencyFigures f;
  f.attack = attack;
  std::atomic<bool> stop{false};
  std::thread attacking;
  std::string attack_failed;
  if (attacker)
    attacking = std::thread([&] {
      try {
        f.attack_counts = run_attack(attack, *attacker, reg, stop);
      } catch (const std::exception& e) {
        attack_failed = e.what();
      }
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(run.warmup));

  const auto cpu_ms = [&](const char* name) {
    const auto s = domain_status(status, name);
    return s ? s->cpu_ms : 0;
  };
  const double cpu0 = d.cpu_seconds();
  const auto t0 = Clock::now();
  const std::uint64_t quiet0 = cpu_ms(kQuietName), attacker0 = cpu_ms(kAttackerName);
  f.sent = type_keystrokes(quiet, run.rate, run.seconds);
  const double cpu1 = d.cpu_seconds();
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  f.quiet_cpu_ms = cpu_ms(kQuietName) - quiet0;
  f.attacker_cpu_ms = attacker ? cpu_ms(kAttackerName) - attacker0 : 0;
  f.xebekd_cpu = wall > 0 ? (cpu1 - cpu0) / wall : 0;
  stop = true;
  if (attacking.joinable()) attacking.join();
  if (!attack_failed.empty()) throw std::runtime_error(std::string(attack_name(attack)) + ": " + attack_failed);

  // Every keystroke queued should reach the log; wait for the last ones.
  wait_for([&] {
    const auto s = domain_status(status, kQuietName);
    return s && s->records >= f.sent;
  }, 5);
  if (const auto h = domain_status(status, kAttackerName)) {
    f.attacker_masks = h->masks;
    if (const auto q = h->lost.find("quota"); q != h->lost.end()) f.attacker_quota_lost = q->second;
  }
  const auto q = domain_status(status, kQuietName);
  d.stop();
  if (q) f.latency_ns = keystroke_latencies(q->native_log);
  f.written = f.latency_ns.size();
  fs::remove_all(run.dir);
  return f;
}

}  // namespace bench
