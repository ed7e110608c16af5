// The hostile soak: one xebekd serves four quiet domains and four hostile
// ones at once, and is killed (-9) and restarted in the middle. The
// hostile ones storm their channel, rewrite their announcement (between
// two rings, and with the same value), flood at full rate into their quota
// with a ring that stays full. Every record of every quiet domain must
// arrive exactly once, in order. Latency and CPU figures are printed, not
// asserted.
#include <gtest/gtest.h>

#include "xebek/ring.h"
#include "simdomu/sim_domain.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fstream>
#include <regex>
#include <thread>

#include <unistd.h>

#include "daemon_rig.hpp"
#include "harness.hpp"
#include "loss_accounting.hpp"
#include "xebekd/native_log.hpp"

using namespace harness;

namespace {

constexpr std::uint64_t kQuietRecords = 6000;  // per quiet domain, at 300/s: 20 s

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void put_entry(const Rig& s, const std::string& name, const std::string& text, const char* tag) {
  const fs::path p = fs::path(s.reg) / (name + ".domain");
  const fs::path tmp = p.string() + ".tmp." + tag;
  std::ofstream(tmp) << text;
  fs::rename(tmp, p);
}

// utime + stime of a process, in clock ticks.
std::uint64_t cpu_ticks(pid_t pid) {
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in(stat.substr(close + 2));
  std::string f;
  std::uint64_t ut = 0, st = 0;
  for (int i = 3; i <= 15 && in >> f; ++i) {
    if (i == 14) ut = std::stoull(f);
    if (i == 15) st = std::stoull(f);
  }
  return ut + st;
}

class Threads {
 public:
  void add(std::function<void()> body) {
    threads_.emplace_back([this, body] {
      while (!stop_) body();
    });
  }
  ~Threads() {
    stop_ = true;
    for (auto& t : threads_) t.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

}  // namespace

TEST(HostileSoak, QuietDomainsGetEveryRecordOnceWhileHostileOnesAttack) {
  Rig s;
  const std::vector<std::string> args = {"--mode", "all", "--quota", "2M", "--quota-period", "1", "--max-batch", "256"};
  s.start(args);
  ASSERT_TRUE(wait_until([&] { return fs::exists(s.logs / "xebekd_status"); }, 10));

  // Hostile domains in this process: a signal storm, an announcement that
  // alternates between two rings, and one rewritten with its own value.
  auto cfg = [&](const std::string& name, std::uint32_t id) {
    simdomu::SimDomainConfig c;
    c.registry = s.reg;
    c.name = name;
    c.id = id;
    c.order = 4;
    return c;
  };
  simdomu::SimDomain storm(cfg("h-storm", 110)), flip_a(cfg("h-flip", 111)), flip_b(cfg("h-flip-b", 112)),
      watch(cfg("h-watch", 113));
  const std::string storm_entry = read_text(fs::path(s.reg) / "h-storm.domain");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(storm_entry, m, std::regex("evtchn=([0-9]+)")));
  const int storm_fd = std::stoi(m[1]);
  const std::string ring_a = read_text(fs::path(s.reg) / "h-flip.domain");
  const std::string ring_b =
      std::regex_replace(read_text(fs::path(s.reg) / "h-flip-b.domain"), std::regex("id=112"), "id=111");
  const std::string watch_entry = read_text(fs::path(s.reg) / "h-watch.domain");

  // The quiet load, and the full-rate flood whose ring stays full.
  Process quiet(s.simdomu({"--synthetic", "--name", "quiet", "--id", "100", "--domains", "4", "--records",
                           std::to_string(kQuietRecords), "--rate", "300", "--when-full", "wait", "--order", "4"}),
                s.tmp.path, "quiet");
  Process flood(s.simdomu({"--synthetic", "--name", "h-flood", "--id", "114", "--records", "1000000000", "--size",
                           "512", "--when-full", "drop", "--order", "2"}),
                s.tmp.path, "flood");
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t cpu = 0;
  {
    Threads attacks;
    attacks.add([&] {
      const std::uint64_t one = 1;
      (void)!::write(storm_fd, &one, sizeof one);
    });
    bool flip = false;
    attacks.add([&] { put_entry(s, "h-flip", (flip = !flip) ? ring_b : ring_a, "flip"); });
    attacks.add([&] { put_entry(s, "h-watch", watch_entry, "watch"); });

    std::this_thread::sleep_for(std::chrono::seconds(8));
    cpu += cpu_ticks(s.daemon->pid());
    s.daemon->signal(SIGKILL);
    EXPECT_EQ(s.daemon->wait(5), -SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    s.start(args);
    ASSERT_EQ(quiet.wait(90), 0) << quiet.err() << s.daemon->err();
    cpu += cpu_ticks(s.daemon->pid());
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  flood.signal(SIGTERM);
  flood.wait(30);
  const auto st = s.status();
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();

  std::vector<double> lat_ms;
  for (std::uint32_t i = 0; i < 4; ++i) {
    const fs::path dir = s.logs / ("quiet-" + std::to_string(i));
    check_synthetic(dir, 100 + i, kQuietRecords, 1);
    for (const auto& e : xebekd::scan_native_log((dir / "native.xnl").string()).entries)
      lat_ms.push_back((double(e.meta.recv_time_ns) - double(e.event.time_ns)) / 1e6);
  }
  std::sort(lat_ms.begin(), lat_ms.end());
  ASSERT_FALSE(lat_ms.empty());
  const auto at = [&](double q) { return lat_ms[static_cast<std::size_t>(q * double(lat_ms.size() - 1))]; };
  std::fprintf(stderr,
               "hostile soak, %.1f s with a kill -9 and restart at 8 s: quiet record-to-disk latency "
               "p50 %.2f ms, p99 %.2f ms, max %.1f ms (the max includes the restart); xebekd CPU %.0f%% of a core\n",
               secs, at(0.5), at(0.99), lat_ms.back(), 100.0 * double(cpu) / double(::sysconf(_SC_CLK_TCK)) / secs);
  for (const auto& d : st.domains)
    if (d.name.starts_with("h-"))
      std::fprintf(stderr, "  %-8s cpu %4llu ms, masked %llu times, %llu records, lost quota %llu, ring_full %llu\n",
                   d.name.c_str(), (unsigned long long)d.cpu_ms, (unsigned long long)d.masks,
                   (unsigned long long)d.records, (unsigned long long)(d.lost.count("quota") ? d.lost.at("quota") : 0),
                   (unsigned long long)(d.lost.count("ring_full") ? d.lost.at("ring_full") : 0));
}
