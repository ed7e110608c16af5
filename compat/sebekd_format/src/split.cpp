#include "sebekd_format/split.hpp"

namespace sebekd_format {

std::vector<Chunk> split_like_sebek(const Header& base, std::span<const std::uint8_t> data,
                                    std::uint32_t& counter) {
  std::vector<Chunk> chunks;
  chunks.reserve(chunk_count(data.size()));
  split_like_sebek(base, data, counter, [&](const Chunk& c) { chunks.push_back(c); });
  return chunks;
}

}  // namespace sebekd_format
