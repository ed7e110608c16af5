// What a hostile guest does beside the quiet one, each in a tight loop on
// its own simulated domain until told to stop.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>

#include "simdomu/sim_domain.hpp"

namespace bench {

enum class Attack {
  None,         // baseline: the quiet domain alone
  NotifyStorm,  // signals its event channel with nothing behind them
  WatchStorm,   // rewrites its registry entry, same content, again and again
  QuotaFlood,   // produces 1 KiB records flat out, far beyond its disk quota
  FullRing,     // fills its ring with 4 KiB records and tops it up every ms
};

inline constexpr Attack kAllAttacks[] = {Attack::None, Attack::NotifyStorm, Attack::WatchStorm,
                                          Attack::QuotaFlood, Attack::FullRing};

const char* attack_name(Attack a);

struct AttackCounts {
  std::uint64_t ops = 0;      // signals, rewrites or records the ring took
  std::uint64_t refused = 0;  // records the full ring refused
};

// Runs `a` as domain `dom` (announced in `registry`) until `stop`.
AttackCounts run_attack(Attack a, simdomu::SimDomain& dom, const std::filesystem::path& registry,
                        const std::atomic<bool>& stop);

}  // namespace bench
