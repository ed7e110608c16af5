// Drives one simulated domain: queues records through the kernel's C
// producer (via SimDomain), follows the control word Dom0 sends, and can
// wait for room instead of dropping (a replay may wait; a kernel cannot).
#pragma once

#include "simdomu/sim_domain.hpp"

#include <atomic>
#include <cstdint>
#include <span>

namespace simdomu {

struct FeederStats {
  std::uint64_t produced = 0;     // records queued (not counting loss records)
  std::uint64_t filtered = 0;     // not wanted by the control word
  std::uint64_t dropped = 0;      // dropped by the producer (ring full, ...)
  std::uint64_t reported_lost = 0;// losses injected for replayed counter gaps
};

class Feeder {
 public:
  Feeder(simdomu::SimDomain& dom, std::uint32_t initial_control, bool wait_when_full,
         const std::atomic<bool>& stop);

  // Queues one record unless the control word filters it out; `lost_before`
  // records are first reported lost (reason "other").
  void feed(const xebek_rec& tmpl, std::span<const std::uint8_t> payload,
            std::uint64_t lost_before = 0);

  // Waits until Dom0 has consumed everything; false on timeout or stop.
  bool wait_drained(double timeout_s);
  // Waits until a consumer has attached (asked for a notification).
  bool wait_consumer(double timeout_s);
  // Applies a pending control signal, if any.
  void poll_control();

  const FeederStats& stats() const { return stats_; }
  std::uint32_t control() const { return control_; }

 private:
  std::uint32_t room() const;
  simdomu::SimDomain& dom_;
  std::uint32_t control_;
  bool wait_;
  const std::atomic<bool>& stop_;
  FeederStats stats_;
  unsigned since_control_check_ = 0;
};

}  // namespace simdomu
