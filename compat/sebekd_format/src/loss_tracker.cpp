#include "sebekd_format/loss_tracker.hpp"

#include <cstdio>

#include "sebekd_format/header.hpp"

namespace sebekd_format {

LossTracker::LossTracker(Clock clock) : clock_(std::move(clock)) {}

LossTracker::Agent* LossTracker::find_or_add(std::uint32_t ip) {
  for (Agent& a : agents_)
    if (a.ip == ip) return &a;
  if (agents_.size() > kMaxAgents) return nullptr;
  agents_.push_back(Agent{ip});
  return &agents_.back();
}

std::string LossTracker::track(std::uint32_t src_ip, std::uint32_t counter) {
  Agent* a = find_or_add(src_ip);
  if (!a) return {};
  ++a->pkt_counter;
  const std::time_t now = clock_();
  if (now - a->last_time <= 60) return {};

  std::tm tm{};
  gmtime_r(&now, &tm);
  char when[96];
  std::snprintf(when, sizeof when, "%.4i/%.2i/%.2i %.2i:%.2i:%.2i", 1900 + tm.tm_year,
                1 + tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  const std::string ip = ipv4_to_string(src_ip);
  char line[256];
  // The same u32 arithmetic as the original, wrap-around included.
  if (static_cast<std::uint32_t>(a->last_rec_id + a->pkt_counter) <= counter) {
    std::uint32_t loss = counter - (a->pkt_counter + a->last_rec_id);
    float loss_per = 0;
    if (loss > 0 && a->pkt_counter > 1)
      loss_per = (static_cast<float>(loss) / static_cast<float>(a->pkt_counter + loss)) * 100;
    else
      loss = 0;
    std::snprintf(line, sizeof line, "%s %s  record %u received %u lost %u (%.2f percent)\n",
                  ip.c_str(), when, counter, a->pkt_counter, loss, static_cast<double>(loss_per));
  } else {
    std::snprintf(line, sizeof line,
                  "%s %s: record %u received %u counter roll or out of order packets.\n",
                  ip.c_str(), when, counter, a->pkt_counter);
  }
  a->last_time = now;
  a->last_rec_id = counter;
  a->pkt_counter = 0;
  return line;
}

}  // namespace sebekd_format
