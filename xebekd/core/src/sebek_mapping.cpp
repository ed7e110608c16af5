#include "xebekd/sebek_mapping.hpp"

#include <string_view>

#include "sebekd_format/split.hpp"

namespace xebekd {

sebekd_format::Comm sebek_comm(const std::array<char, kNativeCommSize>& comm) {
  std::size_t n = 0;
  while (n < comm.size() && comm[n] != '\0') ++n;
  return sebekd_format::make_comm(std::string_view(comm.data(), n));
}

namespace {

std::uint32_t ipv4_of(const std::array<std::uint8_t, 16>& a) {
  return (std::uint32_t{a[0]} << 24) | (std::uint32_t{a[1]} << 16) |
         (std::uint32_t{a[2]} << 8) | std::uint32_t{a[3]};
}

}  // namespace

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
  b.dst_ip = ipv4_of(e.socket.remote_addr);
  b.dst_port = e.socket.remote_port;
  b.src_ip = ipv4_of(e.socket.local_addr);
  b.src_port = e.socket.local_port;
  b.call = e.socket.call;
  b.proto = e.socket.proto;
  sebekd_format::encode_socket_body(b, socket_body_);
  return socket_body_;
}

}  // namespace xebekd
