// Whole runs of xebekd with simulated domains: several domains at once,
// splitting of large records, run-time control with xebekctl, a full disk,
// and a hostile domain that must not disturb the others.
#include <gtest/gtest.h>

#include "xebek/ring.h"
#include "simdomu/sim_domain.hpp"

#include <csignal>
#include <fstream>
#include <set>
#include <thread>

#include "daemon_rig.hpp"
#include "harness.hpp"
#include "loss_accounting.hpp"
#include "sebekd_format/header.hpp"
#include "xebekd/native_log.hpp"
#include "xebekd/status_file.hpp"

using namespace harness;


TEST(Pipeline, SeveralDomainsAgainstOneDaemon) {
  Rig s;
  s.start({"--mode", "all", "--domain-ip", "x=10.0.0.23"});
  // Three synthetic domains in one process and a replay in another, at once.
  Process load(s.simdomu({"--synthetic", "--name", "load", "--id", "20", "--domains", "3", "--records",
                          "5000", "--when-full", "wait", "--order", "4"}),
               s.tmp.path, "load");
  const RunResult x = run(s.simdomu({"--name", "x", "--id", "10", "--replay", vectors() + "/x.pcap"}), s.tmp.path);
  ASSERT_EQ(x.code, 0) << x.err;
  ASSERT_EQ(load.wait(30), 0) << load.err();
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();
  for (std::uint32_t i = 0; i < 3; ++i) check_synthetic(s.logs / ("load-" + std::to_string(i)), 20 + i, 5000, 1);
  const auto got = read_stream(slurp(s.logs / "x" / "sebek.sbk"));
  const auto want = read_stream(slurp(vectors() + "/x.expected.sbk"));
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_TRUE(std::equal(got[i].bytes.begin() + 8, got[i].bytes.end(), want[i].bytes.begin() + 8, want[i].bytes.end()))
        << "x record " << i;
}

TEST(Pipeline, LargeRecordsAreSplitLikeSebek) {
  Rig s;
  s.start({"--mode", "all", "--pcap"});
  const RunResult r = run(s.simdomu({"--synthetic", "--name", "big", "--id", "3", "--records", "300", "--size",
                                     "4096", "--type", "write", "--when-full", "wait"}),
                          s.tmp.path);
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();
  check_synthetic(s.logs / "big", 3, 300, 4096);  // 1320 + 1320 + 1320 + 136 each
  // The pcap holds the same records as frames.
  EXPECT_EQ(fs::file_size(s.logs / "big" / "sebek.pcap"), 24u + 300u * (4 * (16 + 98) + 4096));
}

TEST(Pipeline, XebekctlDisablesEnablesAndSetsMode) {
  Rig s;
  s.start({"--mode", "all"});
  Process load(s.simdomu({"--synthetic", "--name", "ctl", "--id", "4", "--records", "1000000", "--rate", "2000",
                          "--hold"}),
               s.tmp.path, "load");
  const std::vector<std::string> ctl{xebekctl_bin(), "--transport", "sim", "--registry", s.reg, "--logdir",
                                     s.logs.string()};
  auto xebekctl = [&](std::vector<std::string> args) {
    std::vector<std::string> a = ctl;
    a.insert(a.end(), args.begin(), args.end());
    return run(a, s.tmp.path);
  };
  ASSERT_TRUE(wait_until([&] { auto d = s.domain("ctl"); return d && d->records > 100; }, 10));

  RunResult r = xebekctl({"disable", "ctl"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // in-flight records land
  const auto before = s.domain("ctl")->records;
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(s.domain("ctl")->records, before) << "records still arrive while capture is disabled";

  r = xebekctl({"mode", "ctl", "writes"});  // the load is reads: still nothing
  ASSERT_EQ(r.code, 0) << r.err;
  r = xebekctl({"enable", "ctl"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("mode writes"), std::string::npos) << r.out;
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(s.domain("ctl")->records, before) << "reads captured in writes-only mode";

  r = xebekctl({"mode", "ctl", "keystrokes"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(wait_until([&] { return s.domain("ctl")->records > before + 100; }, 10));

  r = xebekctl({"status", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"name\":\"ctl\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"mode\":\"keystrokes\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"enabled\":true"), std::string::npos) << r.out;
  r = xebekctl({"status"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("ctl"), std::string::npos) << r.out;

  load.signal(SIGTERM);
  EXPECT_GE(load.wait(10), 0);
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();
}

// A file size limit set on the running daemon makes its writes fail as on
// a full disk; when it is lifted, capture resumes. Losses (the guest drops
// records while the ring is full) are counted and reported, the counter
// skips them, and nothing written before is damaged.
TEST(Pipeline, FullDiskLosesNothingWrittenAndResumes) {
  Rig s;
  s.start({"--mode", "all", "--pcap"});
  Process load(s.simdomu({"--synthetic", "--name", "df", "--id", "5", "--records", "12000", "--rate", "6000",
                          "--order", "2"}),
               s.tmp.path, "load");
  ASSERT_TRUE(wait_until([&] { auto d = s.domain("df"); return d && d->records > 500; }, 10));
  const auto native = s.logs / "df" / "native.xnl";
  const std::string pid = std::to_string(s.daemon->pid());
  const std::uintmax_t limit = fs::file_size(native) + 20000;
  RunResult r = run({"/usr/bin/prlimit", "--pid", pid, "--fsize=" + std::to_string(limit) + ":unlimited"}, s.tmp.path);
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(wait_until([&] { auto d = s.domain("df"); return d && d->disk_full; }, 10)) << "never refused";
  // What was committed before the disk filled up must survive unchanged.
  const auto before = xebekd::scan_native_log(native.string());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  r = run({"/usr/bin/prlimit", "--pid", pid, "--fsize=unlimited:unlimited"}, s.tmp.path);
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(load.wait(30), 0) << load.err();
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();

  const auto st = s.domain("df");
  ASSERT_TRUE(st);
  check_loss_accounting(s.logs / "df", *st, 12000);
  const auto scan = xebekd::scan_native_log(native.string());
  ASSERT_GE(scan.bytes.size(), before.valid_end);
  EXPECT_TRUE(std::equal(before.bytes.begin(), before.bytes.begin() + static_cast<std::ptrdiff_t>(before.valid_end),
                         scan.bytes.begin()))
      << "bytes written before the disk filled up changed";
}

// A domain whose ring breaks the protocol is isolated; the others go on.
TEST(Pipeline, HostileDomainIsIsolatedOthersUnaffected) {
  Rig s;
  s.start({"--mode", "all", "--domain-ip", "x=10.0.0.23"});
  simdomu::SimDomainConfig cfg;
  cfg.registry = s.reg;
  cfg.name = "evil";
  cfg.id = 66;
  cfg.order = 2;
  simdomu::SimDomain evil(cfg);
  xebek_rec t{};
  t.type = XEBEK_REC_READ;
  const std::uint8_t b = 'e';
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(evil.produce(t, {&b, 1}));
  ASSERT_TRUE(wait_until([&] { auto d = s.domain("evil"); return d && d->records == 10; }, 10));
  // The guest moves its producer index far beyond the ring size and signals.
  xebek_ring_intf* ri = evil.producer()->intf;
  XEBEK_WRITE(ri->prod, XEBEK_READ(ri->prod) + 10 * XEBEK_RING_SIZE(2));
  if (evil.producer()->notify) evil.producer()->notify(evil.producer()->notify_ctx);
  const RunResult x = run(s.simdomu({"--name", "x", "--id", "10", "--replay", vectors() + "/x.pcap"}), s.tmp.path);
  ASSERT_EQ(x.code, 0) << x.err;
  ASSERT_TRUE(wait_until([&] { auto d = s.domain("evil"); return d && d->state == "failed"; }, 10));
  const auto d = *s.domain("evil");
  EXPECT_GT(d.protocol_errors, 0u);
  EXPECT_GT(d.errors.count("prod_ahead") + d.errors.count("prod_backwards"), 0u) << d.failure;
  EXPECT_TRUE(s.daemon->running());
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();
  EXPECT_NE(s.daemon->err().find("evil (id 66) isolated"), std::string::npos) << s.daemon->err();
  const auto got = read_stream(slurp(s.logs / "x" / "sebek.sbk"));
  const auto want = read_stream(slurp(vectors() + "/x.expected.sbk"));
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_TRUE(std::equal(got[i].bytes.begin() + 8, got[i].bytes.end(), want[i].bytes.begin() + 8, want[i].bytes.end()));
  EXPECT_EQ(read_stream(slurp(s.logs / "evil" / "sebek.sbk")).size(), 10u);
}

TEST(Pipeline, DomainThatReinitialisesItsRingIsRemapped) {
  Rig s;
  s.start({"--mode", "all"});
  // The first ring stays published after it was drained...
  Process first(s.simdomu({"--synthetic", "--name", "re", "--id", "30", "--records", "100", "--hold"}),
                s.tmp.path, "first");
  bool drained = false;
  for (int i = 0; i < 300 && !drained; ++i) {
    const auto d = s.domain("re");
    drained = d && d->records == 100;
    if (!drained) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(drained) << s.daemon->err();
  // ...when the same domain publishes a new ring under the same id. The
  // second producer only exits 0 once xebekd has consumed all of it, which
  // it can only do after dropping the old mapping for the new ring.
  const RunResult second =
      run(s.simdomu({"--synthetic", "--name", "re", "--id", "30", "--records", "50"}), s.tmp.path);
  EXPECT_EQ(second.code, 0) << second.err;
  first.signal(SIGTERM);
  first.wait(15);
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();
  EXPECT_NE(s.daemon->err().find("re-initialised its ring"), std::string::npos) << s.daemon->err();
  const auto recs = read_stream(slurp(s.logs / "re" / "sebek.sbk"));
  ASSERT_EQ(recs.size(), 150u);
  for (std::size_t i = 0; i < recs.size(); ++i) EXPECT_EQ(recs[i].rec.header.counter, i);
}

// A replay of a capture from three hosts makes three domains whose names
// differ only at their end (honeypot-lab-10.0.0.23, -.24, -.25): xebekctl
// status must show each in full, never cut to look alike.
TEST(Pipeline, XebekctlStatusShowsLongDomainNamesInFull) {
  Rig s;
  s.start({"--mode", "all"});
  Process replay(s.simdomu({"--name", "honeypot-lab", "--id", "30", "--replay", vectors() + "/edge.pcap",
                            "--hold"}),
                 s.tmp.path, "replay");
  const std::vector<std::string> names{"honeypot-lab-10.0.0.23", "honeypot-lab-10.0.0.24",
                                       "honeypot-lab-10.0.0.25"};
  ASSERT_TRUE(wait_until([&] {
    for (const std::string& n : names)
      if (!s.domain(n)) return false;
    return true;
  }, 10)) << "the replay's three domains did not all attach";

  const RunResult r = run({xebekctl_bin(), "--logdir", s.logs.string(), "status"}, s.tmp.path);
  ASSERT_EQ(r.code, 0) << r.err;
  for (const std::string& n : names) EXPECT_NE(r.out.find(" " + n + " "), std::string::npos) << r.out;

  replay.signal(SIGTERM);
  EXPECT_GE(replay.wait(10), 0);
  ASSERT_EQ(s.stop(), 0) << s.daemon->err();
}
