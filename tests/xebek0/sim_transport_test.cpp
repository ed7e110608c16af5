// SimTransport and SimDomain across real processes: a forked child runs
// the simulated DomU (the kernel's C producer on POSIX shm), the test
// process discovers, maps and drains it through the Consumer, and drives
// the control word. Also: the registry treated as hostile input.
#include "xebek0/consumer.hpp"
#include "simdomu/sim_domain.hpp"
#include "xebek0/sim_transport.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;
using namespace xebek0;
using simdomu::SimDomain;

namespace {

class TempRegistry {
 public:
  TempRegistry() {
    char tmpl[] = "/tmp/xebek-sim-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempRegistry() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

bool readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, ms) == 1;
}

std::string payload_for(uint32_t i) { return std::string(1 + i % 100, static_cast<char>('a' + i % 26)); }

// 5000 records of 81-180 bytes fit in the 1 MiB ring without a consumer.
constexpr uint32_t kRecords = 5000;
constexpr uint32_t kControl = XEBEK_CTL_ENABLE | XEBEK_CTL_READS | XEBEK_CTL_WRITES;

// The simulated DomU: produce, then apply control words until it is told
// to stop (a control word without XEBEK_CTL_ENABLE).
[[noreturn]] void run_domain(const fs::path& reg) {
  int rc = 0;
  try {
    SimDomain dom({reg, "guest-a", 7, 8, std::string("10.0.0.7")});
    for (uint32_t i = 0; i < kRecords; ++i) {
      xebek_rec t{};
      t.type = XEBEK_REC_WRITE;
      t.pid = i;
      std::string p = payload_for(i);
      if (!dom.produce(t, {reinterpret_cast<const uint8_t*>(p.data()), p.size()})) rc = 3;
    }
    for (int waits = 0; waits < 200; ++waits) {
      if (!readable(dom.control_fd(), 100)) continue;
      if (!(dom.apply_control() & XEBEK_CTL_ENABLE)) break;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "child: %s\n", e.what());
    rc = 2;
  }
  ::_exit(rc);
}

std::vector<DomainInfo> wait_for_domains(SimTransport& tr, size_t n) {
  for (int i = 0; i < 500; ++i) {
    auto d = tr.discover();
    if (d.size() >= n) return d;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return {};
}

TEST(SimTransport, CrossProcessRecordsAndControlWord) {
  TempRegistry reg;
  SimTransport tr(reg.path());
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) run_domain(reg.path());

  auto doms = wait_for_domains(tr, 1);
  ASSERT_EQ(1u, doms.size());
  EXPECT_EQ("guest-a", doms[0].name);
  EXPECT_EQ(7u, doms[0].id);
  EXPECT_EQ("10.0.0.7", tr.domain_ip(doms[0]).value_or(""));

  auto ring = tr.map(doms[0]);
  ASSERT_EQ(8u, ring->order());
  Consumer c(*ring);
  uint32_t got = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (got < kRecords && std::chrono::steady_clock::now() < deadline) {
    for (auto b = c.poll(); !b.empty(); b = c.poll()) {
      for (const auto& r : b) {
        ASSERT_EQ(got, r.hdr.pid);
        ASSERT_EQ(got, r.hdr.seq);
        ASSERT_EQ(payload_for(got), std::string(r.payload.begin(), r.payload.end()));
        ++got;
      }
      c.commit();
    }
    if (!c.arm_notify(1) && readable(ring->event_fd(), 50)) c.on_event();
  }
  EXPECT_EQ(kRecords, got);
  EXPECT_EQ(0u, c.stats().protocol_errors) << c.failure();

  c.set_control(kControl);
  for (int i = 0; i < 500 && c.stats().control_applied != kControl; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    c.poll();
  }
  EXPECT_EQ(kControl, c.stats().control_applied);

  c.set_control(0);  // tells the simulated domain to stop
  int status = 0;
  ASSERT_EQ(child, ::waitpid(child, &status, 0));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_TRUE(tr.discover().empty());  // the domain withdrew its entry
}

TEST(SimTransport, ControlRequestsGoThroughTheRegistry) {
  TempRegistry reg;
  SimTransport tr(reg.path());
  DomainInfo d{3, "web", ""};
  EXPECT_FALSE(tr.control_request(d).has_value());
  tr.drain_watch();
  tr.request_control(d, 0x2b);
  EXPECT_TRUE(readable(tr.watch_fd(), 1000));
  tr.drain_watch();
  EXPECT_EQ(0x2bu, tr.control_request(d).value_or(0));
  std::ofstream(reg.path() / "web.control") << "0xZZ\n";
  EXPECT_FALSE(tr.control_request(d).has_value());
  std::ofstream(reg.path() / "web.control") << "0x1234567890\n";
  EXPECT_FALSE(tr.control_request(d).has_value());
  EXPECT_THROW(tr.request_control({1, "../evil", ""}, 1), TransportError);
}

TEST(SimTransport, MalformedOrStaleEntriesAreIgnored) {
  TempRegistry reg;
  SimTransport tr(reg.path());
  const std::string pid = std::to_string(::getpid());
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(reg.path() / (name + ".domain")) << text;
  };
  const std::string good_rest = "shm=/x\nversion=1\nevtchn=3\nctlchn=4\n";
  write("ok", "id=1\npid=" + pid + "\norder=2\n" + good_rest);
  write("bad-order", "id=2\npid=" + pid + "\norder=11\n" + good_rest);
  write("missing", "id=3\npid=" + pid + "\n");
  write("junk", std::string(10000, 'x'));
  write("neg", "id=-1\npid=" + pid + "\norder=2\n" + good_rest);
  write("slash", "id=5\npid=" + pid + "\norder=2\nshm=/a/b\nversion=1\nevtchn=3\nctlchn=4\n");
  pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  write("stale", "id=6\npid=" + std::to_string(dead) + "\norder=2\n" + good_rest);
  auto doms = tr.discover();
  ASSERT_EQ(1u, doms.size());
  EXPECT_EQ("ok", doms[0].name);
  // Its shm does not exist: mapping fails with a clear error.
  try {
    tr.map(doms[0]);
    FAIL() << "mapped a domain without shared memory";
  } catch (const TransportError& e) {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("domain ok")) << e.what();
  }
  EXPECT_THROW(tr.map({9, "nope", ""}), TransportError);
}

// A guest that names a descriptor that is not an eventfd, or announces
// an order that does not match its shared memory, is refused at map time.
TEST(SimTransport, MapRefusesLyingAnnouncements) {
  TempRegistry reg;
  SimTransport tr(reg.path());
  SimDomain dom({reg.path(), "liar", 4, 2, std::nullopt});
  auto entry = reg.path() / "liar.domain";
  std::string text;
  {
    std::ifstream in(entry);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_NE(nullptr, tr.map({4, "liar", ""}).get());  // honest entry maps

  int notevent = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::string bad_fd = text;
  bad_fd.replace(bad_fd.find("evtchn="), bad_fd.find('\n', bad_fd.find("evtchn=")) - bad_fd.find("evtchn="),
                 "evtchn=" + std::to_string(notevent));
  std::ofstream(entry) << bad_fd;
  EXPECT_THROW(tr.map({4, "liar", ""}), TransportError);
  ::close(notevent);

  std::string bad_order = text;
  bad_order.replace(bad_order.find("order=2"), 7, "order=5");
  std::ofstream(entry) << bad_order;
  EXPECT_THROW(tr.map({4, "liar", ""}), TransportError);
  std::ofstream(entry) << text;
  EXPECT_THROW(tr.map({5, "liar", ""}), TransportError);  // id changed
}

TEST(SimDomain, ProducesOnlyWhatTheControlWordAsksFor) {
  TempRegistry reg;
  SimDomain dom({reg.path(), "ctl", 1, 0, std::nullopt});
  xebek_rec t{};
  t.type = XEBEK_REC_READ;
  const uint8_t one[1] = {'k'}, two[2] = {'a', 'b'};
  EXPECT_TRUE(dom.produce_if_wanted(t, one));    // default: keystrokes
  EXPECT_FALSE(dom.produce_if_wanted(t, two));   // not all reads
  dom.producer()->intf->control = XEBEK_CTL_ENABLE | XEBEK_CTL_READS;
  EXPECT_TRUE(dom.produce_if_wanted(t, two));
  dom.producer()->intf->control = 0;
  EXPECT_FALSE(dom.produce_if_wanted(t, one));
  EXPECT_THROW(SimDomain({reg.path(), "bad/name", 1, 0, std::nullopt}), TransportError);
  EXPECT_THROW(SimDomain({reg.path(), "big", 1, 11, std::nullopt}), TransportError);
}

}  // namespace
