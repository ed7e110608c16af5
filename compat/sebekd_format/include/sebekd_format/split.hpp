// Record splitting exactly as the Sebek client does it for reads and writes:
// a payload shorter than 1320 bytes is one record; otherwise one record per
// full 1320-byte chunk and then ALWAYS a remainder record of size % 1320
// bytes, which is zero-length when the size is an exact multiple. Every
// record takes its own counter value; counters wrap at 2^32 like the
// client's u32.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sebekd_format/header.hpp"

namespace sebekd_format {

inline constexpr std::size_t kMaxChunk = 1320;

// Number of records a payload of `size` bytes becomes.
constexpr std::size_t chunk_count(std::size_t size) {
  return size < kMaxChunk ? 1 : size / kMaxChunk + 1;
}

struct Chunk {
  Header header;                     // base header with counter and length set
  std::span<const std::uint8_t> data;
};

// Calls emit(const Chunk&) for each record; `counter` is the next counter
// value and is advanced by the number of records emitted.
template <class Emit>
void split_like_sebek(const Header& base, std::span<const std::uint8_t> data,
                      std::uint32_t& counter, Emit&& emit) {
  std::size_t offset = 0;
  const std::size_t n = chunk_count(data.size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t len = (i + 1 < n) ? kMaxChunk : data.size() - offset;
    Chunk c{base, data.subspan(offset, len)};
    c.header.counter = counter++;
    c.header.length = static_cast<std::uint32_t>(len);
    emit(static_cast<const Chunk&>(c));
    offset += len;
  }
}

std::vector<Chunk> split_like_sebek(const Header& base, std::span<const std::uint8_t> data,
                                    std::uint32_t& counter);

}  // namespace sebekd_format
