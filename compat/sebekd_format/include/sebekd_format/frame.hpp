// Ethernet/IPv4/UDP frames exactly as the Sebek client's gen_pkt() builds
// them: IP TOS 13, TTL 32, no options, DF clear, correct IP header checksum,
// UDP checksum 0, then the 56-byte header and the data.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sebekd_format/header.hpp"

namespace sebekd_format {

inline constexpr std::size_t kEthernetHeaderSize = 14;
inline constexpr std::size_t kIpHeaderSize = 20;
inline constexpr std::size_t kUdpHeaderSize = 8;
inline constexpr std::size_t kFrameHeaderSize =
    kEthernetHeaderSize + kIpHeaderSize + kUdpHeaderSize + kHeaderSize;  // 98
inline constexpr std::uint8_t kSebekTos = 13;
inline constexpr std::uint8_t kSebekTtl = 32;

using MacAddress = std::array<std::uint8_t, 6>;

struct FrameParams {
  MacAddress src_mac{};                                        // the interface's MAC
  MacAddress dst_mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};      // DESTINATION_MAC default
  std::uint32_t src_ip = 0;                                    // the honeypot
  std::uint32_t dst_ip = 0x0a0000fe;                           // 10.0.0.254, DESTINATION_IP default
  std::uint16_t src_port = kDefaultPort;
  std::uint16_t dst_port = kDefaultPort;
  // The client never sets the IP id (whatever the buffer held); 0 is what
  // the reference captures carry.
  std::uint16_t ip_id = 0;
};

// RFC 791 header checksum over `header` (with its checksum field zero).
std::uint16_t ipv4_header_checksum(std::span<const std::uint8_t> header);

// Writes the whole frame into `out` (resized to 98 + data.size()). The
// header's length field is written as given; callers keep it equal to
// data.size() for a well-formed record.
void build_frame(const FrameParams& p, const Header& h, std::span<const std::uint8_t> data,
                 std::vector<std::uint8_t>& out);

// Parses a MAC "aa:bb:cc:dd:ee:ff"; false on anything else.
bool parse_mac(std::string_view text, MacAddress& mac);

}  // namespace sebekd_format
