// CRC-32C (Castagnoli), the checksum of Dom0's own files (native log
// batches, the checkpoint). Computed by the CPU when it has SSE4.2, by a
// table otherwise, with the same values.
#pragma once

#include <cstdint>
#include <span>

namespace xebekd {

// The CRC-32C of `a` followed by `b` (either may be empty).
std::uint32_t crc32c(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b = {});

}  // namespace xebekd
