#include "xebekd/native_log.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace xebekd {
namespace {

void put16(std::uint8_t* p, std::uint16_t v) { std::memcpy(p, &v, 2); }
void put32(std::uint8_t* p, std::uint32_t v) { std::memcpy(p, &v, 4); }
void put64(std::uint8_t* p, std::uint64_t v) { std::memcpy(p, &v, 8); }
std::uint16_t get16(const std::uint8_t* p) { std::uint16_t v; std::memcpy(&v, p, 2); return v; }
std::uint32_t get32(const std::uint8_t* p) { std::uint32_t v; std::memcpy(&v, p, 4); return v; }
std::uint64_t get64(const std::uint8_t* p) { std::uint64_t v; std::memcpy(&v, p, 8); return v; }
static_assert(std::endian::native == std::endian::little,
              "the native log is written in the host's order on x86 Dom0s");

// CRC-32C (Castagnoli). With SSE4.2 the CPU computes 8 bytes per
// instruction, which keeps checksumming 4 KiB payloads far below the cost
// of writing them; the table is the fallback and gives the same values.
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

std::uint32_t native_crc(std::span<const std::uint8_t> fixed, std::span<const std::uint8_t> data) {
  return ~crc_update(crc_update(0xffffffffu, fixed), data);
}

void encode_native_fixed(const Event& e, const NativeMeta& m, bool checkpoint,
                         std::span<std::uint8_t, kNativeFixedSize> out) {
  std::uint8_t* p = out.data();
  std::memset(p, 0, kNativeFixedSize);
  const std::size_t data_len = checkpoint ? 0 : e.data.size();
  put32(p + 0, kNativeMagic);
  put32(p + 4, static_cast<std::uint32_t>(kNativeFixedSize + data_len + kNativeTrailerSize));
  put64(p + 8, e.seq);
  put64(p + 16, m.recv_time_ns);
  put32(p + 24, m.domid);
  put16(p + 28, checkpoint ? kNativeCheckpoint : static_cast<std::uint16_t>(e.type));
  put16(p + 30, e.socket.family);
  put32(p + 32, e.flags);
  put32(p + 36, e.pid);
  put32(p + 40, e.tgid);
  put32(p + 44, e.ppid);
  put32(p + 48, e.uid);
  put32(p + 52, e.fd);
  put64(p + 56, e.inode);
  put64(p + 64, static_cast<std::uint64_t>(e.retval));
  put64(p + 72, e.time_ns);
  std::memcpy(p + 80, e.comm.data(), kNativeCommSize);
  put16(p + 96, e.socket.call);
  p[98] = e.socket.proto;
  put16(p + 100, e.socket.local_port);
  put16(p + 102, e.socket.remote_port);
  std::memcpy(p + 104, e.socket.local_addr.data(), 16);
  std::memcpy(p + 120, e.socket.remote_addr.data(), 16);
  put64(p + 136, e.lost);
  put32(p + 144, e.loss_reason);
  put32(p + 148, m.first_counter);
  put32(p + 152, m.sebek_records);
  put32(p + 156, m.next_counter);
  put64(p + 160, m.stream_end);
  put64(p + 168, m.pcap_end);
  put32(p + 176, static_cast<std::uint32_t>(data_len));
  put64(p + 184, m.ring_instance);
}

std::optional<NativeEntry> parse_native_fixed(std::span<const std::uint8_t, kNativeFixedSize> fixed,
                                              std::uint32_t trailer) {
  const std::uint8_t* p = fixed.data();
  if (get32(p) != kNativeMagic) return std::nullopt;
  const std::uint32_t total = get32(p + 4);
  const std::uint32_t data_len = get32(p + 176);
  if (data_len > kNativeMaxData) return std::nullopt;
  if (total != kNativeFixedSize + data_len + kNativeTrailerSize) return std::nullopt;
  if (native_crc(fixed, {}) != trailer) return std::nullopt;

  NativeEntry n;
  n.size = total;
  Event& e = n.event;
  const std::uint16_t type = get16(p + 28);
  n.checkpoint = type == kNativeCheckpoint;
  if (!n.checkpoint && (type < 1 || type > 7)) return std::nullopt;
  e.type = n.checkpoint ? EventType::Loss : static_cast<EventType>(type);
  e.seq = get64(p + 8);
  n.meta.recv_time_ns = get64(p + 16);
  n.meta.domid = get32(p + 24);
  e.socket.family = get16(p + 30);
  e.flags = get32(p + 32);
  e.pid = get32(p + 36);
  e.tgid = get32(p + 40);
  e.ppid = get32(p + 44);
  e.uid = get32(p + 48);
  e.fd = get32(p + 52);
  e.inode = get64(p + 56);
  e.retval = static_cast<std::int64_t>(get64(p + 64));
  e.time_ns = get64(p + 72);
  std::memcpy(e.comm.data(), p + 80, kNativeCommSize);
  e.socket.call = get16(p + 96);
  e.socket.proto = p[98];
  e.socket.local_port = get16(p + 100);
  e.socket.remote_port = get16(p + 102);
  std::memcpy(e.socket.local_addr.data(), p + 104, 16);
  std::memcpy(e.socket.remote_addr.data(), p + 120, 16);
  e.lost = get64(p + 136);
  e.loss_reason = get32(p + 144);
  n.meta.first_counter = get32(p + 148);
  n.meta.sebek_records = get32(p + 152);
  n.meta.next_counter = get32(p + 156);
  n.meta.stream_end = get64(p + 160);
  n.meta.pcap_end = get64(p + 168);
  n.meta.ring_instance = get64(p + 184);
  return n;
}

std::optional<NativeEntry> parse_native_entry(std::span<const std::uint8_t> b) {
  if (b.size() < kNativeFixedSize + kNativeTrailerSize) return std::nullopt;
  const std::uint32_t data_len = get32(b.data() + 176);
  if (data_len > kNativeMaxData || b.size() < kNativeFixedSize + data_len + kNativeTrailerSize)
    return std::nullopt;
  auto n = parse_native_fixed(b.first<kNativeFixedSize>(), get32(b.data() + kNativeFixedSize + data_len));
  if (n) n->event.data = b.subspan(kNativeFixedSize, data_len);
  return n;
}

bool checkpoint_has_seq(const NativeEntry& e) {
  return (e.event.flags & kCheckpointHasSeq) || e.event.seq != ~0ull;
}

std::optional<NativeEntry> walk_native_log(int fd, std::uint64_t from, std::uint64_t* valid_end) {
  std::optional<NativeEntry> last;
  struct stat st {};
  const std::uint64_t size = ::fstat(fd, &st) == 0 ? std::uint64_t(st.st_size) : 0;
  std::uint64_t off = from;
  std::array<std::uint8_t, kNativeFixedSize> fixed{};
  while (size >= off && size - off >= kNativeFixedSize + kNativeTrailerSize) {
    if (::pread(fd, fixed.data(), fixed.size(), static_cast<off_t>(off)) != static_cast<ssize_t>(fixed.size()))
      break;
    const std::uint32_t data_len = get32(fixed.data() + 176);
    if (data_len > kNativeMaxData || size - off < kNativeFixedSize + data_len + kNativeTrailerSize) break;
    std::uint32_t trailer = 0;
    if (::pread(fd, &trailer, 4, static_cast<off_t>(off + kNativeFixedSize + data_len)) != 4) break;
    auto n = parse_native_fixed(fixed, trailer);
    if (!n) break;
    n->offset = off;
    off += n->size;
    last = std::move(n);
  }
  if (valid_end) *valid_end = off;
  return last;
}

NativeScan scan_native_log(const std::string& path) {
  NativeScan s;
  std::ifstream in(path, std::ios::binary);
  if (!in) return s;
  s.exists = true;
  s.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  s.file_size = s.bytes.size();
  std::uint64_t off = 0;
  while (off < s.bytes.size()) {
    auto entry = parse_native_entry(std::span(s.bytes).subspan(off));
    if (!entry) break;
    entry->offset = off;
    off += entry->size;
    s.entries.push_back(*entry);
  }
  s.valid_end = off;
  return s;
}

std::optional<NativeEntry> last_native_entry(const std::string& path, std::uint64_t* valid_end,
                                             std::uint64_t* file_size) {
  if (valid_end) *valid_end = 0;
  if (file_size) *file_size = 0;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (file_size && ::fstat(fd, &st) == 0) *file_size = std::uint64_t(st.st_size);
  auto last = walk_native_log(fd, 0, valid_end);
  ::close(fd);
  return last;
}

}  // namespace xebekd
