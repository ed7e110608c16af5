// Record boundaries of an sbk_extract stream held in memory, found from each
// record's length field, so tests can cut and corrupt streams precisely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace xebek_test {

// Offsets of every record start, plus the stream size as the last entry.
inline std::vector<std::size_t> record_offsets(const std::string& stream) {
  std::vector<std::size_t> at;
  std::size_t pos = 0;
  while (pos + 68 <= stream.size()) {
    at.push_back(pos);
    const auto* p = reinterpret_cast<const std::uint8_t*>(stream.data() + pos + 64);
    const std::uint32_t len = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                              (std::uint32_t{p[2]} << 8) | p[3];
    pos += 68 + len;
  }
  at.push_back(stream.size());
  return at;
}

}  // namespace xebek_test
