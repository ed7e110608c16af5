// The daemon's event loop: one epoll set over the transport's watch fd,
// every ring's event fd and a signalfd; no socket of any kind. Domains are
// attached when they appear, detached when they go, isolated when their
// ring breaks the protocol; control requests from xebekctl are forwarded
// into the rings; the status file is rewritten periodically.
//
// One thread serves every ring in rounds: each ring with work gets one
// turn of one batch per round, in the order the rings became ready, so a
// domain that floods keeps a quiet one waiting for one batch per flooder
// at most. Memory for a batch is held once for all domains.
//
// What a hostile guest can trigger costs it, not the others: a change to
// one domain's entries re-reads that domain only, at most once per
// debounce interval; a re-announced ring is re-attached at most once per
// second; a channel that storms is masked and its ring polled on a timer;
// and every domain's share of xebekd's CPU time is in the status.
#pragma once

#include "xebek0/transport.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <sys/epoll.h>

#include "cpu_meter.hpp"
#include "domain_session.hpp"
#include "options.hpp"
#include "ready_rings.hpp"
#include "xebekd/disk_budget.hpp"

namespace xebekd {

class Daemon {
 public:
  // Takes the single-instance lock of the log directory; throws
  // std::runtime_error naming the problem.
  Daemon(const DaemonOptions& opt, xebek0::Transport& transport);
  ~Daemon();
  // Runs until SIGTERM/SIGINT; returns the exit code.
  int run();

 private:
  using Clock = std::chrono::steady_clock;

  void lock_instance();
  // Finding domains (daemon_domains.cpp).
  void rescan_all();
  void refresh(const std::string& key);
  void reconcile(const xebek0::DomainInfo& dom);
  void attach(const xebek0::DomainInfo& dom);
  void detach(std::uint32_t id, const char* why);
  void detach_gone(std::uint32_t id);
  bool wanted(const xebek0::DomainInfo& dom) const;
  // Watch events: what changed is looked at after a per-domain debounce.
  void handle_watch();
  void mark_dirty(const std::string& key, Clock::time_point due);
  void process_dirty(Clock::time_point now);
  // Control requests from xebekctl.
  void forward_control_request(DomainSession& s);
  void forward_control_requests();
  // The loop's steps.
  void start_serving();
  bool serve_ready_rings();  // one turn each; true if some have more
  int wait_for_events(int timeout_ms);  // how many; -1 if interrupted
  void dispatch_events(int n);
  void finish_serving();
  // Rings.
  void on_ring_event(std::uint32_t id);
  void unmask_due(Clock::time_point now);
  void isolate_failed();
  void watch_ring(const DomainSession& s, bool on);
  // Timers and status.
  int next_timeout(Clock::time_point now, bool any_busy) const;
  void run_timers(Clock::time_point now);
  void poll_unsignalled_rings(Clock::time_point now);
  void tick_slice(Clock::time_point now);  // the next few sessions' housekeeping, when due
  void status_soon();
  void write_status();

  const DaemonOptions& opt_;
  xebek0::Transport& tr_;
  FreeSpaceFloor floor_;
  int epoll_fd_ = -1;
  int signal_fd_ = -1;
  int lock_fd_ = -1;
  std::map<std::uint32_t, std::unique_ptr<DomainSession>> sessions_;
  std::map<std::uint32_t, DomainStatus> finished_;  // gone or isolated, for status
  std::set<std::uint32_t> attach_failed_;           // reported once
  ReadyRings ready_;                                // rings with work waiting
  std::vector<std::uint32_t> round_;                // the round being served
  std::map<std::string, Clock::time_point> dirty_;  // domain key -> when to look
  std::map<std::string, Clock::time_point> looked_; // domain key -> last look
  std::map<std::uint32_t, Clock::time_point> attached_at_;
  Clock::time_point next_full_rescan_{}, next_status_{}, next_tick_{}, next_masked_poll_{},
      next_straggler_poll_{};
  bool full_rescan_wanted_ = false;
  std::uint32_t last_ticked_ = 0;
  bool stop_ = false;
  std::vector<epoll_event> events_;
  CpuMeter meter_;
  std::vector<Event> batch_;  // every session's batch, one at a time
};

}  // namespace xebekd
