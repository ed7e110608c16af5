// A validated ring record (xebek0::Record) seen as a native Event. The
// header fields are the consumer's private copies; the payload span still
// points into the ring so that it is copied once, straight into the logs.
#pragma once

#include <xebek0/record.hpp>

#include "xebekd/event.hpp"

namespace xebekd {

// XEBEK_RF_SEBEK_CHUNK (ring.h): the payload is one Sebek-sized chunk that
// the producer split and timed itself, as the Sebek client times every
// 1320-byte chunk; Dom0 writes it as exactly one Sebek record. Replays of
// Sebek captures use it so that they reproduce them byte for byte.
inline constexpr std::uint16_t kRingFlagSebekChunk = XEBEK_RF_SEBEK_CHUNK;

Event event_from_record(const xebek0::Record& r);

}  // namespace xebekd
