// Native events to Sebek v3 records, per domain. Owns the domain's Sebek
// counter: one value per emitted record, and the values of records that the
// guest reported lost are skipped so that legacy loss tracking (sbk_extract,
// sbk_upload.pl) sees the gap exactly where the loss happened.
//
//   read  -> type 0, split like the Sebek client (1320-byte chunks + remainder)
//   write -> type 1, split likewise
//   open  -> type 3, data = the path; a failed open -> nothing (Sebek
//            logged successful opens only)
//   socket (IPv4, or IPv6 with a v4-mapped peer) -> type 2, the 15-byte
//            body with Sebek's call numbers, for the calls Sebek emitted
//            (connect, listen, accept, sendto, recvfrom, sendmsg, recvmsg),
//            failed ones too (the client tracked the call whatever it
//            returned)
//   socket (IPv6), socket(), bind() -> nothing: native log only
//   fork  -> zero-length read from the child, fd 0, inode 0 (Sebek's marker)
//   exec, close, process_vm -> nothing: Sebek has no such record
//   loss  -> nothing, the counter skips `lost` values
#pragma once

#include <array>
#include <cstdint>
#include <algorithm>
#include <span>

#include "sebekd_format/header.hpp"
#include "sebekd_format/split.hpp"
#include "xebekd/event.hpp"

namespace xebekd {

// Whether Sebek's socket record can carry this socket event: a call the
// client emitted, between IPv4 ends (v4-mapped IPv6 included).
bool sebek_carries(const Event& e, bool v4_mapped = true);

struct SebekRecord {
  sebekd_format::Header header;
  std::span<const std::uint8_t> data;
};

class SebekMapper {
 public:
  explicit SebekMapper(std::uint32_t magic = sebekd_format::kDefaultMagic) : magic_(magic) {}

  // Emits the Sebek records of one event (zero or more) to
  // emit(const SebekRecord&) and returns how many: the one definition of
  // what an event becomes, used to write the stream and to read it back.
  template <class Emit>
  std::uint32_t map(const Event& e, Emit&& emit);

  std::uint32_t next_counter() const { return counter_; }
  // Whether IPv6 socket events with a v4-mapped peer become Sebek records
  // (they do since native log version 3; a reader of an older log maps
  // them as the writer of its time did: not at all).
  void set_v4_mapped(bool on) { v4_mapped_ = on; }
  // After recovery from the native log: continue where the last run stopped.
  void set_next_counter(std::uint32_t c) { counter_ = c; }

 private:
  sebekd_format::Header header(const Event& e, std::uint16_t type) const;
  std::span<const std::uint8_t> socket_body(const Event& e);

  std::uint32_t magic_;
  std::uint32_t counter_ = 0;
  bool v4_mapped_ = true;
  std::array<std::uint8_t, sebekd_format::kSocketBodySize> socket_body_{};
};

template <class Emit>
std::uint32_t SebekMapper::map(const Event& e, Emit&& emit) {
  const auto one = [&](sebekd_format::Header h, std::span<const std::uint8_t> data) {
    h.counter = counter_++;
    h.length = static_cast<std::uint32_t>(data.size());
    emit(SebekRecord{h, data});
    return 1u;
  };
  switch (e.type) {
    case EventType::Loss:
      // A reported loss of more than 2^32 records wraps the u32 counter just
      // as the client's counter would have.
      counter_ += static_cast<std::uint32_t>(e.lost);
      return 0;
    case EventType::Exec:
    case EventType::Close:
    case EventType::ProcVm:
      return 0;
    case EventType::Read:
    case EventType::Write: {
      const sebekd_format::Header h = header(e, e.type == EventType::Read ? 0 : 1);
      if (e.flags & kFlagSebekChunk) return one(h, e.data);
      std::uint32_t n = 0;
      sebekd_format::split_like_sebek(h, e.data, counter_, [&](const sebekd_format::Chunk& c) {
        emit(SebekRecord{c.header, c.data});
        ++n;
      });
      return n;
    }
    case EventType::Open:
      if (e.flags & kFlagFailed) return 0;
      // The client copies at most one record's worth of path (d_path into a
      // 1320-byte buffer); a longer native path stays whole in the native log.
      return one(header(e, 3), e.data.first(std::min(e.data.size(), sebekd_format::kMaxChunk)));
    case EventType::Fork: {
      sebekd_format::Header h = header(e, 0);
      h.fd = 0;
      h.inode = 0;
      return one(h, {});
    }
    case EventType::Socket:
      if (!sebek_carries(e, v4_mapped_)) return 0;
      return one(header(e, 2), socket_body(e));
  }
  return 0;
}

// The 16-byte native comm as the Sebek client's strncpy(com, comm, 12).
sebekd_format::Comm sebek_comm(const std::array<char, kNativeCommSize>& comm);

}  // namespace xebekd
