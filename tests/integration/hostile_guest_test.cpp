// xebekd against faults and hostile guests, as processes: a restart with a
// ring full of records it already wrote, a second daemon on the same logs,
// signal and announcement storms, a guest that floods past its disk quota
// or below the free-space floor, an isolated domain's id reused, a domain
// named like xebekd's own files. Each is a failure that was reproduced
// against an earlier xebekd.
#include <gtest/gtest.h>

#include "xebek/ring.h"
#include "simdomu/sim_domain.hpp"

#include <atomic>
#include <csignal>
#include <fstream>
#include <regex>
#include <thread>

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon_rig.hpp"
#include "harness.hpp"
#include "loss_accounting.hpp"
#include "xebekd/disk_budget.hpp"
#include "xebekd/native_log.hpp"

using namespace harness;

namespace {

simdomu::SimDomainConfig sim_config(const Rig& s, const std::string& name, std::uint32_t id, unsigned order = 4) {
  simdomu::SimDomainConfig cfg;
  cfg.registry = s.reg;
  cfg.name = name;
  cfg.id = id;
  cfg.order = order;
  return cfg;
}

void produce_reads(simdomu::SimDomain& dom, int n) {
  xebek_rec r{};
  r.type = XEBEK_REC_READ;
  const std::uint8_t b = 'q';
  for (int i = 0; i < n; ++i) ASSERT_TRUE(dom.produce(r, {&b, 1}));
}

// The guest's own end of its event channel, from its registry entry.
int event_fd_of(const Rig& s, const std::string& name) {
  std::ifstream in(fs::path(s.reg) / (name + ".domain"));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::smatch m;
  if (!std::regex_search(text, m, std::regex("evtchn=([0-9]+)"))) return -1;
  return std::stoi(m[1]);
}

// Rewrites a registry entry as the guest would (temporary file, rename).
void rewrite_entry(const Rig& s, const std::string& name, const std::string& text) {
  const fs::path p = fs::path(s.reg) / (name + ".domain");
  const fs::path tmp = p.string() + ".tmp.storm";
  std::ofstream(tmp) << text;
  fs::rename(tmp, p);
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

// Runs `attack` in a thread until `stop` is set.
class Attacker {
 public:
  explicit Attacker(std::function<void()> attack)
      : thread_([this, attack] {
          while (!stop_) attack();
        }) {}
  ~Attacker() { finish(); }
  void finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

// The daemon died after writing a full ring's records but before moving
// cons. The restarted daemon skips them all as already written: it must
// still give their space back, or the guest drops everything from then on.
TEST(HostileGuest, RestartWithAFullRingOfWrittenRecordsDoesNotWedgeIt) {
  Rig s;
  simdomu::SimDomain dom(sim_config(s, "full", 21, 1));  // two pages: full after about a hundred records
  xebek_rec r{};
  r.type = XEBEK_REC_READ;
  const std::uint8_t b = 'f';
  int n = 0;
  while (dom.produce(r, {&b, 1})) ++n;
  ASSERT_GT(n, 20);
  xebek_ring_intf* ri = dom.producer()->intf;
  const std::uint32_t cons0 = XEBEK_READ(ri->cons);
  s.start({"--mode", "all"});
  ASSERT_TRUE(wait_until([&] { return XEBEK_READ(ri->cons) == XEBEK_READ(ri->prod); }, 10));
  s.daemon->signal(SIGKILL);
  s.daemon->wait(5);
  XEBEK_WRITE(ri->cons, cons0);  // as if it died between writing and committing
  s.start({"--mode", "all"});
  ASSERT_TRUE(wait_until([&] { return XEBEK_READ(ri->cons) == XEBEK_READ(ri->prod); }, 10))
      << "the restarted daemon left the ring full of records it had already written";
  produce_reads(dom, 10);
  // The ten, after the loss record of the attempt that found the ring full.
  ASSERT_TRUE(wait_until([&] { auto d = s.domain("full"); return d && d->records == 11; }, 10))
      << s.daemon->err() << xebekd::status_to_json(s.status());
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();
  const auto scan = xebekd::scan_native_log((s.logs / "full" / "native.xnl").string());
  ASSERT_EQ(scan.entries.size(), static_cast<std::size_t>(n + 11));
  for (std::size_t i = 0; i < scan.entries.size(); ++i) ASSERT_EQ(scan.entries[i].event.seq, i);
}

TEST(HostileGuest, ASecondDaemonOnTheSameLogsIsRefused) {
  Rig s;
  s.start();
  ASSERT_TRUE(wait_until([&] { return fs::exists(s.logs / "xebekd_status"); }, 10));
  const RunResult r = run({xebekd_bin(), "--transport", "sim", "--registry", s.reg, "--logdir", s.logs.string()},
                          s.tmp.path, 10);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("another xebekd (pid " + std::to_string(s.daemon->pid()) + ")"), std::string::npos) << r.err;
  EXPECT_EQ(count_of(r.err, "\n"), 1u) << r.err;
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();
}

// A guest that signals its channel in a loop is masked; a quiet domain
// beside it loses nothing and the storm is visible in the status.
TEST(HostileGuest, SignalStormIsMaskedAndTheOthersAreServed) {
  Rig s;
  s.start({"--mode", "all"});
  simdomu::SimDomain storm(sim_config(s, "storm", 30));
  const int fd = event_fd_of(s, "storm");
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(wait_until([&] { return s.domain("storm").has_value(); }, 10));
  Attacker a([fd] {
    const std::uint64_t one = 1;
    (void)!::write(fd, &one, sizeof one);
  });
  const RunResult quiet = run(s.simdomu({"--synthetic", "--name", "quiet", "--id", "31", "--records", "1500",
                                         "--rate", "500", "--when-full", "wait"}),
                              s.tmp.path);
  ASSERT_EQ(quiet.code, 0) << quiet.err;
  const auto st = s.domain("storm");
  a.finish();
  ASSERT_TRUE(st);
  EXPECT_GE(st->masks, 1u) << "the storm was never masked";
  EXPECT_GE(st->errors.count("notify_flood"), 1u);
  std::fprintf(stderr, "storm: %llu signals taken in, masked %llu times, %llu ms of xebekd's CPU\n",
               (unsigned long long)st->notifications, (unsigned long long)st->masks,
               (unsigned long long)st->cpu_ms);
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();
  check_synthetic(s.logs / "quiet", 31, 1500, 1);
}

// A guest that rewrites its announcement: the same value changes nothing;
// alternating between two rings is re-attached at most once a second.
TEST(HostileGuest, AnnouncementRewriteStormIsRateLimited) {
  Rig s;
  s.start({"--mode", "all"});
  simdomu::SimDomain a(sim_config(s, "rw", 40)), b(sim_config(s, "rwb", 41));
  const std::string ring_a = read_file(fs::path(s.reg) / "rw.domain");
  std::string ring_b = read_file(fs::path(s.reg) / "rwb.domain");
  ring_b = std::regex_replace(ring_b, std::regex("id=41"), "id=40");
  ASSERT_TRUE(wait_until([&] { return s.domain("rw").has_value(); }, 10));
  {
    Attacker same([&] { rewrite_entry(s, "rw", ring_a); });
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  }
  EXPECT_EQ(count_of(s.daemon->err(), "re-initialised"), 0u) << "an identical announcement re-attached";
  const auto start = std::chrono::steady_clock::now();
  {
    bool flip = false;
    Attacker alternate([&] { rewrite_entry(s, "rw", (flip = !flip) ? ring_b : ring_a); });
    std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::size_t reattached = count_of(s.daemon->err(), "re-initialised");
  EXPECT_GE(reattached, 1u);
  EXPECT_LE(reattached, static_cast<std::size_t>(secs) + 2) << "re-attached more than once a second";
  // The domain is still served.
  rewrite_entry(s, "rw", ring_a);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const auto before = s.domain("rw")->records;
  produce_reads(a, 5);
  ASSERT_TRUE(wait_until([&] { auto d = s.domain("rw"); return d && d->records >= before + 5; }, 10));
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();
}

// A guest that produces as fast as it can: past its quota the records are
// dropped, reported as loss "quota" and as a gap in the Sebek counter, and
// what reaches the disk stays near the quota.
TEST(HostileGuest, FloodPastTheQuotaIsDroppedAsCountedLoss) {
  Rig s;
  s.start({"--mode", "all", "--quota", "256K", "--quota-period", "2"});
  const auto t0 = std::chrono::steady_clock::now();
  const RunResult flood = run(s.simdomu({"--synthetic", "--name", "flood", "--id", "50", "--records", "40000",
                                         "--size", "200", "--when-full", "wait"}),
                              s.tmp.path, 60);
  ASSERT_EQ(flood.code, 0) << flood.err;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(wait_until([&] { auto d = s.domain("flood"); return d && d->lag_bytes == 0; }, 10));
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();
  const auto st = s.domain("flood");
  ASSERT_TRUE(st);
  const std::uint64_t dropped = st->lost.at("quota");
  EXPECT_GT(dropped, 0u);
  const fs::path dir = s.logs / "flood";
  const auto recs = read_stream(slurp(dir / "sebek.sbk"));
  EXPECT_EQ(recs.size() + dropped, 40000u);
  std::uint64_t gaps = recs.empty() ? 0 : recs.front().rec.header.counter;
  for (std::size_t i = 1; i < recs.size(); ++i) gaps += recs[i].rec.header.counter - recs[i - 1].rec.header.counter - 1;
  if (!recs.empty()) gaps += 40000 - 1 - recs.back().rec.header.counter;
  EXPECT_EQ(gaps, dropped) << "the Sebek counter does not skip exactly the dropped records";
  std::uint64_t native_quota = 0;
  for (const auto& e : xebekd::scan_native_log((dir / "native.xnl").string()).entries)
    if (e.event.type == xebekd::EventType::Loss && e.event.loss_reason == xebekd::kLossQuota) native_quota += e.event.lost;
  EXPECT_EQ(native_quota, dropped);
  // Budget: the burst, the refill over the run, and the batch that crossed.
  const double allowed = 256.0 * 1024 * (1 + secs / 2) + 1024 * (68 + 200 + 200 + 200);
  EXPECT_LE(static_cast<double>(st->log_bytes), allowed) << "wrote " << st->log_bytes << " bytes in " << secs << " s";
}

TEST(HostileGuest, BelowTheFreeSpaceFloorRecordsAreDroppedAsCountedLoss) {
  Rig s;
  s.start({"--mode", "all", "--min-free", "1000000G"});  // more than any disk holds
  const RunResult r = run(s.simdomu({"--synthetic", "--name", "low", "--id", "51", "--records", "300",
                                     "--when-full", "wait"}),
                          s.tmp.path);
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(wait_until([&] { auto d = s.domain("low"); return d && d->lost.at("low_space") == 300; }, 10));
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();
  EXPECT_TRUE(read_stream(slurp(s.logs / "low" / "sebek.sbk")).empty());
}

// An isolated domain's id, reused by a new domain (here while the old
// entry still exists, as in a toolstack race): the new one is served.
TEST(HostileGuest, AnIsolatedDomainsIdIsUsableByANewDomain) {
  Rig s;
  s.start({"--mode", "all"});
  simdomu::SimDomain bad(sim_config(s, "bad", 60));
  produce_reads(bad, 1);
  ASSERT_TRUE(wait_until([&] { auto d = s.domain("bad"); return d && d->records == 1; }, 10));
  XEBEK_WRITE(bad.producer()->intf->magic, 0u);  // the guest broke its ring: isolated
  produce_reads(bad, 1);
  ASSERT_TRUE(wait_until([&] { auto d = s.domain("bad"); return d && d->state == "failed"; }, 10));
  simdomu::SimDomain good(sim_config(s, "good", 60));
  produce_reads(good, 7);
  ASSERT_TRUE(wait_until([&] { auto d = s.domain("good"); return d && d->records == 7; }, 10))
      << "the new domain was refused because of the old one's isolation";
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();
}

// A domain named like xebekd's own files cannot take their place, and the
// logs are readable only by root and the configured group.
TEST(HostileGuest, ADomainNamedLikeTheStatusFileCannotTakeIt) {
  Rig s;
  s.start({"--mode", "all", "--log-group", "adm"});
  simdomu::SimDomain dom(sim_config(s, "xebekd_status", 70));
  produce_reads(dom, 3);
  ASSERT_TRUE(wait_until([&] { auto d = s.domain("xebekd_status"); return d && d->records == 3; }, 10));
  const RunResult r = run({xebekctl_bin(), "--transport", "sim", "--registry", s.reg, "--logdir", s.logs.string(),
                           "status"},
                          s.tmp.path);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("xebekd_status"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::is_regular_file(s.logs / "xebekd_status"));
  const fs::path dir = s.logs / "xebekd_5fstatus";
  ASSERT_TRUE(fs::is_directory(dir));
  const group* adm = ::getgrnam("adm");
  ASSERT_NE(adm, nullptr);
  for (const fs::path& p : {dir, dir / "sebek.sbk", dir / "native.xnl", s.logs / "xebekd_status"}) {
    struct stat st {};
    ASSERT_EQ(::stat(p.c_str(), &st), 0) << p;
    EXPECT_EQ(st.st_mode & 07, 0u) << p << " is world-accessible";
    EXPECT_EQ(st.st_mode & 07777, fs::is_directory(p) ? 0750u : 0640u) << p;
    if (p != s.logs / "xebekd_status") {
      EXPECT_EQ(st.st_gid, adm->gr_gid) << p;
    }
  }
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();
}
