// The checkpoint of one domain's logs: a small file beside them, replaced
// atomically (temporary file, then rename), that says where the native log
// stood at a recent commit. Crash recovery starts from it and reads only
// the native entries written after it, so attaching a domain costs the
// same whatever the size of its logs.
//
// The file is Dom0's own, but it is checked like anything read back from
// disk: a bad checksum, another version or a native log it does not
// describe (other inode, shorter file) make recovery walk the native log
// from its start instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "xebekd/file_ownership.hpp"

namespace xebekd {

// What recovery needs to continue a domain's logs.
struct LogState {
  std::optional<std::uint64_t> last_seq;  // last event in the logs
  std::uint64_t ring_instance = 0;        // ...of this ring instance
  std::uint32_t next_counter = 0;         // next Sebek counter
  std::uint64_t stream_end = 0;           // committed length of sebek.sbk
  std::uint64_t pcap_end = ~0ull;         // ...of sebek.pcap (~0: none written)
  friend bool operator==(const LogState&, const LogState&) = default;
};

// On-disk layout (little-endian, no padding): one definition, checked below.
struct CheckpointRecord {
  std::uint32_t magic;          //  0 "XCK1"
  std::uint32_t version;        //  4 kCheckpointVersion
  std::uint64_t native_inode;   //  8 st_ino of the native log it describes
  std::uint64_t native_end;     // 16 end of the last native entry it covers
  std::uint64_t stream_end;     // 24
  std::uint64_t pcap_end;       // 32
  std::uint64_t ring_instance;  // 40
  std::uint64_t last_seq;       // 48 valid when has_seq
  std::uint32_t has_seq;        // 56 0 or 1
  std::uint32_t next_counter;   // 60
  std::uint32_t reserved;       // 64 0
  std::uint32_t crc;            // 68 CRC-32C of bytes 0..67
};
static_assert(sizeof(CheckpointRecord) == 72, "checkpoint layout");
static_assert(offsetof(CheckpointRecord, native_end) == 16, "checkpoint layout");
static_assert(offsetof(CheckpointRecord, last_seq) == 48, "checkpoint layout");
static_assert(offsetof(CheckpointRecord, crc) == 68, "checkpoint layout");

inline constexpr std::uint32_t kCheckpointMagic = 0x314b4358;  // "XCK1"
inline constexpr std::uint32_t kCheckpointVersion = 1;

struct Checkpoint {
  std::uint64_t native_inode = 0;
  std::uint64_t native_end = 0;
  LogState state;
};

// Reads and checks `path`; nullopt when missing, a symlink, or invalid.
std::optional<Checkpoint> read_checkpoint(const std::string& path);
// Replaces `path` atomically; returns 0 or the errno that stopped it (the
// previous checkpoint then stays in place).
int write_checkpoint_file(const std::string& path, const Checkpoint& c, const FileOwnership& own);

}  // namespace xebekd
