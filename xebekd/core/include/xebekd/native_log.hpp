// The native log: xebekd's lossless, append-only record of every event of
// one domain, with every native field, the domain id, xebekd's receive time
// and where the event's Sebek records are in the stream and pcap files.
// Its layout is in native_layout.hpp. A payload the Sebek stream already
// holds is not stored again: the entry refers to the stream record, so
// reading a native log needs the stream beside it (sebek.sbk for
// native.xnl, sebek.NNNNNN.sbk for native.NNNNNN.xnl).
//
// The last intact batch is the commit point of crash recovery: a restart
// reads it to learn the last sequence number written, the next Sebek
// counter, and the stream/pcap lengths to cut back to.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "xebekd/event.hpp"
#include "xebekd/log_checkpoint.hpp"
#include "xebekd/native_layout.hpp"

namespace xebekd {

using native::kNoPcap;

// What the native log says about an event besides the event itself.
struct NativeMeta {
  std::uint64_t recv_time_ns = 0;
  std::uint32_t domid = 0;
  std::uint32_t first_counter = 0;  // Sebek counter of its first record
  std::uint32_t sebek_records = 0;
  std::uint32_t next_counter = 0;
  std::uint64_t stream_end = 0;     // stream length after its records
  std::uint64_t pcap_end = kNoPcap;
  // The ring's random instance number: a sequence number means something
  // only together with the ring it came from (a rebooted guest starts at 0).
  std::uint64_t ring_instance = 0;
};

struct NativeEntry {
  Event event;  // data points into the NativeScan that returned it
  NativeMeta meta;
  std::uint64_t offset = 0;   // where its batch (or version-1 entry) starts
  std::uint16_t version = native::kVersion;
};

// An intact native log that cannot be read back: a stream reference that
// is dangling or does not match. The message names the files and offsets.
class NativeLogError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct NativeScan {
  std::vector<std::uint8_t> bytes;   // the native log's contents
  std::vector<std::uint8_t> stream;  // the stream's contents
  std::vector<std::uint8_t> joined;  // payloads that span several Sebek records
  std::vector<NativeEntry> entries;
  std::uint64_t valid_end = 0;  // end of the last intact batch; after it: a partial or damaged tail
  std::uint64_t file_size = 0;
  bool exists = false;
  bool stream_exists = false;
};

// The stream file beside a native log file.
std::string stream_path_of(const std::string& native_path);

// Reads a whole native log, payloads resolved from its stream (the one
// beside it unless given). Stops at the first batch that is not intact.
// Throws NativeLogError when an intact batch refers to stream bytes that
// are missing or do not match.
NativeScan scan_native_log(const std::string& path);
NativeScan scan_native_log(const std::string& path, const std::string& stream_path);

// The same over s.bytes and s.stream already in memory; the names are used
// in error messages only.
void scan_native_bytes(NativeScan& s, std::string_view native_name, std::string_view stream_name);

// Walks an open native log from `from` (a batch boundary) to the first
// batch that is not intact, reading only heads, indexes and tails (memory
// stays bounded whatever the log's size). Returns the state after the last
// intact batch and sets *valid_end to where it ends.
std::optional<LogState> walk_native_log(int fd, std::uint64_t from, std::uint64_t* valid_end);

// The state after the last intact batch of a whole file.
std::optional<LogState> last_native_state(const std::string& path, std::uint64_t* valid_end = nullptr,
                                          std::uint64_t* file_size = nullptr);

}  // namespace xebekd
