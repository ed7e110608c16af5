// One index entry of a native log batch (layout in native_layout.hpp):
// how an event becomes a reference entry or a full entry, and back. The
// writer keeps a reference entry only if decoding it gives back exactly
// the event it wrote, so the two directions cannot drift apart.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sebekd_format/header.hpp"
#include "xebekd/event.hpp"
#include "xebekd/native_layout.hpp"

namespace xebekd::native {

// Where the writer put an event's Sebek records in the stream.
struct StreamPlacement {
  std::uint64_t offset = 0;      // of the first record
  std::uint32_t records = 0;
  std::uint64_t data_bytes = 0;  // their data, summed
  sebekd_format::Header first;           // the first record's header
};

// A reference entry with its extras, decoded.
struct RefFields {
  RefEntry entry{};
  std::uint64_t seq = 0;
  std::uint32_t tgid = 0;
  std::uint32_t inode_high = 0;
  std::array<char, 4> comm_tail{};
  std::int64_t retval = 0;
  std::uint32_t flags = 0;
  EventDetail detail;  // kExtraDetail / kExtraDetailLike (group set by
                       // event_of_ref), else implied_detail() of the event
};

// The detail of the entry before, within one batch (entries may refer to
// it: kExtraDetailLike). Writer and reader keep one each, reset per batch.
struct DetailContext {
  EventDetail previous;
  bool have = false;
  void reset() { have = false; }
  void note(const EventDetail& d) { previous = d, have = true; }
};

// The event a reference entry stands for, given the header of its first
// Sebek record and the seq it takes when it gives none; data not attached.
Event event_of_ref(const RefFields& f, const sebekd_format::Header& first, std::uint64_t implied_seq);

// Appends the reference entry of `e` to `out` and returns true when the
// stream holds `e` exactly as `placed` says; else appends nothing.
bool append_ref_entry(const Event& e, std::uint64_t implied_seq, std::uint64_t stream_start,
                      const StreamPlacement& placed, const DetailContext& ctx,
                      std::vector<std::uint8_t>& out);

// Appends the full entry of `e` (its data goes to the data area).
void append_full_entry(const Event& e, std::vector<std::uint8_t>& out);

// One entry as read back from an index.
struct DecodedEntry {
  bool full = false;
  RefFields ref;  // reference entries
  Event event;    // full entries (data not attached)
  std::uint32_t data_len = 0;
};

// Decodes the entry at the start of `in`, in the layout of batch version
// `version` (kVersion or kVersion2); returns the bytes it takes, or 0 when
// they do not hold a well-formed entry.
std::size_t decode_entry(std::span<const std::uint8_t> in, DecodedEntry& out,
                         std::uint16_t version = kVersion, const DetailContext& ctx = {});

// The Sebek record type a reference entry of `kind` points at, or -1 when
// that kind is never a reference entry.
int sebek_type_of_ref(EventType kind);

}  // namespace xebekd::native
