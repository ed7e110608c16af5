// One domain served by xebekd: its mapped ring, the consumer draining it,
// its logs, its disk budget, and what the status file reports about it.
// Nothing this domain's guest or logs do may end the daemon or cost the
// other domains: disk faults are retried with backoff, a signal storm
// masks the channel, and disk use is bounded by the quota.
#pragma once

#include "xebek0/consumer.hpp"
#include "xebek0/transport.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "options.hpp"
#include "xebekd/disk_budget.hpp"
#include "xebekd/domain_logs.hpp"
#include "xebekd/piece_assembler.hpp"
#include "xebekd/status_file.hpp"

namespace xebekd {

class DomainSession {
 public:
  using Clock = std::chrono::steady_clock;

  // Maps nothing itself: takes the mapped ring and opens the logs.
  // `batch` is where every session builds the batch it writes (one at a
  // time): empty between calls. Throws LogError / TransportError with a
  // one-line message.
  DomainSession(const DaemonOptions& opt, const xebek0::DomainInfo& dom,
                std::unique_ptr<xebek0::MappedRing> ring, const AddressChoice& addr,
                FreeSpaceFloor& floor, std::vector<Event>& batch);
  ~DomainSession();

  // Drains up to `max_batches` batches into the logs. Returns true when
  // more may be waiting (call again soon), false when the ring is empty
  // and the notification is armed, or the domain is failed/stalled.
  bool drain(unsigned max_batches);
  // A signal arrived on the ring's event fd.
  void on_event();
  void set_control(std::uint32_t control);

  // Signal storms: the caller stops watching event_fd() while masked and
  // polls the ring on a timer instead.
  bool wants_mask() const { return !masked_ && consumer_->flooding(); }
  void mask(Clock::time_point now);
  bool masked() const { return masked_; }
  // Unmasks when the hold time is over; true if the caller should watch
  // event_fd() again (false: still masked, perhaps for longer).
  bool maybe_unmask(Clock::time_point now);

  // Periodic housekeeping: loss reports, and the checkpoint of a domain
  // that went quiet.
  void tick();
  void add_cpu_ns(std::uint64_t ns) { cpu_ns_ += ns; }

  bool failed() const { return consumer_->failed(); }
  // Records may wait in the ring without a signal: it was armed for a
  // batch larger than one record, or a refused batch waits for a retry.
  bool may_hold_stragglers() const { return armed_threshold_ > 1 || disk_full(); }
  bool disk_full() const { return !refused_.empty(); }
  // When a refused batch may be tried again.
  Clock::time_point retry_at() const { return retry_at_; }
  int event_fd() const { return ring_->event_fd(); }
  const xebek0::DomainInfo& domain() const { return dom_; }
  DomainStatus status() const;
  const Recovery& recovery() const { return recovery_; }
  const DomainLogs& logs() const { return *logs_; }

 private:
  // The batch to write next: a refused one, else the shared one.
  std::vector<Event>& pending() { return refused_.empty() ? batch_ : refused_; }
  bool write_pending();
  std::uint32_t over_budget(std::uint64_t now_ns);  // 0, or the loss reason
  void drop(std::span<const xebek0::Record> recs, std::uint32_t reason);
  void queue_dropped_losses(bool force);
  void note_write_failure(int err);

  const DaemonOptions& opt_;
  xebek0::DomainInfo dom_;
  AddressChoice addr_;
  std::unique_ptr<xebek0::MappedRing> ring_;
  std::unique_ptr<DomainLogs> logs_;
  std::unique_ptr<xebek0::Consumer> consumer_;
  // Payloads split over several records, joined before they are written.
  PieceAssembler pieces_;
  Recovery recovery_;
  FreeSpaceFloor& floor_;
  DiskQuota quota_;
  // Shared by every session, so that memory for a batch is held once, not
  // once per domain.
  std::vector<Event>& batch_;
  // A batch the disk refused: kept (its payloads stay in the ring, which
  // is neither polled nor committed meanwhile) and retried with backoff.
  std::vector<Event> refused_;
  std::uint64_t last_recv_ns_ = 0;
  std::uint64_t records_ = 0, sebek_records_ = 0, bytes_ = 0, log_bytes_ = 0;
  std::uint64_t write_failures_ = 0;
  std::map<std::string, std::uint64_t> faults_;  // by errno name
  std::string last_fault_;
  Clock::time_point retry_at_{};
  std::chrono::milliseconds backoff_{0};
  std::uint64_t last_drain_records_ = 0;
  std::uint32_t armed_threshold_ = 0;  // bytes the last arm_notify asked for
  // Records consumed but not written (quota, free-space floor), per
  // reason, until a loss entry reports them; and the seq they reach.
  std::map<std::uint32_t, std::uint64_t> dropped_pending_;
  std::map<std::uint32_t, std::uint64_t> dropped_total_;
  std::uint64_t dropped_seq_ = 0;
  std::uint64_t dropped_bytes_ = 0;
  std::uint64_t last_loss_flush_ns_ = 0;
  std::uint64_t last_checkpoint_ns_ = 0;  // of the last tick that flushed it
  bool masked_ = false;
  Clock::time_point masked_until_{};
  std::chrono::milliseconds mask_hold_{0};
  std::uint64_t masks_ = 0;
  std::uint64_t cpu_ns_ = 0;
};

}  // namespace xebekd
