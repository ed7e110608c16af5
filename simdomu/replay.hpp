// Turns Sebek records (what a Sebek client sent) back into the capture
// events that produced them, as ring records:
//   type 0 with no data, fd 0 and inode 0 -> a fork record (Sebek's marker)
//   type 0 / 1 / 3 -> read / write / open, the payload as sent; reads and
//     writes carry the "already a Sebek chunk" flag because the client had
//     split and timed each chunk itself
//   type 2 -> an IPv4 socket record from the 15-byte body
//   a gap in the source's counter -> that many records reported lost, so
//     the next record is preceded by a loss record (as the producer does
//     after a drop), and xebekd's counter skips exactly those values
// Records that no capture produces are left out and counted: unknown types,
// a counter that does not advance (duplicates, out of order), a socket
// record whose body is not 15 bytes.
#pragma once

#include "xebek/ring.h"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sebek_input.hpp"

namespace simdomu {

struct ReplayRecord {
  xebek_rec hdr{};                  // process fields and type (len/seq by the producer)
  std::vector<std::uint8_t> payload;
  std::uint64_t lost_before = 0;    // records to report lost before this one
};

struct ReplayStats {
  std::uint64_t unknown_type = 0;
  std::uint64_t counter_not_advancing = 0;
  std::uint64_t bad_socket_body = 0;
  std::uint64_t lost = 0;
};

// Keeps each source's counter; feed records in capture order.
class ReplayMapper {
 public:
  // nullopt when the record is left out (see stats()).
  std::optional<ReplayRecord> map(const SebekInput& in);
  const ReplayStats& stats() const { return stats_; }

 private:
  std::map<std::uint32_t, std::uint32_t> next_counter_;  // per source
  ReplayStats stats_;
};

}  // namespace simdomu
