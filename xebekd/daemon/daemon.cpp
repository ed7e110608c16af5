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

#include "xebekd/control_mode.hpp"

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
// One domain's entries are looked at no more often than this, however
// often its guest writes them.
constexpr auto kDebounce = 100ms;
// A domain that announces a new ring is re-attached at most this often.
constexpr auto kReattachInterval = 1000ms;
// A domain that could not be attached is tried again after this.
constexpr auto kAttachRetry = 1000ms;
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

// Charges the CPU time of a rare scope (attach, detach) to one domain;
// the hot path uses the CpuMeter instead.
class CpuCharge {
 public:
  explicit CpuCharge(DomainSession* s) : s_(s), start_(thread_cpu_ns()) {}
  ~CpuCharge() {
    if (s_) s_->add_cpu_ns(thread_cpu_ns() - start_);
  }
  CpuCharge(const CpuCharge&) = delete;
  CpuCharge& operator=(const CpuCharge&) = delete;

 private:
  DomainSession* s_;
  std::uint64_t start_;
};

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

bool Daemon::wanted(const xebek0::DomainInfo& dom) const {
  if (opt_.only_domains.empty()) return true;
  const std::string id = std::to_string(dom.id);
  return std::any_of(opt_.only_domains.begin(), opt_.only_domains.end(),
                     [&](const std::string& w) { return w == dom.name || w == id; });
}

void Daemon::watch_ring(const DomainSession& s, bool on) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = s.domain().id;
  ::epoll_ctl(epoll_fd_, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, s.event_fd(), &ev);
}

void Daemon::attach(const xebek0::DomainInfo& dom) {
  const auto now = Clock::now();
  attached_at_[dom.id] = now;
  try {
    auto ring = tr_.map(dom);
    const AddressChoice addr = opt_.addresses.choose(dom.name, dom.id, tr_.domain_ip(dom));
    if (addr.source == AddressChoice::Source::Default)
      std::fprintf(stderr,
                   "xebekd: warning: domain %s (id %u) has no configured or known IPv4 address; "
                   "its Sebek records carry the default %s (set --domain-ip %s=A.B.C.D)\n",
                   dom.name.c_str(), dom.id, sebek::ipv4_to_string(addr.addr).c_str(), dom.name.c_str());
    const std::uint64_t cpu0 = thread_cpu_ns();
    auto s = std::make_unique<DomainSession>(opt_, dom, std::move(ring), addr, floor_, batch_);
    s->add_cpu_ns(thread_cpu_ns() - cpu0);
    const Recovery& r = s->recovery();
    std::fprintf(stderr, "xebekd: domain %s (id %u) attached, address %s (%s), logs in %s%s%s\n",
                 dom.name.c_str(), dom.id, sebek::ipv4_to_string(addr.addr).c_str(), to_string(addr.source),
                 s->logs().options().dir.c_str(), r.note.empty() ? "" : "; recovery: ", r.note.c_str());
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = dom.id;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, s->event_fd(), &ev) != 0)
      throw xebek0::TransportError("domain " + dom.name + ": cannot watch its event fd: " + std::strerror(errno));
    finished_.erase(dom.id);
    attach_failed_.erase(dom.id);
    // Drained at once: after a restart, what the ring holds that was
    // already written is skipped and released right away.
    ready_.add(dom.id);
    sessions_[dom.id] = std::move(s);
    status_soon();
  } catch (const std::exception& e) {
    if (attach_failed_.insert(dom.id).second)
      std::fprintf(stderr, "xebekd: domain %s (id %u) not attached: %s (retrying every %lld ms)\n",
                   dom.name.c_str(), dom.id, e.what(), static_cast<long long>(kAttachRetry.count()));
    mark_dirty(dom.key, now + kAttachRetry);
  }
}

void Daemon::detach(std::uint32_t id, const char* why) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  DomainStatus st = it->second->status();
  st.state = why;
  finished_[id] = st;
  if (!it->second->masked()) watch_ring(*it->second, false);
  ready_.remove(id);
  sessions_.erase(it);
  status_soon();
}

void Daemon::detach_gone(std::uint32_t id) {
  auto& s = sessions_[id];
  {
    // Take what the domain left in its ring before letting it go.
    CpuCharge charge(s.get());
    s->drain(64);
  }
  std::fprintf(stderr, "xebekd: domain %s (id %u) is gone\n", s->domain().name.c_str(), id);
  detach(id, "gone");
}

void Daemon::reconcile(const xebek0::DomainInfo& d) {
  const auto now = Clock::now();
  auto it = sessions_.find(d.id);
  if (it != sessions_.end() && it->second->domain().name != d.name) {
    detach(d.id, "gone");  // the id was reused by another domain
    it = sessions_.end();
  } else if (it != sessions_.end() && it->second->domain().generation != d.generation) {
    // The guest published a new ring under the same id. Re-attaching
    // costs Dom0 work, and the guest can ask for it at will: not more than
    // once per interval, the rest of the time the old ring is served on.
    if (const auto at = attached_at_[d.id] + kReattachInterval; now < at) {
      mark_dirty(d.key, at);
      return;
    }
    // Take what the old ring still holds, then map the new one (its
    // records carry a new ring instance, so crash recovery never mistakes
    // them for written ones).
    {
      CpuCharge charge(it->second.get());
      it->second->drain(64);
    }
    std::fprintf(stderr, "xebekd: domain %s (id %u) re-initialised its ring; mapping the new one\n",
                 d.name.c_str(), d.id);
    detach(d.id, "reinitialised");
    it = sessions_.end();
  }
  if (it != sessions_.end()) return;
  // An isolated domain stays isolated until it goes away and comes back;
  // a new domain that reuses its id is another domain.
  if (auto f = finished_.find(d.id); f != finished_.end() && f->second.state == "failed" && f->second.name == d.name)
    return;
  attach(d);
}

void Daemon::rescan_all() {
  const auto doms = tr_.discover();
  std::set<std::uint32_t> present;
  for (const auto& d : doms) {
    if (!wanted(d)) continue;
    present.insert(d.id);
    reconcile(d);
  }
  std::vector<std::uint32_t> gone;
  for (const auto& [id, s] : sessions_)
    if (!present.count(id)) gone.push_back(id);
  for (std::uint32_t id : gone) detach_gone(id);
  for (auto& [id, st] : finished_)
    if (st.state == "failed" && !present.count(id)) st.state = "gone";
  for (auto it = attach_failed_.begin(); it != attach_failed_.end();)
    it = present.count(*it) ? std::next(it) : attach_failed_.erase(it);
  forward_control_requests();
}

void Daemon::refresh(const std::string& key) {
  std::uint32_t id = 0;
  DomainSession* s = nullptr;
  for (auto& [sid, sess] : sessions_)
    if (sess->domain().key == key) {
      id = sid;
      s = sess.get();
    }
  const auto d = tr_.discover_one(key);
  if (!d || !wanted(*d)) {
    if (s) detach_gone(id);
    return;
  }
  // Charged once done: reconcile() may replace the session.
  const std::uint64_t cpu0 = thread_cpu_ns();
  reconcile(*d);
  if (auto it = sessions_.find(d->id); it != sessions_.end()) {
    forward_control_request(*it->second);
    it->second->add_cpu_ns(thread_cpu_ns() - cpu0);
  }
}

void Daemon::mark_dirty(const std::string& key, Clock::time_point due) {
  auto [it, fresh] = dirty_.try_emplace(key, due);
  if (!fresh) it->second = std::min(it->second, due);
}

void Daemon::handle_watch() {
  const auto ch = tr_.drain_watch();
  const auto now = Clock::now();
  if (ch.all) full_rescan_wanted_ = true;
  for (const std::string& key : ch.keys) {
    // Looked at once now, then at most once per debounce interval.
    const auto last = looked_.find(key);
    const auto due = last == looked_.end() ? now : std::max(now, last->second + kDebounce);
    mark_dirty(key, due);
  }
  // Bound what a storm of distinct keys (a registry full of entries) can
  // make us remember.
  if (looked_.size() > 8192) looked_.clear();
}

void Daemon::process_dirty(Clock::time_point now) {
  std::vector<std::string> due;
  for (const auto& [key, at] : dirty_)
    if (at <= now) due.push_back(key);
  for (const std::string& key : due) {
    dirty_.erase(key);
    looked_[key] = now;
    refresh(key);
  }
}

void Daemon::forward_control_request(DomainSession& s) {
  std::optional<std::uint32_t> want;
  try {
    want = tr_.control_request(s.domain());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xebekd: domain %s: bad control request: %s\n", s.domain().name.c_str(), e.what());
    return;
  }
  if (!want || *want == s.status().control) return;
  s.set_control(*want);
  std::fprintf(stderr, "xebekd: domain %s (id %u): capture %s, mode %s\n", s.domain().name.c_str(), s.domain().id,
               (*want & XEBEK_CTL_ENABLE) ? "enabled" : "disabled", mode_to_string(*want).c_str());
  status_soon();
}

void Daemon::forward_control_requests() {
  for (auto& [id, s] : sessions_) forward_control_request(*s);
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
