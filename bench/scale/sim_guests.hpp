// The simulated domains of the scale benchmark, living in its process:
// many typists, each queueing 1-byte reads of fd 0 at a modest steady rate
// (all of them paced by one thread), and a few flooders queueing records as
// fast as their rings take them (all driven by one other thread), so the
// benchmark's own CPU stays at about two threads however many domains run.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "simdomu/sim_domain.hpp"

namespace bench {

struct GuestPlan {
  std::filesystem::path registry;
  unsigned typists = 256;
  unsigned flooders = 4;
  double typist_rate = 200;      // keystrokes per second, each typist
  std::size_t flood_size = 1;    // payload bytes per flooder record
  unsigned order = 8;            // ring order of every domain
};

// Names the domains are announced under: "t000"..., "f0"...
std::string typist_name(unsigned i);
std::string flooder_name(unsigned i);

struct TypingCounts {
  std::vector<std::uint64_t> sent;  // keystrokes queued, per typist
  std::uint64_t refused = 0;        // keystrokes the rings refused
};

struct FloodCounts {
  std::uint64_t queued = 0;   // records the flooders' rings took
  std::uint64_t refused = 0;  // attempts refused by a full ring
};

class SimGuests {
 public:
  // Creates and announces every domain. Throws TransportError.
  explicit SimGuests(const GuestPlan& plan);

  // Every typist types at its rate for `seconds`, the keystrokes spread
  // evenly over the typists; each is stamped with the guest clock as it is
  // queued. Returns when done.
  TypingCounts type(double seconds);
  // Floods until `stop`; when every flooder's ring is full, pauses briefly
  // (a full ring only waits for xebekd).
  FloodCounts flood(const std::atomic<bool>& stop);

  unsigned typists() const { return static_cast<unsigned>(typists_.size()); }
  unsigned flooders() const { return static_cast<unsigned>(flooders_.size()); }

 private:
  GuestPlan plan_;
  std::vector<std::unique_ptr<simdomu::SimDomain>> typists_;
  std::vector<std::unique_ptr<simdomu::SimDomain>> flooders_;
};

}  // namespace bench
