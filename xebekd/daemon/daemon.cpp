// The daemon's event loop: rounds over the rings with work, the events
// that make rings ready, the timers, the status file. Finding and
// attaching domains is in daemon_domains.cpp.
#include "daemon.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace xebekd {
namespace {

using namespace std::chrono_literals;

// epoll user data: ring event fds carry the domain id; these two are special.
constexpr std::uint64_t kWatchTag = 1ull << 40;
constexpr std::uint64_t kSignalTag = 2ull << 40;
// Batches per domain per turn (a batch is at most --max-batch records):
// in a round every domain with work gets one turn, so a domain that floods
// keeps each quiet one waiting for one batch per flooder at most.
constexpr unsigned kBatchesPerTurn = 1;
// Turns a ring gets at shutdown, to write what it already holds.
constexpr unsigned kShutdownTurns = 1000;
// Ring events taken per epoll_wait; more stay pending for the next call.
constexpr int kEventsPerWait = 256;
// Every domain is looked at this often anyway (a simulated domain that
// died without withdrawing its entry, a lost watch event).
constexpr auto kFullRescanInterval = 5000ms;
// Full rescans asked for by watch events (a registry queue overflow) come
// no closer together than this.
constexpr auto kFullRescanSpacing = 500ms;
// Masked rings are polled this often.
constexpr auto kMaskedPoll = 10ms;
// Rings armed for a batch larger than what they hold are polled this often.
constexpr auto kStragglerPoll = 20ms;
// Per-domain housekeeping (checkpoints, loss reports): every domain this
// often, a few at a time, so that hundreds of checkpoint files are not
// replaced in one burst that every ring waits behind.
constexpr auto kTickInterval = 1000ms;
constexpr std::size_t kTicksPerSlice = 16;

std::uint64_t unix_ms() {
  return std::uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count());
}

int ms_until(std::chrono::steady_clock::time_point now, std::chrono::steady_clock::time_point t) {
  if (t <= now) return 0;
  return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(t - now).count()) + 1;
}

}  // namespace

Daemon::Daemon(const DaemonOptions& opt, xebek0::Transport& transport)
    : opt_(opt), tr_(transport), floor_(opt.logdir, opt.min_free_bytes), events_(kEventsPerWait) {
  lock_instance();
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  signal_fd_ = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd_ < 0) throw std::runtime_error(std::string("signalfd: ") + std::strerror(errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kSignalTag;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, signal_fd_, &ev);
  if (tr_.watch_fd() >= 0) {
    ev.data.u64 = kWatchTag;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, tr_.watch_fd(), &ev);
  }
}

Daemon::~Daemon() {
  sessions_.clear();
  if (signal_fd_ >= 0) ::close(signal_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void Daemon::lock_instance() {
  const std::string path = opt_.logdir + "/" + kInstanceLockName;
  lock_fd_ = opt_.own.open_file(path, O_RDWR | O_CREAT);
  if (lock_fd_ < 0) throw std::runtime_error("cannot open lock file " + path + ": " + std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    char pid[32] = {};
    (void)!::pread(lock_fd_, pid, sizeof pid - 1, 0);
    pid[std::strcspn(pid, "\n")] = 0;
    throw std::runtime_error("another xebekd (pid " + std::string(*pid ? pid : "?") + ") serves " + opt_.logdir +
                             " (lock " + path + ")");
  }
  const std::string me = std::to_string(::getpid()) + "\n";
  if (::ftruncate(lock_fd_, 0) == 0) (void)!::pwrite(lock_fd_, me.data(), me.size(), 0);
}

void Daemon::watch_ring(const DomainSession& s, bool on) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = s.domain().id;
  ::epoll_ctl(epoll_fd_, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, s.event_fd(), &ev);
}

void Daemon::status_soon() { next_status_ = std::min(next_status_, Clock::now() + 50ms); }

void Daemon::write_status() {
  DaemonStatus st;
  st.pid = static_cast<std::uint64_t>(::getpid());
  st.updated_unix_ms = unix_ms();
  st.logdir = opt_.logdir;
  std::map<std::uint32_t, DomainStatus> all = finished_;
  for (const auto& [id, s] : sessions_) all[id] = s->status();
  for (auto& [id, d] : all) st.domains.push_back(d);
  if (!write_status_file(opt_.status_file, st)) {
    static bool warned = false;
    if (!warned)
      std::fprintf(stderr, "xebekd: warning: cannot write status file %s: %s\n", opt_.status_file.c_str(),
                   std::strerror(errno));
    warned = true;
  }
}

bool Daemon::serve_ready_rings() {
  bool more_waiting = false;
  if (ready_.empty()) return false;
  meter_.start_round();
  // Round robin: each ring with work gets one turn; those with more left
  // are served again in the next round, after every other one.
  ready_.take_round(round_);
  for (const std::uint32_t id : round_) {
    const auto it = sessions_.find(id);
    if (it == sessions_.end()) continue;
    DomainSession& s = *it->second;
    meter_.skip();
    const bool more = s.drain(kBatchesPerTurn);
    meter_.charge(s);
    if (more && !s.masked()) {
      ready_.add(id);
      more_waiting = true;
    }
  }
  meter_.end_round();
  return more_waiting;
}

void Daemon::on_ring_event(std::uint32_t id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  DomainSession& s = *it->second;
  meter_.skip();
  s.on_event();
  ready_.add(id);
  if (s.wants_mask()) {
    s.mask(Clock::now());
    watch_ring(s, false);
    std::fprintf(stderr, "xebekd: domain %s (id %u): signal storm; its channel is masked and its ring polled\n",
                 s.domain().name.c_str(), id);
  }
  meter_.charge(s);
}

void Daemon::unmask_due(Clock::time_point now) {
  for (auto& [id, s] : sessions_) {
    if (!s->masked()) continue;
    CpuCharge charge(s.get());
    if (s->maybe_unmask(now)) watch_ring(*s, true);
  }
}

void Daemon::tick_slice(Clock::time_point now) {
  if (now < next_tick_) return;
  // Slices spaced so that every session is ticked once per interval.
  const auto slices = static_cast<long>((sessions_.size() + kTicksPerSlice - 1) / kTicksPerSlice);
  next_tick_ = now + kTickInterval / std::max(1L, slices);
  const std::size_t n = std::min(kTicksPerSlice, sessions_.size());
  if (n == 0) return;
  meter_.start_round();
  // The next few sessions after the one ticked last, the ids taken as a circle.
  auto it = sessions_.upper_bound(last_ticked_);
  for (std::size_t i = 0; i < n; ++i, ++it) {
    if (it == sessions_.end()) it = sessions_.begin();
    DomainSession& s = *it->second;
    meter_.skip();
    s.tick();
    meter_.charge(s);
    // A slow sweep over every ring: a record that came without a signal
    // (a lost one, a guest that asks for none) waits a tick at most.
    if (!s.masked()) ready_.add(it->first);
    last_ticked_ = it->first;
  }
  meter_.end_round();
}

void Daemon::isolate_failed() {
  std::vector<std::uint32_t> failed;
  for (const auto& [id, s] : sessions_)
    if (s->failed()) failed.push_back(id);
  for (std::uint32_t id : failed) {
    std::fprintf(stderr, "xebekd: domain %s (id %u) isolated: %s\n", sessions_[id]->domain().name.c_str(), id,
                 sessions_[id]->status().failure.c_str());
    detach(id, "failed");
  }
}

int Daemon::next_timeout(Clock::time_point now, bool any_busy) const {
  if (any_busy) return 0;
  // Armed with a batch threshold, a ring may hold a few records that did
  // not reach it: a short timeout collects them.
  int t = 500;
  for (const auto& [id, s] : sessions_) {
    if (s->may_hold_stragglers()) t = std::min(t, ms_until(now, next_straggler_poll_));
    if (s->disk_full()) t = std::min(t, ms_until(now, s->retry_at()));
    if (s->masked()) t = std::min(t, ms_until(now, next_masked_poll_));
  }
  for (const auto& [key, at] : dirty_) t = std::min(t, ms_until(now, at));
  for (auto at : {next_status_, next_full_rescan_, next_tick_}) t = std::min(t, ms_until(now, at));
  return t;
}

void Daemon::poll_unsignalled_rings(Clock::time_point now) {
  // On timers of their own, however busy the others keep the loop (under
  // load epoll_wait never times out): a ring whose signals are masked, a
  // ring armed for a batch larger than the few records it holds, a
  // refused batch whose retry is due.
  const bool masked_due = now >= next_masked_poll_;
  const bool stragglers_due = now >= next_straggler_poll_;
  for (const auto& [id, s] : sessions_) {
    const bool due = s->masked() ? masked_due
                                 : (stragglers_due && s->may_hold_stragglers()) ||
                                       (s->disk_full() && now >= s->retry_at());
    if (due) ready_.add(id);
  }
  if (masked_due) next_masked_poll_ = now + kMaskedPoll;
  if (stragglers_due) next_straggler_poll_ = now + kStragglerPoll;
}

void Daemon::run_timers(Clock::time_point now) {
  poll_unsignalled_rings(now);
  unmask_due(now);
  process_dirty(now);
  const bool rescan_due = now >= next_full_rescan_;
  const bool asked = full_rescan_wanted_ && now >= next_full_rescan_ - kFullRescanInterval + kFullRescanSpacing;
  if (rescan_due || asked) {
    full_rescan_wanted_ = false;
    rescan_all();
    next_full_rescan_ = now + kFullRescanInterval;
  }
  tick_slice(now);
  if (now >= next_status_) {
    write_status();
    next_status_ = now + std::chrono::milliseconds(opt_.status_interval_ms);
  }
}

void Daemon::start_serving() {
  const auto start = Clock::now();
  rescan_all();
  write_status();
  next_full_rescan_ = start + kFullRescanInterval;
  next_status_ = start + std::chrono::milliseconds(opt_.status_interval_ms);
  next_tick_ = start + kTickInterval;
}

int Daemon::wait_for_events(int timeout_ms) {
  const int n = ::epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
  if (n < 0 && errno != EINTR) throw std::runtime_error(std::string("epoll_wait: ") + std::strerror(errno));
  return n;
}

void Daemon::dispatch_events(int n) {
  if (n <= 0) return;
  meter_.start_round();
  for (int i = 0; i < n; ++i) {
    const std::uint64_t tag = events_[i].data.u64;
    if (tag == kSignalTag) {
      signalfd_siginfo si{};
      while (::read(signal_fd_, &si, sizeof si) == sizeof si) stop_ = true;
    } else if (tag == kWatchTag) {
      handle_watch();
    } else {
      on_ring_event(static_cast<std::uint32_t>(tag));
    }
  }
  meter_.end_round();
}

void Daemon::finish_serving() {
  // What the rings already hold is written before xebekd goes.
  for (auto& [id, s] : sessions_) {
    for (unsigned turn = 0; turn < kShutdownTurns && s->drain(kBatchesPerTurn); ++turn) {
    }
  }
  write_status();
  std::fprintf(stderr, "xebekd: stopped\n");
}

int Daemon::run() {
  start_serving();
  while (!stop_) {
    const bool more_waiting = serve_ready_rings();
    isolate_failed();
    const int events = wait_for_events(next_timeout(Clock::now(), more_waiting));
    dispatch_events(events);
    run_timers(Clock::now());
  }
  finish_serving();
  return 0;
}

}  // namespace xebekd
