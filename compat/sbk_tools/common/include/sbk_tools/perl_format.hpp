// Field formatting exactly as the Perl Sebek tools print it, so that the
// C++ tools' output is byte-identical: the comm with its NULs removed, the
// Sebek time through gmtime/strftime("%Y-%m-%d %H:%M:%S"), addresses
// through inet_ntoa, and the socket body through unpack("NnNnnC").
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "sebekd_format/header.hpp"

namespace sbk_tools {

// `$com =~ s/\0//g`: every NUL byte removed, not only the padding, so a
// comm with a NUL in the middle keeps the bytes after it.
std::string perl_comm(const sebekd_format::Comm& comm);

// Appends "YYYY-MM-DD HH:MM:SS" (UTC) for a Sebek time_sec.
void append_datetime(std::string& out, std::uint32_t time_sec);
// Appends the dotted quad of a host-order IPv4 address.
void append_ipv4(std::string& out, std::uint32_t addr);
void append_uint(std::string& out, std::uint64_t value);

// The socket body as unpack("NnNnnC", $data) fills
// ($dip,$dport,$sip,$sport,$call,$proto): a field that no longer fits in
// the data is skipped without consuming anything, and the values that were
// read fill the variables from the left; the rest stay undefined (printed
// as nothing; an undefined address prints as 0.0.0.0).
struct PerlSocketFields {
  std::optional<std::uint32_t> values[6];
};
PerlSocketFields perl_unpack_socket(std::span<const std::uint8_t> data);

}  // namespace sbk_tools
