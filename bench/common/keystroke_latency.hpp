// Keystroke-to-disk latency as a domain's native log shows it: xebekd's
// receive time of each 1-byte read of fd 0 minus the guest's time stamp
// (both CLOCK_REALTIME, see guest_records.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bench {

// The latency of every keystroke in `native_log`, in ns, sorted.
std::vector<std::uint64_t> keystroke_latencies(const std::string& native_log);

// The p-quantile (0..1) of sorted values (nearest rank); 0 when empty.
std::uint64_t quantile(const std::vector<std::uint64_t>& sorted, double p);

}  // namespace bench
