// Frames of a pcap file read with plain libpcap (no filter, no library
// code under test), and pcap files written with an arbitrary link type.
#pragma once

#include <string>
#include <sys/time.h>
#include <vector>

#include "test_support.hpp"

namespace xebek_test {

struct RawFrame {
  std::size_t number = 0;  // 1-based, as tshark's frame.number
  timeval ts{};
  std::uint32_t wire_len = 0;
  Bytes bytes;             // the captured bytes
};

std::vector<RawFrame> read_raw_pcap(const std::string& path);  // throws on error
void write_raw_pcap(const std::string& path, int linktype, const std::vector<Bytes>& frames);

}  // namespace xebek_test
