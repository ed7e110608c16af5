// Native events to Sebek v3 records, per domain. Owns the domain's Sebek
// counter: one value per emitted record, and the values of records that the
// guest reported lost are skipped so that legacy loss tracking (sbk_extract,
// sbk_upload.pl) sees the gap exactly where the loss happened.
//
//   read  -> type 0, split like the Sebek client (1320-byte chunks + remainder)
//   write -> type 1, split likewise
//   open  -> type 3, data = the path
//   socket (IPv4) -> type 2, the 15-byte body with Sebek's call numbers
//   socket (IPv6) -> nothing: Sebek has no way to carry it (native log only)
//   fork  -> zero-length read from the child, fd 0, inode 0 (Sebek's marker)
//   exec  -> nothing: Sebek has no exec record (native log only)
//   loss  -> nothing, the counter skips `lost` values
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>

#include "sebekd_format/header.hpp"
#include "xebekd/event.hpp"

namespace xebekd {

struct SebekRecord {
  sebek::Header header;
  std::span<const std::uint8_t> data;
};

class SebekMapper {
 public:
  using Emit = std::function<void(const SebekRecord&)>;

  explicit SebekMapper(std::uint32_t magic = sebek::kDefaultMagic) : magic_(magic) {}

  // Emits the Sebek records of one event (zero or more); returns how many.
  std::uint32_t map(const Event& e, const Emit& emit);

  std::uint32_t next_counter() const { return counter_; }
  // After recovery from the native log: continue where the last run stopped.
  void set_next_counter(std::uint32_t c) { counter_ = c; }

  // Number of Sebek records `e` becomes (without consuming counters).
  static std::uint32_t record_count(const Event& e);

 private:
  std::uint32_t magic_;
  std::uint32_t counter_ = 0;
  std::array<std::uint8_t, sebek::kSocketBodySize> socket_body_{};
};

// The 16-byte native comm as the Sebek client's strncpy(com, comm, 12).
sebek::Comm sebek_comm(const std::array<char, kNativeCommSize>& comm);

}  // namespace xebekd
