// The logs of one domain under its own directory:
//   sebek.sbk   the sbk_extract stream, appended live (tail -f works)
//   sebek.pcap  optional: the same records as Sebek frames (libpcap)
//   native.xnl  the lossless native log, the commit point of each batch
// A batch is written stream -> pcap -> native; if any write fails (disk
// full, ...) every file is cut back to where the batch started, so nothing
// already written is damaged and the batch can be retried later from the
// ring. On open, a crash's leftovers are repaired: a partial native entry
// is cut off, and stream/pcap are cut back to the lengths that the last
// native entry recorded. Recovery starts at the checkpoint file (see
// log_checkpoint.hpp) and reads only the native entries after it, so its
// cost does not grow with the logs.
//
// No fault of the disk ends the logs: a failed write, rotation or reopen
// (ENOSPC, EIO, EFBIG, EMFILE, a failed rename) leaves every file as it
// was before the batch and is reported as an errno; the next write_batch()
// repairs and reopens what it must and tries again. A lock file held for
// the object's lifetime keeps two writers out of one directory.
#pragma once

#include <cerrno>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/uio.h>

#include "sebekd_format/frame.hpp"
#include "sebekd_format/pcap_file.hpp"
#include "sebekd_format/stream.hpp"
#include "xebekd/event.hpp"
#include "xebekd/file_ownership.hpp"
#include "xebekd/log_checkpoint.hpp"
#include "xebekd/gather_buffer.hpp"
#include "xebekd/native_batch.hpp"
#include "xebekd/native_log.hpp"
#include "xebekd/sebek_mapping.hpp"

namespace xebekd {

class LogError : public std::runtime_error {
 public:
  explicit LogError(const std::string& what, int err = EIO) : std::runtime_error(what), err_(err) {}
  int err() const { return err_; }

 private:
  int err_;
};

struct LogOptions {
  std::string dir;                    // this domain's directory
  bool pcap = false;
  sebekd_format::FrameParams frame;           // src_ip is the domain's Sebek address
  std::uint32_t magic = sebekd_format::kDefaultMagic;
  std::uint64_t rotate_bytes = 0;     // rotate when the stream reaches this; 0 never
  std::uint64_t rotate_seconds = 0;   // rotate logs older than this; 0 never
  bool sync = false;                  // fdatasync every batch (power loss)
  FileOwnership own;                  // modes and group of what is created
  // A checkpoint is written once the native log grew this much, or this
  // long after the last one: what recovery must read stays this small.
  std::uint64_t checkpoint_bytes = 1u << 20;
  std::uint64_t checkpoint_ns = 1'000'000'000ull;
};

struct Recovery {
  std::optional<std::uint64_t> last_seq;  // last event already in the logs
  std::uint64_t ring_instance = 0;        // ...of this ring instance
  std::uint32_t next_counter = 0;
  std::uint64_t truncated_bytes = 0;      // partial data cut off at open
  std::uint64_t native_read_from = 0;     // where the native log was read from
  bool from_checkpoint = false;           // the checkpoint file was usable
  std::string note;                       // what was repaired, for the log
};

struct BatchResult {
  int error = 0;               // 0, or the errno that stopped the batch
  std::uint64_t records = 0;   // Sebek records written
  std::uint64_t bytes = 0;     // bytes appended to all files
};

class DomainLogs {
 public:
  DomainLogs(LogOptions opt, std::uint32_t domid);
  ~DomainLogs();
  DomainLogs(const DomainLogs&) = delete;
  DomainLogs& operator=(const DomainLogs&) = delete;

  // Creates the directory and files and repairs them; throws LogError
  // naming the path and the reason when the directory is unusable or
  // already in use.
  Recovery open();

  // Writes every event, or nothing (see above). Events with seq <= the last
  // written one must have been filtered out by the caller.
  BatchResult write_batch(std::span<const Event> events, std::uint64_t recv_time_ns);

  // Writes the checkpoint file now if anything was committed since the
  // last one (a quiet domain's timer, detach); 0 or the errno.
  int flush_checkpoint();

  // The ring the next events come from (a new ring restarts seq at 0).
  void set_ring_instance(std::uint64_t v) { ring_instance_ = v; }
  std::uint32_t next_counter() const { return mapper_.next_counter(); }
  std::string stream_path() const;
  std::string pcap_path() const;
  std::string native_path() const;
  const LogOptions& options() const { return opt_; }
  std::uint64_t rotations() const { return rotations_; }

 private:
  void lock_directory();
  Recovery recover();
  void cut_uncommitted(const LogState& st, bool committed, Recovery& r);
  void open_files();
  void open_pcap();
  void close_files();
  int reopen();
  int maybe_rotate(std::uint64_t now_ns);
  int rotate();
  void finish_interrupted_rotation();
  unsigned highest_generation() const;
  std::string rotated(const std::string& stem, unsigned gen, const char* ext) const;
  std::string checkpoint_path() const;
  int write_all(int fd, std::vector<iovec>& iov, std::uint64_t& size);
  void rollback(std::uint64_t stream_size, std::uint64_t pcap_size, std::uint64_t native_size);
  int write_checkpoint_entry();
  // write_batch() in steps: files ready, records staged, files written.
  struct Staged {
    native::LogPosition end;          // where the logs stand after the batch
    std::uint64_t sebek_records = 0;
  };
  int prepare_files(std::uint64_t recv_time_ns);
  Staged stage_events(std::span<const Event> events, std::uint64_t recv_time_ns);
  int write_pcap(std::uint64_t recv_time_ns, std::uint64_t pcap_end);
  native::BatchContext batch_context(std::uint64_t recv_time_ns) const;
  native::LogPosition position() const;
  LogState current_state() const;
  void maybe_write_checkpoint(std::uint64_t now_ns);

  LogOptions opt_;
  std::uint32_t domid_;
  SebekMapper mapper_;
  int lock_fd_ = -1;
  int stream_fd_ = -1;
  int native_fd_ = -1;
  bool files_open_ = false;
  bool checkpoint_entry_due_ = false;  // a rotated log still lacks its first entry
  std::uint64_t native_inode_ = 0;
  std::uint64_t checkpoint_native_ = ~0ull;  // native size at the last checkpoint
  std::uint64_t checkpoint_at_ns_ = 0;
  std::unique_ptr<sebekd_format::PcapWriter> pcap_;
  std::uint64_t stream_size_ = 0;
  std::uint64_t pcap_size_ = 0;
  std::uint64_t native_size_ = 0;
  std::uint64_t opened_ns_ = 0;
  std::uint64_t rotations_ = 0;
  std::optional<std::uint64_t> last_seq_;
  std::uint64_t ring_instance_ = 0;

  // Scratch reused by every batch (no allocation in steady state).
  GatherBuffer stream_out_;
  native::NativeBatchWriter native_out_;
  std::vector<SebekRecord> pcap_records_;  // data as placed in stream_out_
};

}  // namespace xebekd
