// One domain served by xebekd: its mapped ring, the consumer draining it,
// its logs, and what the status file reports about it.
#pragma once

#include <xebek0/consumer.hpp>
#include <xebek0/transport.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "options.hpp"
#include "xebekd/domain_logs.hpp"
#include "xebekd/status_file.hpp"

namespace xebekd {

class DomainSession {
 public:
  // Maps nothing itself: takes the mapped ring and opens the logs.
  // Throws LogError / TransportError with a one-line message.
  DomainSession(const DaemonOptions& opt, const xebek0::DomainInfo& dom,
                std::unique_ptr<xebek0::MappedRing> ring, const AddressChoice& addr);

  // Drains up to `max_batches` batches into the logs. Returns true when
  // more may be waiting (call again soon), false when the ring is empty
  // and the notification is armed, or the domain is failed/stalled.
  bool drain(unsigned max_batches);
  // A signal arrived on the ring's event fd.
  void on_event() { consumer_->on_event(); }
  void set_control(std::uint32_t control);

  bool failed() const { return consumer_->failed(); }
  bool disk_full() const { return !pending_.empty(); }
  int event_fd() const { return ring_->event_fd(); }
  const xebek0::DomainInfo& domain() const { return dom_; }
  DomainStatus status() const;
  const Recovery& recovery() const { return recovery_; }
  const DomainLogs& logs() const { return *logs_; }

 private:
  bool write_pending();

  const DaemonOptions& opt_;
  xebek0::DomainInfo dom_;
  AddressChoice addr_;
  std::unique_ptr<xebek0::MappedRing> ring_;
  std::unique_ptr<DomainLogs> logs_;
  std::unique_ptr<xebek0::Consumer> consumer_;
  Recovery recovery_;
  // A batch the disk refused: kept (its payloads stay in the ring, which
  // is neither polled nor committed meanwhile) and retried.
  std::vector<Event> pending_;
  std::vector<Event> events_;
  std::uint64_t last_recv_ns_ = 0;
  std::uint64_t records_ = 0, sebek_records_ = 0, bytes_ = 0, log_bytes_ = 0;
  std::uint64_t write_failures_ = 0;
  std::chrono::steady_clock::time_point last_failure_{};
  std::uint64_t last_drain_records_ = 0;
};

// The directory name of a domain's logs: its name with anything outside
// [A-Za-z0-9._-] replaced, or "dom<id>" when that leaves nothing usable.
std::string log_dir_name(const xebek0::DomainInfo& dom);

}  // namespace xebekd
