// Turns keystroke reads into typed lines the way sbk_ks_log.pl and
// sbk_viewer.pl do: type-0 records of at most 100 bytes are buffered per
// (host, pid, inode, fd); a record whose own data holds \n or \r completes
// the line, which is printed with the flushing record's time and with every
// UID and COM seen for that key since the previous line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sebekd_format/stream.hpp"

namespace sbk_tools {

// Reads longer than this are not keystrokes (the original's
// $ks_read_length_limit).
inline constexpr std::uint32_t kMaxKeystrokeRead = 100;

inline bool is_keystroke_read(const sebekd_format::Header& h) {
  return h.type == static_cast<std::uint16_t>(sebekd_format::RecordType::Read) &&
         h.length <= kMaxKeystrokeRead;
}

// The original's mapping of terminal keys ("\e[A" to "[U-ARROW]", DEL to
// "[BS]", a lone ESC to "[ESC]", ...) followed by the removal of every byte
// outside 0x20-0x7e. Appends the result to `out`.
void append_mapped_keystrokes(std::string& out, std::string_view raw);

struct KeystrokeLine {
  std::string text;  // mapped and scrubbed
  // Deviation from the originals, which join these in Perl hash order
  // (random per run): UIDs ascending, COMs in byte order, joined with '/'.
  std::string uids;
  std::string coms;
};

class KeystrokeAssembler {
 public:
  // `comm` is the record's comm as the tools print it (perl_comm). Returns
  // true and fills `line` when this record completes a line. The record
  // must satisfy is_keystroke_read().
  bool add(const sebekd_format::StreamRecord& r, std::string_view comm, KeystrokeLine& line);

  // Keys with typed bytes still waiting for their end of line.
  std::size_t pending_keys() const { return pending_.size(); }

 private:
  struct Key {
    std::uint32_t ip, pid, inode, fd;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept;
  };
  struct Pending {
    std::string data;
    std::vector<std::uint32_t> uids;  // sorted, unique
    std::vector<std::string> coms;    // sorted, unique
  };
  std::unordered_map<Key, Pending, KeyHash> pending_;
};

}  // namespace sbk_tools
