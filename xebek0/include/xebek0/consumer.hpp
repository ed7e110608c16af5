// The Consumer drains one domain's mapped ring safely. The same code runs
// for every transport. The guest is hostile: indexes are read once per
// poll and checked against Dom0's own copy of the ring size, each header is
// copied out of shared memory exactly once and validated from the copy,
// every length is bounded, and any inconsistency is counted as a protocol
// error of this domain. A structural error isolates the domain (failed()
// becomes true and poll() returns nothing more) so it cannot crash, stall
// or starve the daemon or other domains.
#pragma once

#include "xebek0/record.hpp"
#include "xebek0/transport.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace xebek0 {

// Every kind of inconsistency, each counted separately.
enum class ProtocolError : unsigned {
  BadIdentity,     // magic, version or header size wrong when mapped
  OrderChanged,    // identity or order in the interface page changed later
  ProdAhead,       // prod - cons > ring size
  ProdBackwards,   // prod moved back behind what was already read
  ProdUnaligned,   // prod not on an 8-byte boundary
  ConsMoved,       // the shared cons differs from what Dom0 last wrote
  ZeroLength,      // record length 0
  ShortLength,     // record shorter than its header / type's payload
  HugeLength,      // record longer than the largest allowed record
  PastEnd,         // record runs past the end of the data area
  PastProd,        // record runs past the producer index
  BadPad,          // padding record that does not end at the end of the area
  UnknownType,     // unknown record type (skipped; framing still intact)
  BadPayload,      // socket / loss payload of the wrong size (skipped)
  BadLossReason,   // loss record with an unknown reason (skipped)
  SeqGap,          // sequence number not previous + 1 (record kept)
  NotifyFlood,     // far more signals than the consumer asked for
  SeqBackwards,    // sequence number not above the previous one (record kept)
  LossHuge,        // loss count beyond what a ring can drop (capped)
  BadPiece,        // piece flags on a record that cannot be split, or a
                   // group/offset that cannot be (record kept whole)
  Count_
};
inline constexpr unsigned kProtocolErrorKinds =
    static_cast<unsigned>(ProtocolError::Count_);
// Short stable name ("prod_ahead", ...) for logs, status and JSON.
const char* to_string(ProtocolError e);
// Whether the error isolates the domain (framing can no longer be trusted).
bool is_fatal(ProtocolError e);

struct DomainStats {
  uint64_t records = 0;             // non-pad records delivered (incl. loss)
  uint64_t payload_bytes = 0;       // payload bytes delivered
  uint64_t batches = 0;             // polls that delivered something
  uint64_t lost[XEBEK_LOSS_NR] = {};// records the guest reported lost, per reason
  uint64_t protocol_errors = 0;     // sum of by_kind
  std::array<uint64_t, kProtocolErrorKinds> by_kind{};
  uint64_t events = 0;              // signals received
  uint64_t unsolicited_events = 0;  // signals when no request was armed
  uint64_t notify_requests = 0;     // times the consumer armed the request
  uint64_t skipped_replayed = 0;    // records with seq <= resume point
  uint32_t lag_bytes = 0;           // prod - cons at the last poll
  uint64_t last_seq = 0;            // seq of the last delivered record
  bool have_seq = false;
  uint32_t control_applied = 0;     // as echoed by the guest at last poll
  uint64_t instance = 0;            // the ring's instance (from the guest)
};

struct ConsumerOptions {
  // Largest number of records one poll() returns (a batch).
  size_t max_batch = 1024;
  // Crash-safe restart: the last record that reached the logs before the
  // daemon stopped (ring instance + seq, both kept in the native log).
  // If the ring's instance matches, records with seq <= this are skipped
  // (counted in skipped_replayed) until the first newer one.
  struct ResumePoint {
    uint64_t instance = 0;
    uint64_t seq = 0;
  };
  std::optional<ResumePoint> resume;
  // More unsolicited signals than this within one second count as one
  // NotifyFlood error for that second, and flooding() turns true.
  uint64_t flood_limit_per_s = 1000;
};

// The most records one loss record may report. A producer reports what it
// dropped since its last record that fit; even at a hundred million
// records a second that stays far below this within any plausible stall,
// and a larger count could only jump (or wrap) the Sebek counter.
inline constexpr uint64_t kMaxLossPerRecord = 1ull << 24;

class Consumer {
 public:
  // Validates the ring's identity and the starting cons (the one value
  // taken from shared memory on trust: it is where a previous daemon
  // stopped). A ring that fails validation starts out failed().
  explicit Consumer(MappedRing& ring, ConsumerOptions opts = {});

  // Reads prod once and returns up to max_batch validated records after
  // those already returned. The span (and the payload pointers) stay valid
  // until the next poll() or commit(). Empty if nothing new or failed().
  std::span<const Record> poll();

  // The caller has durably written every record returned so far: publish
  // cons past them so the guest may reuse the space. Until then a crash
  // loses nothing (a restarted daemon finds them again and skips by seq).
  // Also after a poll() that returned nothing: the records it skipped
  // (already written before a restart) and padding are released too, so a
  // ring that held only such records does not stay full.
  void commit();

  // Before sleeping: asks the producer to signal once prod reaches
  // cons + min_bytes (1 = any new record), then re-reads prod. Returns
  // true if data is already there (do not sleep; poll again).
  bool arm_notify(uint32_t min_bytes = 1);

  // The ring's event fd fired: consumes the signals and accounts for them
  // (flood detection).
  void on_event();
  // Whether the guest signalled far more than asked within the current
  // one-second window: the caller then masks the channel and polls.
  bool flooding() const { return flood_reported_; }


  // Writes the control word (XEBEK_CTL_*) into the ring and notifies.
  void set_control(uint32_t control);
  // The control word as Dom0 last wrote it (its own copy).
  uint32_t control() const { return control_; }

  bool failed() const { return failed_; }
  // The first fatal error, if any, as one line of text.
  const std::string& failure() const { return failure_; }
  const DomainStats& stats() const { return stats_; }
  MappedRing& ring() { return ring_; }

 private:
  // poll() in steps: the producer index, each record's frame, its typed
  // payload, its sequence number.
  enum class Frame { Record, Skip, Broken };
  std::optional<uint32_t> read_prod();
  Frame read_frame(uint32_t prod, Record& rec);
  void copy_header(uint32_t off, uint32_t n, xebek_rec& out) const;
  bool read_payload(Record& rec);
  void check_piece(xebek_rec& h);
  bool track_seq(const xebek_rec& h);
  void error(ProtocolError e, const std::string& detail);
  bool check_identity();
  bool resume_skips(uint64_t seq);

  MappedRing& ring_;
  ConsumerOptions opts_;
  uint32_t size_;       // Dom0's copy of the ring size
  unsigned version_;    // the protocol version the guest announced
  uint32_t hdr_size_;   // that version's record header size
  uint16_t type_max_;   // ... and its highest record type
  uint32_t max_rec_;    // largest valid record
  uint32_t cons_ = 0;   // what Dom0 last published as cons
  uint32_t read_ = 0;   // next record to read (>= cons_)
  uint32_t read_pos_ = 0;  // where the record being checked starts
  uint32_t prod_seen_ = 0;  // highest prod validated so far
  uint32_t control_ = 0;
  bool armed_ = false;
  bool failed_ = false;
  std::string failure_;
  std::vector<Record> batch_;
  DomainStats stats_;
  std::chrono::steady_clock::time_point flood_window_{};
  uint64_t flood_count_ = 0;
  bool flood_reported_ = false;
};

}  // namespace xebek0
