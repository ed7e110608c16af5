#include "sebekd_format/header.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "sebekd_format/byte_order.hpp"

namespace sebekd_format {

void encode_header(const Header& h, std::span<std::uint8_t, kHeaderSize> out) {
  std::uint8_t* p = out.data();
  store_be32(p + 0, h.magic);
  store_be16(p + 4, h.version);
  store_be16(p + 6, h.type);
  store_be32(p + 8, h.counter);
  store_be32(p + 12, h.time_sec);
  store_be32(p + 16, h.time_usec);
  store_be32(p + 20, h.ppid);
  store_be32(p + 24, h.pid);
  store_be32(p + 28, h.uid);
  store_be32(p + 32, h.fd);
  store_be32(p + 36, h.inode);
  std::memcpy(p + 40, h.comm.data(), kCommSize);
  store_be32(p + 52, h.length);
}

Header decode_header(std::span<const std::uint8_t, kHeaderSize> in) {
  const std::uint8_t* p = in.data();
  Header h;
  h.magic = load_be32(p + 0);
  h.version = load_be16(p + 4);
  h.type = load_be16(p + 6);
  h.counter = load_be32(p + 8);
  h.time_sec = load_be32(p + 12);
  h.time_usec = load_be32(p + 16);
  h.ppid = load_be32(p + 20);
  h.pid = load_be32(p + 24);
  h.uid = load_be32(p + 28);
  h.fd = load_be32(p + 32);
  h.inode = load_be32(p + 36);
  std::memcpy(h.comm.data(), p + 40, kCommSize);
  h.length = load_be32(p + 52);
  return h;
}

Comm make_comm(std::string_view name) {
  Comm c{};
  const std::size_t n = std::min({name.size(), kCommSize, name.find(char{0})});
  std::memcpy(c.data(), name.data(), n);
  return c;
}

std::string comm_name(const Comm& comm) {
  std::size_t n = 0;
  while (n < kCommSize && comm[n] != '\0') ++n;
  return std::string(comm.data(), n);
}

void encode_socket_body(const SocketBody& s, std::span<std::uint8_t, kSocketBodySize> out) {
  std::uint8_t* p = out.data();
  store_be32(p + 0, s.dst_ip);
  store_be16(p + 4, s.dst_port);
  store_be32(p + 6, s.src_ip);
  store_be16(p + 10, s.src_port);
  store_be16(p + 12, s.call);
  p[14] = s.proto;
}

SocketBody decode_socket_body(std::span<const std::uint8_t, kSocketBodySize> in) {
  const std::uint8_t* p = in.data();
  return SocketBody{load_be32(p + 0), load_be16(p + 4), load_be32(p + 6),
                    load_be16(p + 10), load_be16(p + 12), p[14]};
}

std::string ipv4_to_string(std::uint32_t a) {
  return std::to_string(a >> 24) + '.' + std::to_string((a >> 16) & 0xff) + '.' +
         std::to_string((a >> 8) & 0xff) + '.' + std::to_string(a & 0xff);
}

bool parse_ipv4(std::string_view text, std::uint32_t& addr) {
  std::uint32_t value = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (p == end || *p != '.') return false;
      ++p;
    }
    // Digits only (from_chars would accept a sign); at most 3 of them.
    const char* digits = p;
    while (p != end && *p >= '0' && *p <= '9' && p - digits < 4) ++p;
    if (p == digits || p - digits > 3) return false;
    unsigned octet = 0;
    std::from_chars(digits, p, octet);
    if (octet > 255) return false;
    value = (value << 8) | octet;
  }
  if (p != end) return false;
  addr = value;
  return true;
}

}  // namespace sebekd_format
