// The fuzzer's view of a ring image: what a guest could put in its pages.
//   byte 0        ring order (mod 3: 1, 2 or 4 data pages)
//   byte 1        consumer batch size - 1
//   256 bytes     the interface page's defined part
//   size bytes    the data area
//   rest          patches, 12 bytes each (u32 offset, u64 value), written
//                 into the pages between two polls: the guest changing
//                 things while Dom0 works
// Shared by the fuzzer and the seed writer so they agree on the format.
#pragma once

#include "heap_ring.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace xebek_test {

constexpr size_t kIntfImage = 256;

inline unsigned image_order(const uint8_t* d, size_t n) { return n ? d[0] % 3 : 0; }

// Serialises a ring built by the real producer.
inline std::string image_of(HeapRing& r, uint8_t batch) {
  std::string out;
  out.push_back(static_cast<char>(r.order()));
  out.push_back(static_cast<char>(batch));
  out.append(reinterpret_cast<const char*>(r.raw()), kIntfImage);
  out.append(reinterpret_cast<const char*>(r.data()), r.size());
  return out;
}

}  // namespace xebek_test
