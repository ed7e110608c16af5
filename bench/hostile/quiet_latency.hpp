// One scenario of the latency benchmark: a fresh xebekd serving a quiet
// domain that types keystrokes at a steady rate, beside one attacker (or
// none, the baseline). Measures how long each keystroke took from the
// guest's time stamp to xebekd's receive time in the native log, and what
// xebekd's CPU was meanwhile.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "attacks.hpp"

namespace bench {

struct LatencyRun {
  std::filesystem::path dir;  // scratch (registry, logs); removed afterwards
  double seconds = 4;         // the measured window
  double warmup = 0.5;        // the attack runs this long before the window
  double rate = 200;          // keystrokes per second of the quiet domain
  std::string quota = "8M";   // xebekd --quota (every domain, the same)
};

struct LatencyFigures {
  Attack attack = Attack::None;
  std::uint64_t sent = 0;                 // keystrokes the quiet guest queued
  std::uint64_t written = 0;              // ...that reached its native log
  std::vector<std::uint64_t> latency_ns;  // per written keystroke, sorted
  double xebekd_cpu = 0;                  // utime+stime over the window / its wall time
  std::uint64_t quiet_cpu_ms = 0;         // status cpu_ms gained over the window
  std::uint64_t attacker_cpu_ms = 0;
  std::uint64_t attacker_masks = 0;       // times its channel was masked
  std::uint64_t attacker_quota_lost = 0;  // its records dropped as loss "quota"
  AttackCounts attack_counts;

  // The p-quantile (0..1) of latency_ns; 0 when nothing was written.
  std::uint64_t latency(double p) const;
};

// Throws std::runtime_error when xebekd or a domain does not come up.
LatencyFigures run_latency_scenario(Attack attack, const LatencyRun& run);

}  // namespace bench
