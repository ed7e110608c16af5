// xebekd's memory with the rings it maps taken out: what it holds of its
// own (heap, stacks, buffers) is what grows with the number of domains
// beyond the rings themselves.
#pragma once

#include <cstdint>

#include <sys/types.h>

namespace bench {

struct MemorySample {
  std::uint64_t rss_kib = 0;       // resident, every mapping (VmRSS)
  std::uint64_t ring_rss_kib = 0;  // resident in the simulated rings' mappings
  std::uint64_t hwm_kib = 0;       // peak resident so far (VmHWM)
  std::uint64_t rings = 0;         // ring mappings counted
  std::uint64_t beyond_rings_kib() const { return rss_kib > ring_rss_kib ? rss_kib - ring_rss_kib : 0; }
  // The peak minus the rings: ring pages, once touched, stay resident
  // while mapped, so this bounds the peak of everything else.
  std::uint64_t peak_beyond_rings_kib() const { return hwm_kib > ring_rss_kib ? hwm_kib - ring_rss_kib : 0; }
};

// From /proc/PID/smaps (the Rss of every mapping, and of the mappings of
// the simulated rings' shared memory, /dev/shm/xebek-sim-*) and
// /proc/PID/status (VmHWM). Zeros if the process is gone.
MemorySample sample_memory(pid_t pid);

}  // namespace bench
