// The 56-byte Sebek v3 record header (struct sbk_h of the Sebek client),
// record types, the comm field rules and the 15-byte socket body.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sebekd_format {

inline constexpr std::size_t kHeaderSize = 56;
inline constexpr std::size_t kCommSize = 12;
inline constexpr std::size_t kSocketBodySize = 15;
inline constexpr std::uint16_t kVersion = 3;
inline constexpr std::uint32_t kDefaultMagic = 666;  // the client's default
inline constexpr std::uint16_t kDefaultPort = 1101;

// Values of the header's type field. Other values exist on the wire (the
// tools print an error for them), so the field itself stays a plain u16.
enum class RecordType : std::uint16_t { Read = 0, Write = 1, Socket = 2, Open = 3 };

using Comm = std::array<char, kCommSize>;

struct Header {
  std::uint32_t magic = kDefaultMagic;
  std::uint16_t version = kVersion;
  std::uint16_t type = 0;
  std::uint32_t counter = 0;
  std::uint32_t time_sec = 0;
  std::uint32_t time_usec = 0;
  std::uint32_t ppid = 0;
  std::uint32_t pid = 0;
  std::uint32_t uid = 0;
  std::uint32_t fd = 0;
  std::uint32_t inode = 0;
  Comm comm{};  // raw bytes: NUL-padded, no NUL when 12 or more characters
  std::uint32_t length = 0;

  friend bool operator==(const Header&, const Header&) = default;
};

void encode_header(const Header& h, std::span<std::uint8_t, kHeaderSize> out);
Header decode_header(std::span<const std::uint8_t, kHeaderSize> in);

// strncpy(com, comm, 12) as the Sebek client does it: the name truncated to
// 12 bytes, NUL-padded when shorter, no terminating NUL when 12 or longer.
// A name is cut at its first NUL, like a C string.
Comm make_comm(std::string_view name);
// The comm as the Perl tools see it after unpack "a12" and stripping NULs
// at the first NUL: at most 12 characters.
std::string comm_name(const Comm& comm);

// struct sbk_sock_rec: 15 packed bytes, all network order. Addresses and
// ports are kept here as host-order numbers (10.0.0.1 == 0x0a000001).
struct SocketBody {
  std::uint32_t dst_ip = 0;
  std::uint16_t dst_port = 0;
  std::uint32_t src_ip = 0;
  std::uint16_t src_port = 0;
  std::uint16_t call = 0;  // socketcall number: 3 connect, 4 listen, 5 accept, ...
  std::uint8_t proto = 0;  // IPPROTO_*

  friend bool operator==(const SocketBody&, const SocketBody&) = default;
};

void encode_socket_body(const SocketBody& s, std::span<std::uint8_t, kSocketBodySize> out);
SocketBody decode_socket_body(std::span<const std::uint8_t, kSocketBodySize> in);

// Dotted-quad text of a host-order IPv4 address, and its parser (nullopt-free:
// returns false on anything that is not exactly a.b.c.d with 0..255 parts).
std::string ipv4_to_string(std::uint32_t addr);
bool parse_ipv4(std::string_view text, std::uint32_t& addr);

}  // namespace sebekd_format
