// Builds the native log's share of one DomainLogs::write_batch(): one or
// more batches (layout in native_layout.hpp; a batch is closed when its
// index grows past a few MiB), as iovecs over this object's buffers and
// the full entries' payloads where they lie. Buffers are kept from call to
// call, so a steady load allocates nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <sys/uio.h>

#include "xebekd/event.hpp"
#include "xebekd/gather_buffer.hpp"
#include "xebekd/native_entry.hpp"
#include "xebekd/native_layout.hpp"

namespace xebekd::native {

// Where the logs stand: stream and pcap lengths (pcap kNoPcap when none is
// written) and the next Sebek counter.
struct LogPosition {
  std::uint64_t stream = 0;
  std::uint64_t pcap = kNoPcap;
  std::uint32_t counter = 0;
};

struct BatchContext {
  std::uint32_t domid = 0;
  std::uint64_t recv_time_ns = 0;
  std::uint64_t ring_instance = 0;
  std::optional<std::uint64_t> resume_seq;  // highest seq already in the logs
};

class NativeBatchWriter {
 public:
  // Starts the entries of one write at `start`.
  void begin(const BatchContext& ctx, const LogPosition& start);
  // One event, after its Sebek records went to the stream as `placed` says
  // (records == 0: none); `after` is where the logs stand now.
  void add(const Event& e, const StreamPlacement& placed, const LogPosition& after);
  // Closes the last batch and returns everything to append to native.xnl.
  std::vector<iovec>& finish();
  // A checkpoint batch: no entries, the state at `at`.
  std::vector<iovec>& checkpoint(const BatchContext& ctx, const LogPosition& at);
  // Bytes finish() or checkpoint() returned.
  std::uint64_t bytes() const { return bytes_; }

 private:
  struct Open {
    BatchHead head{};
    std::vector<std::uint8_t> index;  // the head's room, then the entries
    std::size_t data_first = 0;       // its data area: data_.iov() from here...
    std::size_t data_end = 0;         // ...to here
    std::uint64_t data_bytes = 0;
    BatchTail tail{};
  };
  void open_batch();
  void close_batch();

  BatchContext ctx_;
  LogPosition at_;                         // after the last event added
  std::optional<std::uint64_t> next_seq_;  // the seq an entry gives by default
  DetailContext detail_;                   // the entry before, in this batch
  std::vector<Open> batches_;              // kept for their buffers
  std::size_t used_ = 0;                   // batches_ in use by this write
  GatherBuffer data_;
  std::vector<iovec> iov_;
  std::uint64_t bytes_ = 0;
};

}  // namespace xebekd::native
