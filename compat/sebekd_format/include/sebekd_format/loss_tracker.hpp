// sbk_extract's per-source loss report (agent_track_loss): at most one line
// per source address per 60 s of wall-clock time, comparing the counter with
// the records received since the previous report. Reproduced exactly,
// including its quirks (with a file, only the first record of each source is
// reported), because operators grep these lines.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

namespace sebekd_format {

class LossTracker {
 public:
  using Clock = std::function<std::time_t()>;
  // sbk_extract tracks at most this many sources (MAX_SBK_AGENT); more are
  // ignored by its loss tracking.
  static constexpr std::size_t kMaxAgents = 1024;

  explicit LossTracker(Clock clock = [] { return std::time(nullptr); });

  // Accounts one accepted record; returns the stderr line to print (with
  // its newline) or an empty string.
  std::string track(std::uint32_t src_ip, std::uint32_t counter);

 private:
  struct Agent {
    std::uint32_t ip;
    std::uint32_t pkt_counter = 0;
    std::uint32_t last_rec_id = 0;
    std::time_t last_time = 0;
  };
  Agent* find_or_add(std::uint32_t ip);

  Clock clock_;
  std::vector<Agent> agents_;
};

}  // namespace sebekd_format
