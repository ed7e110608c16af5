#include "daemon.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "xebekd/control_mode.hpp"

namespace xebekd {
namespace {

// epoll user data: ring event fds carry the domain id; these two are special.
constexpr std::uint64_t kWatchTag = 1ull << 40;
constexpr std::uint64_t kSignalTag = 2ull << 40;
// Batches per domain per turn: bounds how long one busy domain can keep
// the others waiting.
constexpr unsigned kBatchesPerTurn = 8;

std::uint64_t unix_ms() {
  return std::uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count());
}

}  // namespace

Daemon::Daemon(const DaemonOptions& opt, xebek0::Transport& transport) : opt_(opt), tr_(transport) {
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
}

bool Daemon::wanted(const xebek0::DomainInfo& dom) const {
  if (opt_.only_domains.empty()) return true;
  const std::string id = std::to_string(dom.id);
  return std::any_of(opt_.only_domains.begin(), opt_.only_domains.end(),
                     [&](const std::string& w) { return w == dom.name || w == id; });
}

void Daemon::attach(const xebek0::DomainInfo& dom) {
  try {
    auto ring = tr_.map(dom);
    const AddressChoice addr = opt_.addresses.choose(dom.name, dom.id, tr_.domain_ip(dom));
    if (addr.source == AddressChoice::Source::Default)
      std::fprintf(stderr,
                   "xebekd: warning: domain %s (id %u) has no configured or known IPv4 address; "
                   "its Sebek records carry the default %s (set --domain-ip %s=A.B.C.D)\n",
                   dom.name.c_str(), dom.id, sebek::ipv4_to_string(addr.addr).c_str(), dom.name.c_str());
    auto s = std::make_unique<DomainSession>(opt_, dom, std::move(ring), addr);
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
    busy_.insert(dom.id);
    sessions_[dom.id] = std::move(s);
  } catch (const std::exception& e) {
    if (attach_failed_.insert(dom.id).second)
      std::fprintf(stderr, "xebekd: domain %s (id %u) not attached: %s\n", dom.name.c_str(), dom.id, e.what());
  }
}

void Daemon::detach(std::uint32_t id, const char* why) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  DomainStatus st = it->second->status();
  st.state = why;
  finished_[id] = st;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->second->event_fd(), nullptr);
  busy_.erase(id);
  sessions_.erase(it);
}

void Daemon::rescan() {
  const auto doms = tr_.discover();
  std::set<std::uint32_t> present;
  for (const auto& d : doms) {
    if (!wanted(d)) continue;
    present.insert(d.id);
    auto it = sessions_.find(d.id);
    if (it != sessions_.end() && it->second->domain().name != d.name) {
      detach(d.id, "gone");  // the id was reused by another domain
      it = sessions_.end();
    } else if (it != sessions_.end() && it->second->domain().generation != d.generation) {
      // The guest published a new ring under the same id: take what the old
      // one still holds, then map the new one (its records carry a new ring
      // instance, so crash recovery never mistakes them for written ones).
      it->second->drain(64);
      std::fprintf(stderr, "xebekd: domain %s (id %u) re-initialised its ring; mapping the new one\n",
                   d.name.c_str(), d.id);
      detach(d.id, "reinitialised");
      it = sessions_.end();
    }
    // An isolated domain stays isolated until it goes away and comes back.
    if (it == sessions_.end() && !(finished_.count(d.id) && finished_[d.id].state == "failed"))
      attach(d);
  }
  std::vector<std::uint32_t> gone;
  for (const auto& [id, s] : sessions_)
    if (!present.count(id)) gone.push_back(id);
  for (std::uint32_t id : gone) {
    // Take what the domain left in its ring before letting it go.
    sessions_[id]->drain(64);
    std::fprintf(stderr, "xebekd: domain %s (id %u) is gone\n", sessions_[id]->domain().name.c_str(), id);
    detach(id, "gone");
  }
  for (auto it = finished_.begin(); it != finished_.end();) {
    if (it->second.state == "failed" && !present.count(it->first)) it->second.state = "gone";
    ++it;
  }
  for (auto it = attach_failed_.begin(); it != attach_failed_.end();)
    it = present.count(*it) ? std::next(it) : attach_failed_.erase(it);
}

void Daemon::forward_control_requests() {
  for (auto& [id, s] : sessions_) {
    std::optional<std::uint32_t> want;
    try {
      want = tr_.control_request(s->domain());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "xebekd: domain %s: bad control request: %s\n", s->domain().name.c_str(), e.what());
      continue;
    }
    if (!want || *want == s->status().control) continue;
    s->set_control(*want);
    std::fprintf(stderr, "xebekd: domain %s (id %u): capture %s, mode %s\n", s->domain().name.c_str(), id,
                 (*want & XEBEK_CTL_ENABLE) ? "enabled" : "disabled", mode_to_string(*want).c_str());
  }
}

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

int Daemon::run() {
  rescan();
  forward_control_requests();
  write_status();
  auto next_status = std::chrono::steady_clock::now();
  std::vector<epoll_event> events(64);
  bool stop = false;
  while (!stop) {
    // Drain domains that are likely to have more, one turn each.
    std::vector<std::uint32_t> failed;
    bool any_busy = false, any_stalled = false, any_batching = false;
    for (std::uint32_t id : std::set<std::uint32_t>(busy_)) {
      auto it = sessions_.find(id);
      if (it == sessions_.end()) { busy_.erase(id); continue; }
      const bool more = it->second->drain(kBatchesPerTurn);
      if (it->second->failed()) failed.push_back(id);
      if (more) any_busy = true;
      else busy_.erase(id);
    }
    for (auto& [id, s] : sessions_) {
      if (s->disk_full()) any_stalled = true;
      if (!s->failed() && !s->disk_full()) any_batching = true;
    }
    for (std::uint32_t id : failed) {
      std::fprintf(stderr, "xebekd: domain %s (id %u) isolated: %s\n",
                   sessions_[id]->domain().name.c_str(), id, sessions_[id]->status().failure.c_str());
      detach(id, "failed");
      write_status();
    }
    // Armed with a batch threshold, a ring may hold a few records that did
    // not reach it: a short timeout collects them. A full disk is retried
    // every 200 ms.
    int timeout = any_busy ? 0 : any_stalled ? 200 : any_batching ? 20 : 500;
    const auto now = std::chrono::steady_clock::now();
    const int to_status = static_cast<int>(
        std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(next_status - now).count()));
    timeout = std::min(timeout, to_status);
    const int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout);
    if (n < 0 && errno != EINTR) {
      std::fprintf(stderr, "xebekd: epoll_wait: %s\n", std::strerror(errno));
      return 1;
    }
    bool watch = false;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t tag = events[i].data.u64;
      if (tag == kSignalTag) {
        signalfd_siginfo si{};
        while (::read(signal_fd_, &si, sizeof si) == sizeof si) stop = true;
      } else if (tag == kWatchTag) {
        watch = true;
      } else if (auto it = sessions_.find(static_cast<std::uint32_t>(tag)); it != sessions_.end()) {
        it->second->on_event();
        busy_.insert(it->first);
      }
    }
    if (n == 0) {
      // Timer: look at every domain (stragglers below the batch threshold,
      // disk-full retries).
      for (const auto& [id, s] : sessions_) busy_.insert(id);
    }
    if (watch) {
      tr_.drain_watch();
      rescan();
      forward_control_requests();
      write_status();
    }
    if (std::chrono::steady_clock::now() >= next_status) {
      // Polled too: a transport without a watch fd still gets its changes.
      if (tr_.watch_fd() < 0) {
        rescan();
        forward_control_requests();
      }
      write_status();
      next_status = std::chrono::steady_clock::now() + std::chrono::milliseconds(opt_.status_interval_ms);
    }
  }
  // Shutting down: write what is already in the rings.
  for (auto& [id, s] : sessions_) {
    for (int i = 0; i < 1000 && s->drain(kBatchesPerTurn); ++i) {
    }
  }
  write_status();
  std::fprintf(stderr, "xebekd: stopped\n");
  return 0;
}

}  // namespace xebekd
