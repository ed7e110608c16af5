#include "cpu_meter.hpp"

#include <time.h>

#include "domain_session.hpp"

namespace xebekd {

std::uint64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::uint64_t(ts.tv_sec) * 1'000'000'000ull + std::uint64_t(ts.tv_nsec);
}

CpuCharge::CpuCharge(DomainSession* s) : s_(s), start_(thread_cpu_ns()) {}

CpuCharge::~CpuCharge() {
  if (s_) s_->add_cpu_ns(thread_cpu_ns() - start_);
}

void CpuMeter::start_round() {
  turns_.clear();
  cpu0_ = thread_cpu_ns();
  start_ = last_ = Clock::now();
}

void CpuMeter::charge(DomainSession& s) {
  const auto now = Clock::now();
  turns_.push_back({&s, now - last_});
  last_ = now;
}

void CpuMeter::skip() { last_ = Clock::now(); }

void CpuMeter::end_round() {
  if (turns_.empty()) return;
  const std::uint64_t cpu = thread_cpu_ns() - cpu0_;
  const double wall = double((Clock::now() - start_).count());
  if (wall <= 0) return;
  // Every turn's share of the round's wall time, of its CPU time.
  const double cpu_per_tick = double(cpu) / wall;
  for (const Turn& t : turns_) t.session->add_cpu_ns(static_cast<std::uint64_t>(double(t.took.count()) * cpu_per_tick));
  turns_.clear();
}

}  // namespace xebekd
