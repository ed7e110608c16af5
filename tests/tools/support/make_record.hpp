// Builds stream records for unit tests; the record's data points into the
// OwnedRecord, so keep it alive while the record is used.
#pragma once

#include <cstdint>
#include <string>

#include "sebekd_format/stream.hpp"

namespace xebek_test {

struct OwnedRecord {
  std::string bytes;
  sebekd_format::StreamRecord record;
  operator const sebekd_format::StreamRecord&() const { return record; }
};

struct RecordSpec {
  std::uint16_t type = 0;
  std::uint32_t ip = 0x0a000017;  // 10.0.0.23
  std::uint32_t pid = 1234, ppid = 1000, uid = 0, fd = 0, inode = 3;
  std::string comm = "bash";
  std::uint32_t time_sec = 1700000000;  // 2023-11-14 22:13:20
};

inline OwnedRecord make_record(const RecordSpec& s, std::string data) {
  OwnedRecord o{std::move(data), {}};
  sebekd_format::Header& h = o.record.header;
  h.type = s.type;
  h.pid = s.pid;
  h.ppid = s.ppid;
  h.uid = s.uid;
  h.fd = s.fd;
  h.inode = s.inode;
  h.comm = sebekd_format::make_comm(s.comm);
  h.time_sec = s.time_sec;
  h.length = static_cast<std::uint32_t>(o.bytes.size());
  o.record.src_ip = s.ip;
  o.record.data = std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(o.bytes.data()), o.bytes.size());
  return o;
}

}  // namespace xebek_test
