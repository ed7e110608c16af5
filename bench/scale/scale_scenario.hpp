// One scenario of the scale benchmark: a fresh xebekd (simulated transport,
// private registry and log directory) serving `typists` domains that type
// at a modest rate and `flooders` domains that queue records flat out.
// Measures over one window: the records/s xebekd wrote in all, per kind
// of domain; every typist's keystroke-to-disk latency; xebekd's CPU and
// its memory beyond the mapped rings.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "daemon_memory.hpp"
#include "sim_guests.hpp"

namespace bench {

struct ScaleRun {
  std::filesystem::path dir;  // scratch (registry, logs); removed afterwards
  GuestPlan guests;           // registry is set from dir
  double seconds = 5;         // the measured window
  double warmup = 0.5;        // the flooders run this long before it
  std::string quota = "0";    // xebekd --quota (every domain)
  unsigned status_interval_ms = 500;
  std::string xebekd;         // the daemon to run
};

struct DomainLatency {
  std::string name;
  std::uint64_t sent = 0, written = 0;
  std::uint64_t p50_ns = 0, p99_ns = 0, max_ns = 0;
};

struct ScaleFigures {
  unsigned typists = 0, flooders = 0;
  double attach_s = 0;                 // xebekd start -> every domain active
  double window_s = 0;                 // between the two status snapshots
  double typist_records_per_s = 0;     // written by xebekd, all typists
  double flooder_records_per_s = 0;    // written by xebekd, all flooders
  double records_per_s() const { return typist_records_per_s + flooder_records_per_s; }
  std::uint64_t keystrokes_sent = 0, keystrokes_written = 0, keystrokes_refused = 0;
  FloodCounts flood;
  std::vector<DomainLatency> typist_latency;  // per typist
  std::vector<std::uint64_t> all_latency_ns;  // every keystroke, sorted
  double xebekd_cpu = 0;                      // utime+stime / wall over the window
  double xebekd_runqueue = 0;                 // runnable, waiting for a CPU / wall
  std::uint64_t max_beyond_rings_kib = 0;     // the largest sample in the window
  MemorySample memory_end;                    // after the window
  // The typist whose p99 is worst (nullptr when there are none).
  const DomainLatency* worst_p99() const;
};

// Throws std::runtime_error when xebekd does not attach every domain.
ScaleFigures run_scale_scenario(const ScaleRun& run);

}  // namespace bench
