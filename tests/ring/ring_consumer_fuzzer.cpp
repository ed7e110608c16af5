// libFuzzer target: the xebek0 Consumer on arbitrary ring images (see
// fuzz_image.hpp), including a guest that rewrites its pages between
// polls. Any crash, sanitizer report, out-of-range record or hang fails.
#include "fuzz_image.hpp"

#include "xebek0/consumer.hpp"

#include <cstdlib>

using namespace xebek_test;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* d, size_t n) {
  if (n < 2) return 0;
  HeapRing r(image_order(d, n), "fuzz", /*init_producer=*/false);
  xebek0::ConsumerOptions o;
  o.max_batch = size_t{d[1]} + 1;
  size_t pos = 2;
  const size_t intf_n = std::min(kIntfImage, n - pos);
  std::memcpy(r.raw(), d + pos, intf_n);
  pos += intf_n;
  const size_t data_n = std::min<size_t>(r.size(), n - pos);
  std::memcpy(r.wdata(), d + pos, data_n);
  pos += data_n;

  xebek0::Consumer c(r, o);
  const uint8_t* lo = r.data();
  const uint8_t* hi = lo + r.size();
  for (int round = 0; round < 64; ++round) {
    auto b = c.poll();
    for (const auto& rec : b) {
      if (rec.payload.data() < lo || rec.payload.data() + rec.payload.size() > hi ||
          rec.hdr.len != sizeof(xebek_rec) + rec.payload.size() ||
          rec.hdr.type == XEBEK_REC_PAD || rec.hdr.type > XEBEK_REC_TYPE_MAX)
        std::abort();
      volatile uint8_t sink = 0;
      for (uint8_t byte : rec.payload) sink = sink ^ byte;  // touch every byte (ASan)
    }
    c.commit();
    if (round % 3 == 2) c.arm_notify(static_cast<uint32_t>(round * 64));
    if (pos + 12 <= n) {  // the guest changes something
      uint32_t off;
      uint64_t val;
      std::memcpy(&off, d + pos, 4);
      std::memcpy(&val, d + pos + 4, 8);
      pos += 12;
      off = static_cast<uint32_t>(off % (r.len() - 8)) & ~7u;
      std::memcpy(r.raw() + off, &val, 8);
    } else if (b.empty()) {
      break;
    }
  }
  c.on_event();
  return 0;
}
