#include "xebekd/crc32c.hpp"

#include <array>
#include <cstring>

namespace xebekd {
namespace {

// With SSE4.2 the CPU computes 8 bytes per instruction; the table is the
// fallback and gives the same values.
const std::array<std::uint32_t, 256>& crc_table() {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0x82f63b78u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  return table;
}

std::uint32_t crc_update_table(std::uint32_t crc, std::span<const std::uint8_t> b) {
  const auto& t = crc_table();
  for (std::uint8_t x : b) crc = t[(crc ^ x) & 0xff] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint32_t crc_update_hw(std::uint32_t crc,
                                                              std::span<const std::uint8_t> b) {
  const std::uint8_t* p = b.data();
  std::size_t n = b.size();
  std::uint64_t c = crc;
  while (n >= 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    c = __builtin_ia32_crc32di(c, v);
    p += 8;
    n -= 8;
  }
  std::uint32_t c32 = static_cast<std::uint32_t>(c);
  while (n--) c32 = __builtin_ia32_crc32qi(c32, *p++);
  return c32;
}
#endif

std::uint32_t crc_update(std::uint32_t crc, std::span<const std::uint8_t> b) {
#if defined(__x86_64__)
  static const bool hw = __builtin_cpu_supports("sse4.2");
  if (hw) return crc_update_hw(crc, b);
#endif
  return crc_update_table(crc, b);
}

}  // namespace

std::uint32_t crc32c(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return ~crc_update(crc_update(0xffffffffu, a), b);
}

}  // namespace xebekd
