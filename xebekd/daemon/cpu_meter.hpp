// Charges xebekd's CPU time to the domains it serves, cheaply enough to do
// on every turn. The thread's CPU clock is a system call (microseconds in
// a guest VM); read twice per domain per turn it cost a third of serving
// hundreds of quiet domains. So turns are timed on the monotonic clock
// (vDSO, tens of ns), and the thread's CPU clock is read once per round
// and shared out in proportion to those times. The sum charged is the
// CPU the round really took; one domain's share is exact unless the
// thread was preempted during its turn.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace xebekd {

class DomainSession;

class CpuMeter {
 public:
  // Starts a round. Nothing may block until end_round() (time spent
  // asleep would be shared out as CPU), and no charged session may be
  // destroyed before it.
  void start_round();
  // The time since the last charge (or the round's start) was `s`'s.
  void charge(DomainSession& s);
  // The time since the last charge was the daemon's own: nobody's.
  void skip();
  // Reads the thread's CPU clock and gives every session its share.
  void end_round();

 private:
  using Clock = std::chrono::steady_clock;
  struct Turn {
    DomainSession* session;
    Clock::duration took;
  };
  std::uint64_t cpu0_ = 0;
  Clock::time_point start_{}, last_{};
  std::vector<Turn> turns_;
};

// CPU time of the calling thread so far, in ns (a system call).
std::uint64_t thread_cpu_ns();

// Charges the CPU time of a rare scope (attach, detach) to one domain
// with two reads of the thread's CPU clock; the hot path uses CpuMeter.
class CpuCharge {
 public:
  explicit CpuCharge(DomainSession* s);
  ~CpuCharge();
  CpuCharge(const CpuCharge&) = delete;
  CpuCharge& operator=(const CpuCharge&) = delete;

 private:
  DomainSession* s_;
  std::uint64_t start_;
};

}  // namespace xebekd
