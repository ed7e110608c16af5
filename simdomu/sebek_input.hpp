// Reads a Sebek capture (a pcap of Sebek frames, with sbk_extract's
// acceptance rules, or an sbk_extract stream) into records, in file order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sebekd_format/header.hpp"

namespace simdomu {

struct SebekInput {
  std::uint32_t src_ip = 0;  // host-order honeypot address
  sebekd_format::Header header;
  std::vector<std::uint8_t> data;
};

struct InputSummary {
  std::uint64_t frames = 0;    // pcap frames seen / stream records read
  std::uint64_t rejected = 0;  // frames sbk_extract would not accept
};

// Detects the format by its first bytes. Throws std::runtime_error naming
// the file and the problem.
std::vector<SebekInput> read_sebek_input(const std::string& path, std::uint16_t port,
                                         InputSummary& summary);

}  // namespace simdomu
