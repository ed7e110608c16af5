// One xebekd serving a few hundred simulated domains at once: every record
// of every domain reaches that domain's own logs, once and in order, while
// all of them produce side by side. Started with the usual soft descriptor
// limit of 1024, which so many domains exceed: xebekd must raise it.
#include <gtest/gtest.h>

#include "xebek/ring.h"
#include "simdomu/sim_domain.hpp"

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "daemon_rig.hpp"
#include "harness.hpp"
#include "xebekd/native_log.hpp"

using namespace harness;

namespace {

constexpr unsigned kDomains = 300;
constexpr unsigned kRecordsEach = 40;
// A descriptor the tests' records name, so no other entry is mistaken for one.
constexpr std::int32_t kFd = 5;
// Descriptors xebekd needs beyond the domains' (status, epoll, registry watch...).
constexpr rlim_t kDaemonOwnFds = 64;
// Per domain in xebekd: event and control channels, lock, stream, native log.
constexpr rlim_t kFdsPerDomain = 5;

std::string domain_name(unsigned i) {
  char n[16];
  std::snprintf(n, sizeof n, "d%03u", i);
  return n;
}

// What record `k` of domain `i` carries: distinct per domain and record.
std::string payload(unsigned i, unsigned k) { return domain_name(i) + "/" + std::to_string(k); }

// Sets the soft descriptor limit for the processes started from here on;
// restores the old one when destroyed.
class SoftFdLimit {
 public:
  explicit SoftFdLimit(rlim_t soft) {
    ::getrlimit(RLIMIT_NOFILE, &old_);
    rlimit r = old_;
    r.rlim_cur = soft;
    ::setrlimit(RLIMIT_NOFILE, &r);
  }
  ~SoftFdLimit() { ::setrlimit(RLIMIT_NOFILE, &old_); }

 private:
  rlimit old_{};
};

std::size_t active_domains(const Rig& s) {
  try {
    std::size_t n = 0;
    for (const auto& d : s.status().domains) n += d.state == "active";
    return n;
  } catch (const std::exception&) {
    return 0;
  }
}

bool all_written(const Rig& s) {
  try {
    const auto st = s.status();
    std::size_t done = 0;
    for (const auto& d : st.domains) done += d.records == kRecordsEach;
    return done == kDomains;
  } catch (const std::exception&) {
    return false;
  }
}

void expect_native_log_exact(const xebekd::DomainStatus& d, unsigned i) {
  std::vector<std::string> got;
  std::vector<std::uint64_t> seqs;
  for (const auto& e : xebekd::scan_native_log(d.native_log).entries) {
    if (e.event.type != xebekd::EventType::Read || e.event.fd != kFd) continue;
    got.emplace_back(e.event.data.begin(), e.event.data.end());
    seqs.push_back(e.event.seq);
    EXPECT_EQ(e.meta.domid, d.id) << d.name;
  }
  ASSERT_EQ(got.size(), kRecordsEach) << d.name;
  for (unsigned k = 0; k < kRecordsEach; ++k) {
    EXPECT_EQ(got[k], payload(i, k)) << d.name;
    EXPECT_EQ(seqs[k], k) << d.name;
  }
}

void expect_stream_exact(const xebekd::DomainStatus& d, unsigned i) {
  const auto recs = read_stream(slurp(d.stream_log));
  ASSERT_EQ(recs.size(), kRecordsEach) << d.name;
  for (unsigned k = 0; k < kRecordsEach; ++k) {
    const auto& bytes = recs[k].bytes;  // the prefix, then the data
    ASSERT_GE(bytes.size(), sebekd_format::kStreamRecordHeaderSize) << d.name;
    EXPECT_EQ(std::string(bytes.begin() + sebekd_format::kStreamRecordHeaderSize, bytes.end()), payload(i, k)) << d.name;
    EXPECT_EQ(recs[k].rec.header.counter, k) << d.name;
  }
}

}  // namespace

TEST(ManyDomains, EveryRecordOfEveryDomainReachesItsOwnLogs) {
  rlimit hard{};
  ::getrlimit(RLIMIT_NOFILE, &hard);
  if (hard.rlim_max < kDomains * kFdsPerDomain + kDaemonOwnFds)
    GTEST_SKIP() << "the hard descriptor limit " << hard.rlim_max << " is too low for " << kDomains << " domains";

  Rig s;
  std::vector<std::unique_ptr<simdomu::SimDomain>> doms;
  for (unsigned i = 0; i < kDomains; ++i) {
    simdomu::SimDomainConfig cfg;
    cfg.registry = s.reg;
    cfg.name = domain_name(i);
    cfg.id = 1 + i;
    cfg.order = 2;  // 16 KiB: holds every record of the test
    doms.push_back(std::make_unique<simdomu::SimDomain>(cfg));
  }
  {
    const SoftFdLimit usual(1024);
    s.start({"--mode", "all"});
  }
  ASSERT_TRUE(wait_until([&] { return active_domains(s) == kDomains; }, 30)) << s.daemon->err();

  // Side by side: record k of every domain before record k + 1 of any.
  xebek_rec r{};
  r.type = XEBEK_REC_READ;
  r.fd = kFd;
  for (unsigned k = 0; k < kRecordsEach; ++k)
    for (unsigned i = 0; i < kDomains; ++i) {
      const std::string p = payload(i, k);
      r.ret = static_cast<std::int64_t>(p.size());
      ASSERT_TRUE(doms[i]->produce(r, {reinterpret_cast<const std::uint8_t*>(p.data()), p.size()}));
    }
  ASSERT_TRUE(wait_until([&] { return all_written(s); }, 30)) << s.daemon->err();
  ASSERT_EQ(s.stop(), 0);

  std::map<std::string, xebekd::DomainStatus> by_name;
  for (const auto& d : s.status().domains) by_name[d.name] = d;
  ASSERT_EQ(by_name.size(), kDomains);
  for (unsigned i = 0; i < kDomains; ++i) {
    const auto& d = by_name.at(domain_name(i));
    EXPECT_EQ(d.protocol_errors, 0u) << d.name;
    for (const auto& [reason, n] : d.lost) EXPECT_EQ(n, 0u) << d.name << " lost to " << reason;
    expect_native_log_exact(d, i);
    expect_stream_exact(d, i);
  }
}
