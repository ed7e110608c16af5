// A validated ring record (xebek0::Record) seen as a native Event. The
// header fields are the consumer's private copies; the payload span still
// points into the ring so that it is copied once, straight into the logs.
#pragma once

#include <xebek0/record.hpp>

#include "xebekd/event.hpp"

namespace xebekd {

// Producer flag (struct xebek_rec.flags): the payload is one Sebek-sized
// chunk that the producer split and timed itself, as the Sebek client times
// every 1320-byte chunk; Dom0 writes it as exactly one Sebek record. Used
// by replays of Sebek captures so that they reproduce them byte for byte.
#ifdef XEBEK_RF_SEBEK_CHUNK
inline constexpr std::uint16_t kRingFlagSebekChunk = XEBEK_RF_SEBEK_CHUNK;
#else
inline constexpr std::uint16_t kRingFlagSebekChunk = 1u << 2;
#endif
static_assert((kRingFlagSebekChunk & (XEBEK_RF_TRUNCATED | XEBEK_RF_TTY)) == 0,
              "flag bits must not collide");

Event event_from_record(const xebek0::Record& r);

}  // namespace xebekd
