// The native log: xebekd's lossless, append-only record of every event of
// one domain, with every native field, the domain id, xebekd's receive time
// and where the event's Sebek records ended in the stream and pcap files.
// The last entry is the commit point of crash recovery: a restart reads it
// to learn the last sequence number written, the next Sebek counter, and the
// stream/pcap lengths to cut back to.
//
// Entry layout (little-endian, no padding), kNativeFixedSize bytes then data
// then a CRC-32C of the fixed part. The payload is not covered: it is copied
// once, straight from the guest's ring into the file, and the guest may
// change it meanwhile; a checksum over it would let a guest make xebekd's
// own log look damaged. A torn tail is still found: it is shorter than the
// length the fixed part announces, or lacks the trailer.
//   0 u32 magic "XNL1"    4 u32 total length   8 u64 seq   16 u64 recv_time_ns
//  24 u32 domid          28 u16 type          30 u16 socket family
//  32 u32 flags          36 u32 pid  40 u32 tgid  44 u32 ppid  48 u32 uid
//  52 u32 fd             56 u64 inode         64 i64 retval  72 u64 time_ns
//  80 char comm[16]      96 u16 socket call   98 u8 proto    99 u8 0
// 100 u16 local port    102 u16 remote port  104 u8 local addr[16]
// 120 u8 remote addr[16] 136 u64 lost        144 u32 loss reason
// 148 u32 first Sebek counter  152 u32 Sebek records  156 u32 next counter
// 160 u64 stream end    168 u64 pcap end (kNoPcap when no pcap is written)
// 176 u32 data length   180 u32 0           184 u64 ring instance
// 192 data   ... u32 crc32
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "xebekd/event.hpp"

namespace xebekd {

inline constexpr std::uint32_t kNativeMagic = 0x314c4e58;  // "XNL1"
inline constexpr std::size_t kNativeFixedSize = 192;
inline constexpr std::size_t kNativeTrailerSize = 4;
// A checkpoint carries no event: it opens a rotated log with the state
// (last seq, next counter) that recovery needs.
inline constexpr std::uint16_t kNativeCheckpoint = 0;
// A checkpoint entry's flags: its seq is the last one written. Without it
// (and in logs written before the flag) seq ~0 means "nothing written yet",
// so that a guest's own seq ~0 is never mistaken for that sentinel.
inline constexpr std::uint32_t kCheckpointHasSeq = 1u << 0;
inline constexpr std::uint64_t kNoPcap = ~0ull;
// Bound on an entry's data when reading: nothing xebekd writes is larger,
// and a corrupt length must not drive an allocation.
inline constexpr std::uint32_t kNativeMaxData = 16u << 20;

struct NativeMeta {
  std::uint64_t recv_time_ns = 0;
  std::uint32_t domid = 0;
  std::uint32_t first_counter = 0;
  std::uint32_t sebek_records = 0;
  std::uint32_t next_counter = 0;
  std::uint64_t stream_end = 0;
  std::uint64_t pcap_end = kNoPcap;
  // The ring's random instance number: a sequence number means something
  // only together with the ring it came from (a rebooted guest starts at 0).
  std::uint64_t ring_instance = 0;
};

// Encodes the fixed part of an entry for `e` (type kNativeCheckpoint when
// `checkpoint`); the caller writes data and then the trailer,
// native_crc(fixed, {}).
void encode_native_fixed(const Event& e, const NativeMeta& m, bool checkpoint,
                         std::span<std::uint8_t, kNativeFixedSize> out);
std::uint32_t native_crc(std::span<const std::uint8_t> fixed, std::span<const std::uint8_t> data);

struct NativeEntry {
  bool checkpoint = false;
  Event event;  // data points into the buffer passed to the parser
  NativeMeta meta;
  std::uint64_t offset = 0;  // where the entry starts in the file
  std::uint64_t size = 0;
};

// Parses one entry at the start of `bytes`; nullopt when the bytes do not
// hold a complete, intact entry (short, bad magic, bad length, bad CRC).
std::optional<NativeEntry> parse_native_entry(std::span<const std::uint8_t> bytes);

// The fixed part alone, with the trailer that follows the data: everything
// but the data (which recovery never needs: it is not checksummed).
std::optional<NativeEntry> parse_native_fixed(std::span<const std::uint8_t, kNativeFixedSize> fixed,
                                              std::uint32_t trailer);

// Whether a checkpoint entry says a seq was written (see kCheckpointHasSeq).
bool checkpoint_has_seq(const NativeEntry& e);

// Walks the entries of an open native log from `from` (an entry boundary)
// to the first one that is not intact, reading only each fixed part and
// trailer (memory stays constant whatever the log's size). Returns the
// last intact entry (its data empty) and sets *valid_end to where it ends.
std::optional<NativeEntry> walk_native_log(int fd, std::uint64_t from, std::uint64_t* valid_end);

// Reads a whole native log file. `valid_end` is the end of the last intact
// entry; bytes after it are a partial or damaged tail.
struct NativeScan {
  std::vector<std::uint8_t> bytes;  // the file's contents
  std::vector<NativeEntry> entries;
  std::uint64_t valid_end = 0;
  std::uint64_t file_size = 0;
  bool exists = false;
};
NativeScan scan_native_log(const std::string& path);

// Only the last intact entry of the whole file (walk_native_log from 0).
std::optional<NativeEntry> last_native_entry(const std::string& path,
                                             std::uint64_t* valid_end = nullptr,
                                             std::uint64_t* file_size = nullptr);

}  // namespace xebekd
