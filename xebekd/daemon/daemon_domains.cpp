// The daemon's domains: finding them (full rescans, and watch events that
// re-read one domain at most once per debounce interval), attaching,
// re-attaching and detaching them, and forwarding xebekctl's control
// requests into their rings. The event loop is in daemon.cpp.
#include "daemon.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <sys/epoll.h>

#include "xebek0/control_mode.hpp"

namespace xebekd {
namespace {

using namespace std::chrono_literals;

// One domain's entries are looked at no more often than this, however
// often its guest writes them.
constexpr auto kDebounce = 100ms;
// A domain that announces a new ring is re-attached at most this often.
constexpr auto kReattachInterval = 1000ms;
// A domain that could not be attached is tried again after this.
constexpr auto kAttachRetry = 1000ms;
// Batches a departing ring gets, to write what it still holds.
constexpr unsigned kLastBatches = 64;

}  // namespace

bool Daemon::wanted(const xebek0::DomainInfo& dom) const {
  if (opt_.only_domains.empty()) return true;
  const std::string id = std::to_string(dom.id);
  return std::any_of(opt_.only_domains.begin(), opt_.only_domains.end(),
                     [&](const std::string& w) { return w == dom.name || w == id; });
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
                   dom.name.c_str(), dom.id, sebekd_format::ipv4_to_string(addr.addr).c_str(), dom.name.c_str());
    const std::uint64_t cpu0 = thread_cpu_ns();
    auto s = std::make_unique<DomainSession>(opt_, dom, std::move(ring), addr, floor_, batch_);
    s->add_cpu_ns(thread_cpu_ns() - cpu0);
    const Recovery& r = s->recovery();
    std::fprintf(stderr, "xebekd: domain %s (id %u) attached, address %s (%s), logs in %s%s%s\n",
                 dom.name.c_str(), dom.id, sebekd_format::ipv4_to_string(addr.addr).c_str(), to_string(addr.source),
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
    s->drain(kLastBatches);
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
      it->second->drain(kLastBatches);
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
               (*want & XEBEK_CTL_ENABLE) ? "enabled" : "disabled", xebek0::mode_to_string(*want).c_str());
  status_soon();
}

void Daemon::forward_control_requests() {
  for (auto& [id, s] : sessions_) forward_control_request(*s);
}

}  // namespace xebekd
