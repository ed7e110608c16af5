// SimTransport: domains announced in a registry directory, rings in POSIX
// shared memory, notifications through the domain's eventfds fetched with
// pidfd_getfd(2). See sim_transport.hpp.
#include "xebek0/sim_transport.hpp"

#include "xebek0/sim_registry.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <set>

namespace xebek0 {
namespace {

constexpr size_t kMaxEntryBytes = 4096;

std::string errno_text() { return std::strerror(errno); }

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// Takes a duplicate of file descriptor "fd" of process "pid" and checks
// that it is an eventfd (a guest could name any of its descriptors).
int fetch_eventfd(int pidfd, int fd, const std::string& what, const std::string& dom) {
  int ours = static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd, fd, 0));
  if (ours < 0)
    throw TransportError("domain " + dom + ": cannot fetch " + what + " fd " +
                         std::to_string(fd) + ": " + errno_text());
  std::array<char, 64> link{};
  std::string self = "/proc/self/fd/" + std::to_string(ours);
  ssize_t n = ::readlink(self.c_str(), link.data(), link.size() - 1);
  if (n <= 0 || std::string(link.data(), static_cast<size_t>(n)) != "anon_inode:[eventfd]") {
    ::close(ours);
    throw TransportError("domain " + dom + ": " + what + " fd " + std::to_string(fd) +
                         " is not an eventfd");
  }
  ::fcntl(ours, F_SETFD, FD_CLOEXEC);
  // Never block on a guest's descriptor (shared file status flags: the
  // domain creates them non-blocking too).
  ::fcntl(ours, F_SETFL, ::fcntl(ours, F_GETFL) | O_NONBLOCK);
  return ours;
}

class SimMappedRing final : public MappedRing {
 public:
  SimMappedRing(DomainInfo dom, unsigned order, unsigned version, void* mem, size_t len, int evt,
                int ctl)
      : dom_(std::move(dom)),
        order_(order),
        version_(version),
        mem_(mem),
        len_(len),
        evt_(evt),
        ctl_(ctl) {}
  ~SimMappedRing() override {
    ::munmap(mem_, len_);
    ::close(evt_);
    ::close(ctl_);
  }
  const DomainInfo& domain() const override { return dom_; }
  xebek_ring_intf* intf() const override { return static_cast<xebek_ring_intf*>(mem_); }
  const uint8_t* data() const override {
    return static_cast<const uint8_t*>(mem_) + XEBEK_PAGE_SIZE;
  }
  unsigned order() const override { return order_; }
  unsigned version() const override { return version_; }
  int event_fd() const override { return evt_; }
  uint64_t consume_events() override {
    uint64_t v = 0;
    if (::read(evt_, &v, sizeof v) != static_cast<ssize_t>(sizeof v)) return 0;
    return v;
  }
  void notify() override {
    uint64_t one = 1;
    // EAGAIN means the counter is saturated: a signal is pending anyway.
    (void)!::write(ctl_, &one, sizeof one);
  }

 private:
  DomainInfo dom_;
  unsigned order_;
  unsigned version_;
  void* mem_;
  size_t len_;
  int evt_, ctl_;
};

std::optional<sim::Entry> load_entry(const std::filesystem::path& reg, const std::string& name,
                                     std::string* why) {
  if (!sim::valid_name(name)) {
    *why = "invalid domain name";
    return std::nullopt;
  }
  auto text = sim::read_small_file(sim::entry_path(reg, name), kMaxEntryBytes);
  if (!text) {
    *why = "no registry entry";
    return std::nullopt;
  }
  return sim::parse_entry(*text, why);
}

}  // namespace

SimTransport::SimTransport(std::filesystem::path registry) : registry_(std::move(registry)) {
  std::error_code ec;
  std::filesystem::create_directories(registry_, ec);
  if (!std::filesystem::is_directory(registry_))
    throw TransportError("registry " + registry_.string() + " is not a usable directory");
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) throw TransportError("inotify: " + errno_text());
  if (::inotify_add_watch(inotify_fd_, registry_.c_str(),
                          IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                              IN_CREATE) < 0) {
    ::close(inotify_fd_);
    throw TransportError("cannot watch registry " + registry_.string() + ": " + errno_text());
  }
}

SimTransport::~SimTransport() {
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
}

Transport::WatchChanges SimTransport::drain_watch() {
  // Bounded per call: a storm of registry writes leaves the rest readable
  // for the next turn of the daemon's loop instead of holding it here.
  constexpr int kMaxReads = 64;
  WatchChanges ch;
  std::set<std::string> keys;
  alignas(inotify_event) char buf[4096];
  for (int i = 0; i < kMaxReads; ++i) {
    const ssize_t n = ::read(inotify_fd_, buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t off = 0; off + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      if (ev->mask & IN_Q_OVERFLOW) ch.all = true;
      if (ev->len == 0) continue;
      const std::string file(ev->name, ::strnlen(ev->name, ev->len));
      // <name>.domain and <name>.control name a domain; temporary files
      // (<name>.domain.tmp.<pid>) change nothing until renamed.
      for (const char* ext : {".domain", ".control"}) {
        const std::string e(ext);
        if (file.size() > e.size() && file.ends_with(e)) {
          const std::string name = file.substr(0, file.size() - e.size());
          if (sim::valid_name(name)) keys.insert(name);
        }
      }
    }
  }
  ch.keys.assign(keys.begin(), keys.end());
  return ch;
}

std::optional<DomainInfo> SimTransport::discover_one(const std::string& name) {
  std::string why;
  auto e = load_entry(registry_, name, &why);
  if (!e || !process_alive(e->pid)) return std::nullopt;  // incomplete or stale
  return DomainInfo{e->id, name, std::to_string(e->pid) + ' ' + e->shm, name};
}

std::vector<DomainInfo> SimTransport::discover() {
  std::vector<DomainInfo> out;
  std::error_code ec;
  for (const auto& de : std::filesystem::directory_iterator(registry_, ec)) {
    const auto& p = de.path();
    if (p.extension() != ".domain") continue;
    if (auto d = discover_one(p.stem().string())) out.push_back(std::move(*d));
    if (out.size() >= 4096) break;  // bound what a registry can make us hold
  }
  std::sort(out.begin(), out.end(),
            [](const DomainInfo& a, const DomainInfo& b) { return a.name < b.name; });
  return out;
}

std::unique_ptr<MappedRing> SimTransport::map(const DomainInfo& dom) {
  std::string why;
  auto e = load_entry(registry_, dom.name, &why);
  if (!e) throw TransportError("domain " + dom.name + ": " + why);
  if (e->id != dom.id) throw TransportError("domain " + dom.name + ": id changed");
  if (e->version != XEBEK_RING_VERSION && e->version != XEBEK_RING_VERSION_1)
    throw TransportError("domain " + dom.name + ": protocol version " +
                         std::to_string(e->version) + " not supported");
  const size_t len = XEBEK_PAGE_SIZE + size_t{XEBEK_RING_SIZE(e->order)};

  int shm = ::shm_open(e->shm.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0);
  if (shm < 0)
    throw TransportError("domain " + dom.name + ": cannot open shared memory " + e->shm +
                         ": " + errno_text());
  struct stat st {};
  if (::fstat(shm, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<size_t>(st.st_size) != len) {
    ::close(shm);
    throw TransportError("domain " + dom.name + ": shared memory " + e->shm +
                         " does not have the size of order " + std::to_string(e->order));
  }
  void* mem = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, shm, 0);
  ::close(shm);
  if (mem == MAP_FAILED)
    throw TransportError("domain " + dom.name + ": mmap: " + errno_text());

  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, e->pid, 0));
  if (pidfd < 0) {
    ::munmap(mem, len);
    throw TransportError("domain " + dom.name + ": process " + std::to_string(e->pid) +
                         " is gone: " + errno_text());
  }
  int evt = -1, ctl = -1;
  try {
    evt = fetch_eventfd(pidfd, e->evtchn, "event channel", dom.name);
    ctl = fetch_eventfd(pidfd, e->ctlchn, "control channel", dom.name);
  } catch (...) {
    if (evt >= 0) ::close(evt);
    ::close(pidfd);
    ::munmap(mem, len);
    throw;
  }
  ::close(pidfd);
  return std::make_unique<SimMappedRing>(dom, e->order, e->version, mem, len, evt, ctl);
}

std::optional<std::string> SimTransport::domain_ip(const DomainInfo& dom) {
  std::string why;
  auto e = load_entry(registry_, dom.name, &why);
  if (!e) return std::nullopt;
  return e->ip;
}

void SimTransport::request_control(const DomainInfo& dom, uint32_t control) {
  if (!sim::valid_name(dom.name))
    throw TransportError("invalid domain name '" + dom.name + "'");
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x\n", control);
  sim::write_file_atomically(sim::control_path(registry_, dom.name), text);
}

std::optional<uint32_t> SimTransport::control_request(const DomainInfo& dom) {
  if (!sim::valid_name(dom.name)) return std::nullopt;
  auto text = sim::read_small_file(sim::control_path(registry_, dom.name), 64);
  if (!text) return std::nullopt;
  std::string s = *text;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  if (s.size() < 3 || s.size() > 10 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
    return std::nullopt;
  uint32_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), v, 16);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace xebek0
