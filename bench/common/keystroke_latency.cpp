#include "keystroke_latency.hpp"

#include <algorithm>
#include <cmath>

#include "xebekd/native_log.hpp"

namespace bench {

std::vector<std::uint64_t> keystroke_latencies(const std::string& native_log) {
  std::vector<std::uint64_t> out;
  for (const auto& e : xebekd::scan_native_log(native_log).entries) {
    if (e.event.type != xebekd::EventType::Read || e.event.fd != 0) continue;
    out.push_back(e.meta.recv_time_ns > e.event.time_ns ? e.meta.recv_time_ns - e.event.time_ns : 0);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::uint64_t quantile(const std::vector<std::uint64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p * double(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace bench
