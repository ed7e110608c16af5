// The golden streams (x.expected.sbk, edge.expected.sbk) cut into records
// by a minimal walker written here, joined with the field values of
// oracle_*/records.tsv. Tests compare the library against these, so the
// expectations never come from the code under test.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sebekd_format/header.hpp"
#include "test_support.hpp"

namespace xebek_test {

struct GoldenRecord {
  std::size_t index = 0;
  std::uint64_t offset = 0;        // byte offset of the record in the stream
  std::uint32_t pcap_sec = 0;      // from records.tsv
  std::uint32_t pcap_usec = 0;
  std::uint32_t src_ip = 0;
  sebekd_format::Header expected_header;   // from records.tsv
  std::optional<sebekd_format::SocketBody> socket;  // from records.tsv's sock column
  Bytes record_bytes;              // prefix + header + data, from the .sbk
  Bytes header_bytes;              // the 56 header bytes, from the .sbk
  Bytes data;                      // from the .sbk (checked equal to data_hex)
};

// `name` is "x" or "edge". Throws if the .sbk and records.tsv disagree.
std::vector<GoldenRecord> load_golden(const std::string& name);

// Host-order value of a dotted quad, parsed here (not by the library).
std::uint32_t dotted_quad(const std::string& text);

}  // namespace xebek_test
