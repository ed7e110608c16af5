#include "sim_guests.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

#include "guest_records.hpp"

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;

// Domain ids: typists from 1, flooders after them with room to spare.
constexpr std::uint32_t kFirstFlooderId = 10000;
// Records a flooder queues before the next flooder gets its turn.
constexpr unsigned kFloodBurst = 256;
// How long the flood thread waits when every flooder's ring is full.
constexpr auto kFullPause = std::chrono::microseconds(200);

std::string numbered(const char* prefix, unsigned i, int width) {
  char name[32];
  std::snprintf(name, sizeof name, "%s%0*u", prefix, width, i);
  return name;
}

}  // namespace

std::string typist_name(unsigned i) { return numbered("t", i, 3); }
std::string flooder_name(unsigned i) { return numbered("f", i, 1); }

SimGuests::SimGuests(const GuestPlan& plan) : plan_(plan) {
  for (unsigned i = 0; i < plan.typists; ++i)
    typists_.push_back(std::make_unique<simdomu::SimDomain>(
        simdomu::SimDomainConfig{plan.registry, typist_name(i), 1 + i, plan.order, std::nullopt}));
  for (unsigned i = 0; i < plan.flooders; ++i)
    flooders_.push_back(std::make_unique<simdomu::SimDomain>(
        simdomu::SimDomainConfig{plan.registry, flooder_name(i), kFirstFlooderId + i, plan.order, std::nullopt}));
}

TypingCounts SimGuests::type(double seconds) {
  TypingCounts c;
  c.sent.assign(typists_.size(), 0);
  if (typists_.empty()) return c;
  xebek_rec r = read_record(1000, 0, "bash", 1);
  const std::uint8_t key = 'k';
  // Keystroke k goes to typist k % n at start + k * step: every typist at
  // its rate, their keystrokes interleaved evenly.
  const double total_rate = plan_.typist_rate * double(typists_.size());
  const auto step = std::chrono::duration<double>(1.0 / total_rate);
  const auto total = static_cast<std::uint64_t>(total_rate * seconds);
  const auto start = Clock::now();
  const auto due = [&](std::uint64_t k) {
    return start + std::chrono::duration_cast<Clock::duration>(step * double(k));
  };
  for (std::uint64_t k = 0; k < total;) {
    std::this_thread::sleep_until(due(k));
    // Whatever came due while asleep is queued now, stamped now.
    for (const auto now = Clock::now(); k < total && due(k) <= now; ++k) {
      const std::size_t t = k % typists_.size();
      r.time_ns = realtime_ns();
      if (typists_[t]->produce(r, {&key, 1})) ++c.sent[t];
      else ++c.refused;
    }
  }
  return c;
}

FloodCounts SimGuests::flood(const std::atomic<bool>& stop) {
  FloodCounts c;
  const std::vector<std::uint8_t> payload(plan_.flood_size, 'A');
  const xebek_rec r = read_record(4242, 3, "dd", plan_.flood_size);
  while (!flooders_.empty() && !stop.load(std::memory_order_relaxed)) {
    bool any_took = false;
    for (auto& f : flooders_) {
      for (unsigned i = 0; i < kFloodBurst; ++i) {
        if (!f->produce(r, payload)) {
          ++c.refused;
          break;
        }
        ++c.queued;
        any_took = true;
      }
    }
    if (!any_took) std::this_thread::sleep_for(kFullPause);
  }
  return c;
}

}  // namespace bench
