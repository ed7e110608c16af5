// kill -9 of xebekd in the middle of a stream, then a restart: nothing that
// reached the ring is lost or duplicated in the logs.
#include <gtest/gtest.h>

#include "xebek/ring.h"
#include "simdomu/sim_domain.hpp"

#include <csignal>
#include <fstream>
#include <random>
#include <thread>

#include "harness.hpp"
#include "sebekd_format/pcap_file.hpp"
#include "xebekd/native_log.hpp"

using namespace harness;

namespace {

std::vector<std::string> daemon_args(const TempDir& t) {
  return {xebekd_bin(), "--transport", "sim", "--registry", (t.path / "reg").string(), "--logdir",
          (t.path / "logs").string(), "--mode", "all", "--pcap", "--max-batch", "256"};
}

// Native log: seq 0..n-1 once each; stream and pcap: counters 0..n-1 once each.
void check_exactly_once(const fs::path& dir, std::uint64_t n) {
  const auto scan = xebekd::scan_native_log((dir / "native.xnl").string());
  EXPECT_EQ(scan.valid_end, scan.file_size);
  ASSERT_EQ(scan.entries.size(), n) << "native log: lost or duplicated events";
  for (std::uint64_t i = 0; i < n; ++i) ASSERT_EQ(scan.entries[i].event.seq, i);
  const auto recs = read_stream(slurp(dir / "sebek.sbk"));
  ASSERT_EQ(recs.size(), n) << "stream: lost or duplicated records";
  for (std::uint64_t i = 0; i < n; ++i) ASSERT_EQ(recs[i].rec.header.counter, i);
  std::uint64_t frames = 0;
  auto reader = sebekd_format::PcapReader::open_file((dir / "sebek.pcap").string(), 1101);
  reader.run([&](const timeval&, std::uint32_t, const sebekd_format::FrameInfo& f) {
    ASSERT_EQ(f.verdict, sebekd_format::FrameVerdict::Accepted);
    ASSERT_EQ(f.header.counter, frames);
    ++frames;
  });
  EXPECT_EQ(frames, n) << "pcap: lost or duplicated frames";
}

}  // namespace

TEST(CrashRestart, KillNineMidStreamLosesAndDuplicatesNothing) {
  TempDir t;
  constexpr std::uint64_t kRecords = 60000;
  auto daemon = std::make_unique<Process>(daemon_args(t), t.path, "xebekd0");
  // The producer waits for room instead of dropping, so every record
  // reaches the ring; the ring is small so that it is full of unconsumed
  // records when the daemon dies.
  Process load({simdomu_bin(), "--registry", (t.path / "reg").string(), "--synthetic", "--name", "k", "--id", "7",
                "--records", std::to_string(kRecords), "--rate", "30000", "--when-full", "wait", "--order", "3",
                "--drain-timeout", "30"},
               t.path, "load");
  std::mt19937 rng(12345);
  for (int i = 1; i <= 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 200));
    daemon->signal(SIGKILL);
    EXPECT_EQ(daemon->wait(5), -SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    daemon = std::make_unique<Process>(daemon_args(t), t.path, "xebekd" + std::to_string(i));
  }
  ASSERT_EQ(load.wait(60), 0) << load.err();
  daemon->signal(SIGTERM);
  ASSERT_EQ(daemon->wait(10), 0) << daemon->err();
  check_exactly_once(t.path / "logs" / "k", kRecords);
}

// The worst moment, made certain: the logs were written but the consumer
// index was not advanced (and the last write was cut short). The restarted
// daemon must cut the partial tail and skip what it already wrote.
TEST(CrashRestart, WrittenButNotCommittedIsNotWrittenTwice) {
  TempDir t;
  simdomu::SimDomainConfig cfg;
  cfg.registry = t.path / "reg";
  cfg.name = "written-once";
  cfg.id = 8;
  cfg.order = 5;  // 500 records of 160 bytes fit
  simdomu::SimDomain dom(cfg);
  xebek_rec r{};
  r.type = XEBEK_REC_READ;
  const std::uint8_t b = 'w';
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(dom.produce(r, {&b, 1}));
  xebek_ring_intf* ri = dom.producer()->intf;
  {
    Process d(daemon_args(t), t.path, "xebekd0");
    ASSERT_TRUE(wait_until([&] { return XEBEK_READ(ri->cons) == XEBEK_READ(ri->prod); }, 10));
    d.signal(SIGKILL);
    d.wait(5);
  }
  // Rewind cons: as if the daemon died between writing and committing.
  XEBEK_WRITE(ri->cons, 0u);
  {
    std::ofstream(t.path / "logs" / cfg.name / "sebek.sbk", std::ios::app) << std::string(40, 'P');
    std::ofstream(t.path / "logs" / cfg.name / "native.xnl", std::ios::app) << std::string(90, 'P');
  }
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(dom.produce(r, {&b, 1}));
  Process d(daemon_args(t), t.path, "xebekd1");
  ASSERT_TRUE(wait_until([&] { return XEBEK_READ(ri->cons) == XEBEK_READ(ri->prod); }, 10));
  d.signal(SIGTERM);
  ASSERT_EQ(d.wait(10), 0) << d.err();
  EXPECT_NE(d.err().find("cut"), std::string::npos) << d.err();
  check_exactly_once(t.path / "logs" / cfg.name, 600);
}
