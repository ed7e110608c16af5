#include "xebekd/sebek_mapping.hpp"

#include <algorithm>
#include <string_view>

#include "sebekd_format/split.hpp"

namespace xebekd {

sebekd_format::Comm sebek_comm(const std::array<char, kNativeCommSize>& comm) {
  std::size_t n = 0;
  while (n < comm.size() && comm[n] != '\0') ++n;
  return sebekd_format::make_comm(std::string_view(comm.data(), n));
}

namespace {

constexpr std::uint16_t kAfInet = 2;
constexpr std::uint16_t kAfInet6 = 10;

// ::ffff:a.b.c.d, the form a dual-stack socket gives an IPv4 peer.
bool v4_mapped(const std::array<std::uint8_t, 16>& a) {
  for (int i = 0; i < 10; ++i)
    if (a[i]) return false;
  return a[10] == 0xff && a[11] == 0xff;
}

bool unspecified(const std::array<std::uint8_t, 16>& a) {
  return std::all_of(a.begin(), a.end(), [](std::uint8_t b) { return b == 0; });
}

bool is_sebek_call(SocketCall c) {
  return c == 3 || c == 4 || c == 5 || c == 11 || c == 12 || c == 16 || c == 17;
}

// The IPv4 address in an address of `family` (IPv4 in the first 4 bytes,
// v4-mapped IPv6 in the last 4).
std::uint32_t ipv4_of(std::uint16_t family, const std::array<std::uint8_t, 16>& a) {
  const std::size_t at = family == kAfInet6 ? 12 : 0;
  return (std::uint32_t{a[at]} << 24) | (std::uint32_t{a[at + 1]} << 16) |
         (std::uint32_t{a[at + 2]} << 8) | std::uint32_t{a[at + 3]};
}

}  // namespace

bool sebek_carries(const Event& e, bool v4_mapped_too) {
  // A failed connect stays: the client tracked the call whatever it
  // returned, so probes showed in Sebek too.
  if (!is_sebek_call(e.socket.call)) return false;
  if (e.socket.family == kAfInet) return true;
  // A dual-stack listener's IPv4 peer: the local end is v4-mapped too, or
  // the unspecified address of a socket bound to "::".
  return v4_mapped_too && e.socket.family == kAfInet6 && v4_mapped(e.socket.remote_addr) &&
         (v4_mapped(e.socket.local_addr) || unspecified(e.socket.local_addr));
}

sebekd_format::Header SebekMapper::header(const Event& e, std::uint16_t type) const {
  sebekd_format::Header h;
  h.magic = magic_;
  h.type = type;
  // Sebek's fields are u32: the wall clock seconds and the inode number are
  // truncated exactly as the client's assignments truncate them.
  h.time_sec = static_cast<std::uint32_t>(e.time_ns / 1'000'000'000ull);
  h.time_usec = static_cast<std::uint32_t>((e.time_ns % 1'000'000'000ull) / 1000);
  h.ppid = e.ppid;
  h.pid = e.pid;
  h.uid = e.uid;
  h.fd = e.fd;
  h.inode = static_cast<std::uint32_t>(e.inode);
  h.comm = sebek_comm(e.comm);
  return h;
}

std::span<const std::uint8_t> SebekMapper::socket_body(const Event& e) {
  sebekd_format::SocketBody b;
  b.dst_ip = ipv4_of(e.socket.family, e.socket.remote_addr);
  b.dst_port = e.socket.remote_port;
  b.src_ip = ipv4_of(e.socket.family, e.socket.local_addr);
  b.src_port = e.socket.local_port;
  b.call = e.socket.call;
  b.proto = e.socket.proto;
  sebekd_format::encode_socket_body(b, socket_body_);
  return socket_body_;
}

}  // namespace xebekd
