// libFuzzer target for the native log reader. The input is a native log
// followed by the stream it refers to: its first 4 bytes (little-endian)
// say how many of the remaining bytes are the native log. The reader must
// never crash, must stop at the first batch that is not intact, and must
// agree with the recovery walk on where the intact part ends whenever it
// could resolve every reference.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <sys/mman.h>
#include <unistd.h>

#include "xebekd/native_log.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();  // a broken invariant is a finding
}

// The recovery walk over the same bytes, through a memory file.
std::uint64_t walk_end(const std::vector<std::uint8_t>& bytes) {
  const int fd = ::memfd_create("native", MFD_CLOEXEC);
  check(fd >= 0);
  check(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  std::uint64_t end = 0;
  xebekd::walk_native_log(fd, 0, &end);
  ::close(fd);
  return end;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  std::uint32_t native_len;
  std::memcpy(&native_len, data, 4);
  const std::size_t rest = size - 4;
  native_len = static_cast<std::uint32_t>(native_len % (rest + 1));
  xebekd::NativeScan s;
  s.bytes.assign(data + 4, data + 4 + native_len);
  s.stream.assign(data + 4 + native_len, data + size);
  s.stream_exists = !s.stream.empty();
  try {
    xebekd::scan_native_bytes(s, "native.xnl", "sebek.sbk");
  } catch (const xebekd::NativeLogError& e) {
    check(std::strncmp(e.what(), "native.xnl: batch at byte ", 26) == 0);
    return 0;
  }
  check(s.valid_end <= s.bytes.size());
  check(walk_end(s.bytes) == s.valid_end);
  for (const auto& e : s.entries) {
    check(e.offset < s.valid_end);
    check(xebekd::is_event_type(static_cast<unsigned>(e.event.type)));
    if (e.version == xebekd::native::kVersion && e.meta.sebek_records > 0 && !e.event.data.empty()) {
      const auto* p = e.event.data.data();
      const bool in_native = p >= s.bytes.data() && p + e.event.data.size() <= s.bytes.data() + s.bytes.size();
      const bool in_stream = p >= s.stream.data() && p + e.event.data.size() <= s.stream.data() + s.stream.size();
      const bool joined = p >= s.joined.data() && p + e.event.data.size() <= s.joined.data() + s.joined.size();
      check(in_native || in_stream || joined);
    }
  }
  return 0;
}
