// Joins the pieces of a payload that the guest split over several ring
// records (XEBEK_RF_PIECE: one group per syscall, each piece with its
// offset, the last one flagged) back into one event, so that the native
// log holds the whole read or write and the Sebek mapping splits it once,
// like the Sebek client.
//
// The guest is hostile: pieces may come out of order, overlap, never end
// or name groups that never started. Every byte is copied out of the ring
// into memory of this assembler, at most a fixed budget per domain; what
// does not fit, what is missing before a piece and what never arrived is
// counted in the event's not_captured and flagged truncated, never
// invented. A thread runs one syscall at a time, so a record from the same
// thread that is not the group's next piece ends the group (truncated).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "xebekd/event.hpp"

namespace xebekd {

struct PieceLimits {
  // Payload bytes one domain may hold in groups not yet written: the
  // guest's per-syscall cap (8 MiB by default) several times over.
  std::size_t max_bytes = 64u << 20;
  // Groups open at once (one per thread in a long read or write).
  std::size_t max_groups = 64;
};

class PieceAssembler {
 public:
  explicit PieceAssembler(PieceLimits limits = {}) : limits_(limits) {}

  // One record's event. A whole record (not a piece) is appended to `out`
  // as it is, after any group of its thread it ends; a piece is kept, and
  // its group's event appended once its last piece arrived. Events
  // appended here point into this assembler until release().
  void add(const Event& e, bool piece, bool last, std::uint64_t offset, std::vector<Event>& out);

  // Every open group as a truncated event (the domain goes away).
  void flush(std::vector<Event>& out);

  // The events add()/flush() appended have been written: their bytes go.
  void release();

  // Pieces that overlapped what their group already held (hostile or
  // broken guest; their bytes are not used).
  std::uint64_t overlaps() const { return overlaps_; }
  std::size_t held_bytes() const { return held_; }

 private:
  struct Group {
    Event last;  // the fields of the latest piece
    std::uint64_t group = 0;
    std::uint64_t end = 0;           // offset after the bytes held
    std::uint64_t not_captured = 0;  // bytes known to be missing
    bool truncated = false;
    std::vector<std::uint8_t> bytes;
  };

  void add_piece(const Event& e, bool last, std::uint64_t offset, std::vector<Event>& out);
  Group& open_group(const Event& e, std::uint64_t offset, std::vector<Event>& out);
  void append(Group& g, const Event& e, std::uint64_t offset);
  void finish(std::size_t i, bool complete, std::vector<Event>& out);
  void end_thread_groups(std::uint32_t pid, std::uint64_t group, std::vector<Event>& out);

  PieceLimits limits_;
  std::vector<Group> open_;                     // in the order they started
  std::deque<std::vector<std::uint8_t>> done_;  // bytes of appended events
  std::size_t held_ = 0;
  std::uint64_t overlaps_ = 0;
};

}  // namespace xebekd
