#include "sebekd_format/frame.hpp"

#include <cstring>

#include "sebekd_format/byte_order.hpp"

namespace sebekd_format {

std::uint16_t ipv4_header_checksum(std::span<const std::uint8_t> header) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < header.size(); i += 2) sum += load_be16(header.data() + i);
  if (header.size() % 2) sum += std::uint32_t{header.back()} << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

void build_frame(const FrameParams& p, const Header& h, std::span<const std::uint8_t> data,
                 std::vector<std::uint8_t>& out) {
  out.assign(kFrameHeaderSize + data.size(), 0);
  std::uint8_t* f = out.data();
  // Ethernet
  std::memcpy(f + 0, p.dst_mac.data(), 6);
  std::memcpy(f + 6, p.src_mac.data(), 6);
  store_be16(f + 12, 0x0800);
  // IPv4, as gen_pkt() fills it: no options, TOS 13, TTL 32, DF clear.
  std::uint8_t* ip = f + kEthernetHeaderSize;
  ip[0] = 0x45;
  ip[1] = kSebekTos;
  const std::size_t udp_len = kUdpHeaderSize + kHeaderSize + data.size();
  store_be16(ip + 2, static_cast<std::uint16_t>(kIpHeaderSize + udp_len));
  store_be16(ip + 4, p.ip_id);
  store_be16(ip + 6, 0);
  ip[8] = kSebekTtl;
  ip[9] = 17;
  store_be32(ip + 12, p.src_ip);
  store_be32(ip + 16, p.dst_ip);
  store_be16(ip + 10, ipv4_header_checksum(std::span<const std::uint8_t>(ip, kIpHeaderSize)));
  // UDP without a checksum, like the client.
  std::uint8_t* udp = ip + kIpHeaderSize;
  store_be16(udp + 0, p.src_port);
  store_be16(udp + 2, p.dst_port);
  store_be16(udp + 4, static_cast<std::uint16_t>(udp_len));
  store_be16(udp + 6, 0);
  encode_header(h, std::span<std::uint8_t, kHeaderSize>(udp + kUdpHeaderSize, kHeaderSize));
  if (!data.empty()) std::memcpy(f + kFrameHeaderSize, data.data(), data.size());
}

bool parse_mac(std::string_view text, MacAddress& mac) {
  if (text.size() != 17) return false;
  MacAddress m{};
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < 6; ++i) {
    const int hi = hex(text[i * 3]), lo = hex(text[i * 3 + 1]);
    if (hi < 0 || lo < 0) return false;
    if (i < 5 && text[i * 3 + 2] != ':') return false;
    m[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  mac = m;
  return true;
}

}  // namespace sebekd_format
