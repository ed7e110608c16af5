// XenTransport: see xen_transport.hpp.
#include "xebek0/xen_transport.hpp"

#include "xen_ring.hpp"

#include <arpa/inet.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>

extern "C" {
#include <xengnttab.h>
#include <xenstore.h>
#include <xen/io/xs_wire.h>
}

namespace xebek0 {
namespace {

// The longest announcement xenstore can hold (ring.h's order limit is
// derived from it).
constexpr size_t kMaxAnnouncement = XENSTORE_PAYLOAD_MAX;
constexpr unsigned kMaxOrder = XEBEK_RING_ORDER_MAX;

std::string err_text() { return std::strerror(errno); }

bool parse_u32(std::string_view s, uint32_t& out) {
  if (s.empty() || s.size() > 10) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// The node through which the toolstack asks a domain to suspend (the
// guest may write it too: it only ever decides when Dom0 listens).
std::string shutdown_node(uint32_t domid) {
  return "/local/domain/" + std::to_string(domid) + "/control/shutdown";
}

// The domain id in /local/domain/<id>/control/shutdown, or 0.
uint32_t domid_of_shutdown_node(const std::string& path) {
  constexpr std::string_view head = "/local/domain/", tail = "/control/shutdown";
  if (!path.starts_with(head) || !path.ends_with(tail) || path.size() <= head.size() + tail.size())
    return 0;
  uint32_t id = 0;
  return parse_u32(std::string_view(path).substr(head.size(), path.size() - head.size() - tail.size()), id)
             ? id
             : 0;
}

// libxenstore prefers xenstored's Unix socket; xebekd must hold no socket
// of any kind, so point libxenstore's documented override, XENSTORED_PATH,
// at the xenbus character device for the duration of the open.
xs_handle* open_xenstore_device() {
  static const char kDev[] = "/dev/xen/xenbus";
  struct stat st {};
  if (stat(kDev, &st) != 0 || !S_ISCHR(st.st_mode)) {
    errno = ENOENT;
    return nullptr;
  }
  const char* old = getenv("XENSTORED_PATH");
  const std::string saved = old ? old : "";
  setenv("XENSTORED_PATH", kDev, 1);
  xs_handle* h = xs_open(0);
  const int e = errno;
  if (old) setenv("XENSTORED_PATH", saved.c_str(), 1);
  else unsetenv("XENSTORED_PATH");
  errno = e;
  return h;
}

}  // namespace

namespace {

bool parse_u64(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Calls item(text) for every comma-separated item of "list"; false if
// one is empty or item() refuses it.
template <typename Item>
bool for_each_item(std::string_view list, Item item) {
  size_t p = 0;
  while (p <= list.size()) {
    size_t c = list.find(',', p);
    if (c == std::string_view::npos) c = list.size();
    if (!item(list.substr(p, c - p))) return false;
    p = c + 1;
  }
  return true;
}

constexpr size_t kMaxPages = 1u + (1u << kMaxOrder);

bool parse_refs(std::string_view val, std::vector<uint32_t>& refs) {
  return for_each_item(val, [&](std::string_view item) {
    uint32_t n = 0;
    if (!parse_u32(item, n) || refs.size() >= kMaxPages) return false;
    refs.push_back(n);
    return true;
  });
}

// Frames, each "f" or a run "first-last" of consecutive ones.
bool parse_frames(std::string_view val, std::vector<uint64_t>& frames) {
  return for_each_item(val, [&](std::string_view item) {
    const size_t dash = item.find('-');
    uint64_t first = 0, last = 0;
    if (!parse_u64(item.substr(0, dash), first)) return false;
    last = first;
    if (dash != std::string_view::npos && (!parse_u64(item.substr(dash + 1), last) || last <= first))
      return false;
    // No machine has frames beyond it (and the canonical form's runs
    // never wrap).
    if (last >= XEBEK_FRAME_LIMIT) return false;
    if (last - first >= kMaxPages - frames.size()) return false;
    for (uint64_t f = first;; ++f) {
      frames.push_back(f);
      if (f == last) break;
    }
    return true;
  });
}

template <typename T>
bool has_duplicates(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return std::adjacent_find(v.begin(), v.end()) != v.end();
}

}  // namespace

std::optional<XenAnnouncement> parse_xen_announcement(const std::string& v) {
  if (v.empty() || v.size() > kMaxAnnouncement) return std::nullopt;
  XenAnnouncement a;
  bool have_version = false, have_order = false, have_refs = false, have_frames = false;
  bool& have_port = a.has_port;
  bool& have_magic = a.has_magic;
  size_t pos = 0;
  while (pos < v.size()) {
    size_t end = v.find(' ', pos);
    if (end == std::string::npos) end = v.size();
    std::string_view field(v.data() + pos, end - pos);
    pos = end + 1;
    if (field.empty()) return std::nullopt;
    size_t eq = field.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view key = field.substr(0, eq), val = field.substr(eq + 1);
    uint32_t n = 0;
    if (key == "version" && !have_version && parse_u32(val, n)) {
      a.version = n;
      have_version = true;
    } else if (key == "order" && !have_order && parse_u32(val, n) && n <= kMaxOrder) {
      a.order = n;
      have_order = true;
    } else if (key == "event-channel" && !have_port && parse_u32(val, n)) {
      a.port = n;
      have_port = true;
    } else if (key == "magic" && !have_magic && parse_u32(val, n)) {
      a.magic = n;
      have_magic = true;
    } else if (key == "ring-refs" && !have_refs && !have_frames && parse_refs(val, a.refs)) {
      have_refs = true;
    } else if (key == "page-refs" && !have_refs && !have_frames && parse_frames(val, a.frames)) {
      have_frames = true;
    } else {
      return std::nullopt;
    }
  }
  // Grant references come with the event channel the guest signals;
  // frames with none (Dom0 polls).
  if (!have_version || !have_order || (have_refs ? !have_port : !have_frames || have_port))
    return std::nullopt;
  if (a.version != XEBEK_RING_VERSION && a.version != XEBEK_RING_VERSION_1) return std::nullopt;
  // Frames came with version 2, and with the order their list fits.
  if (have_frames && (a.version != XEBEK_RING_VERSION || a.order > XEBEK_RING_ORDER_MAX_FRAMES))
    return std::nullopt;
  const size_t pages = have_refs ? a.refs.size() : a.frames.size();
  if (pages != 1u + (1u << a.order)) return std::nullopt;
  // A valid guest names every page once.
  if (have_refs ? has_duplicates(a.refs) : has_duplicates(a.frames)) return std::nullopt;
  return a;
}

namespace {

// Frames in the kernel's own spelling: runs of consecutive ones as
// "first-last".
std::string format_frames(const std::vector<uint64_t>& frames) {
  std::string s;
  for (size_t i = 0, j = 0; i < frames.size(); i = j) {
    for (j = i + 1; j < frames.size() && frames[j - 1] < frames[j] && frames[j] - frames[j - 1] == 1; j++) {
    }
    if (i) s += ',';
    s += std::to_string(frames[i]);
    if (j - i > 1) s += '-' + std::to_string(frames[j - 1]);
  }
  return s;
}

}  // namespace

std::string format_xen_announcement(const XenAnnouncement& a) {
  std::string s = "version=" + std::to_string(a.version) + " order=" + std::to_string(a.order) +
                  (a.has_port ? " event-channel=" + std::to_string(a.port) : std::string()) +
                  (a.has_magic ? " magic=" + std::to_string(a.magic) : std::string());
  if (!a.frames.empty()) return s + " page-refs=" + format_frames(a.frames);
  s += " ring-refs=";
  for (size_t i = 0; i < a.refs.size(); i++) {
    if (i) s += ',';
    s += std::to_string(a.refs[i]);
  }
  return s;
}

XenTransport::XenTransport(std::string xs_path) : xs_path_(std::move(xs_path)) {
  if (xs_path_.size() < 2 || xs_path_[0] != '/' || xs_path_.back() == '/')
    throw TransportError("xenstore path '" + xs_path_ + "' must be absolute");
  xs_ = open_xenstore_device();
  if (!xs_) throw TransportError("cannot open xenstore through /dev/xen/xenbus: " + err_text());
  gnt_ = xengnttab_open(nullptr, 0);
  if (!gnt_) {
    xs_close(xs_);
    throw TransportError("cannot open the grant-table device: " + err_text());
  }

  // The handshake directory belongs to Dom0 and nobody else may read it.
  struct xs_permissions none = {0, XS_PERM_NONE};
  if (!xs_write(xs_, XBT_NULL, xs_path_.c_str(), "", 0) ||
      !xs_set_permissions(xs_, XBT_NULL, xs_path_.c_str(), &none, 1)) {
    std::string e = err_text();
    close_handles();
    throw TransportError("cannot create " + xs_path_ + " in xenstore: " + e);
  }
  if (!xs_watch(xs_, "@introduceDomain", "domains") ||
      !xs_watch(xs_, "@releaseDomain", "domains") ||
      !xs_watch(xs_, xs_path_.c_str(), "handshake")) {
    std::string e = err_text();
    close_handles();
    throw TransportError("cannot watch xenstore: " + e);
  }
}

XenTransport::~XenTransport() { close_handles(); }

void XenTransport::close_handles() {
  xengnttab_close(gnt_);
  xs_close(xs_);
}

int XenTransport::watch_fd() const { return xs_fileno(xs_); }

Transport::WatchChanges XenTransport::drain_watch() {
  // Bounded per call: a guest rewriting its node in a loop leaves the rest
  // queued for the next turn of the daemon's loop instead of holding it.
  constexpr int kMaxEvents = 256;
  WatchChanges ch;
  std::set<std::string> keys;
  const std::string prefix = xs_path_ + "/";
  for (int i = 0; i < kMaxEvents; i++) {
    char** ev = xs_check_watch(xs_);
    if (!ev) break;
    const std::string path = ev[XS_WATCH_PATH] ? ev[XS_WATCH_PATH] : "";
    free(ev);
    // <xs_path>/<domid>/...: that domain's handshake or control node;
    // /local/domain/<domid>/control/shutdown: it may be about to suspend.
    uint32_t id = domid_of_shutdown_node(path);
    if (id != 0) {
      keys.insert(std::to_string(id));
      continue;
    }
    if (path.starts_with(prefix)) {
      const std::string rest = path.substr(prefix.size());
      if (parse_u32(rest.substr(0, rest.find('/')), id) && id != 0) {
        keys.insert(std::to_string(id));
        continue;
      }
    }
    ch.all = true;  // @introduceDomain, @releaseDomain, the directory itself
  }
  ch.keys.assign(keys.begin(), keys.end());
  return ch;
}

std::optional<std::string> XenTransport::read(const std::string& path) {
  unsigned len = 0;
  char* v = static_cast<char*>(xs_read(xs_, XBT_NULL, path.c_str(), &len));
  if (!v) return std::nullopt;
  std::string s(v, len);
  free(v);
  return s;
}

std::string XenTransport::ring_node(uint32_t domid) const {
  return xs_path_ + "/" + std::to_string(domid) + "/ring";
}

// Runs "steps" in one xenstore transaction, retried while xenstore reports
// a conflict (EAGAIN); false if a step failed or it never committed.
bool XenTransport::in_transaction(const std::function<bool(xs_transaction_t)>& steps) {
  for (int attempt = 0; attempt < 8; attempt++) {
    xs_transaction_t t = xs_transaction_start(xs_);
    if (t == XBT_NULL) return false;
    if (!steps(t)) {
      xs_transaction_end(xs_, t, true);
      return false;
    }
    if (xs_transaction_end(xs_, t, false)) return true;
    if (errno != EAGAIN) return false;
  }
  return false;
}

// Empties the ring node and lets the guest write it.
bool XenTransport::open_ring_node(xs_transaction_t t, uint32_t domid) {
  const std::string ring = ring_node(domid);
  return xs_write(xs_, t, ring.c_str(), "", 0) && set_guest_write(t, domid, true);
}

// Lets the guest write its ring node ("n0 w<domid>") or not ("n0").
bool XenTransport::set_guest_write(xs_transaction_t t, uint32_t domid, bool allow) {
  struct xs_permissions perms[2] = {{0, XS_PERM_NONE}, {domid, XS_PERM_WRITE}};
  return xs_set_permissions(xs_, t, ring_node(domid).c_str(), perms, allow ? 2 : 1);
}

// Creates the guest's write-only ring node once per domain, in one
// transaction (the guest never sees it with default permissions), and
// watches the domain's suspend requests.
void XenTransport::prepare_domain(uint32_t domid) {
  if (prepared_.count(domid)) return;
  const std::string shutdown = shutdown_node(domid);
  if (!xs_watch(xs_, shutdown.c_str(), "shutdown")) return;  // retried on the next discover()
  if (!read(ring_node(domid))) {
    const std::string dir = xs_path_ + "/" + std::to_string(domid);
    struct xs_permissions dir_perm = {0, XS_PERM_NONE};
    const bool made = in_transaction([&](xs_transaction_t t) {
      return xs_write(xs_, t, dir.c_str(), "", 0) &&
             xs_set_permissions(xs_, t, dir.c_str(), &dir_perm, 1) && open_ring_node(t, domid);
    });
    if (!made) return;  // retried on the next discover()
  }
  prepared_.insert(domid);
}

void XenTransport::forget_domain(uint32_t domid) {
  // Domain ids are reused: a later domain must start with a fresh node.
  const std::string dir = xs_path_ + "/" + std::to_string(domid);
  xs_rm(xs_, XBT_NULL, dir.c_str());
  if (prepared_.erase(domid)) xs_unwatch(xs_, shutdown_node(domid).c_str(), "shutdown");
  handshakes_.erase(domid);
}

// The toolstack asked the domain to suspend: after resume its pages may
// have other frames and it announces them again. The node is emptied
// first, so that whatever valid value appears next is that announcement;
// until then Dom0 serves the ring it has. A failure is tried again on the
// next look at this domain.
void XenTransport::await_announcement(uint32_t domid, Handshake& h) {
  if (!in_transaction([&](xs_transaction_t t) { return open_ring_node(t, domid); })) return;
  h.sealed = false;
  h.awaiting = true;
}

// The domain's announced ring, sealing the node once it holds a valid
// announcement.
std::optional<DomainInfo> XenTransport::announced(uint32_t id) {
  Handshake& h = handshakes_[id];
  auto shutdown = read(shutdown_node(id));
  if (!h.awaiting && shutdown && *shutdown == "suspend") await_announcement(id, h);
  auto v = read(ring_node(id));
  auto a = v ? parse_xen_announcement(*v) : std::nullopt;
  if (!a) {
    // No first announcement in time: the node is closed like an
    // announced one. Not while awaiting one after a suspend: a save and
    // restore under load may take longer than the window.
    if (!h.sealed && !h.awaiting && std::chrono::steady_clock::now() - h.opened >= kAnnounceWindow &&
        set_guest_write(XBT_NULL, id, false))
      h.sealed = true;
    return h.awaiting ? h.last : std::nullopt;
  }
  if (!h.sealed && set_guest_write(XBT_NULL, id, false)) {
    h.sealed = true;
    h.awaiting = false;
  }
  DomainInfo d;
  d.id = id;
  d.key = std::to_string(id);
  d.generation = format_xen_announcement(*a);
  // Written by the toolstack, not the guest; bounded all the same.
  auto name = read("/local/domain/" + std::to_string(id) + "/name");
  d.name = name ? name->substr(0, 255) : "domain-" + std::to_string(id);
  h.last = d;
  return d;
}

std::optional<DomainInfo> XenTransport::lookup(uint32_t id) {
  prepare_domain(id);
  return announced(id);
}

std::optional<DomainInfo> XenTransport::discover_one(const std::string& key) {
  uint32_t id = 0;
  if (!parse_u32(key, id) || id == 0) return std::nullopt;
  // A domain that is gone has no name node any more.
  if (!read("/local/domain/" + key + "/name") && !read("/local/domain/" + key)) return std::nullopt;
  return lookup(id);
}

std::vector<DomainInfo> XenTransport::discover() {
  std::vector<DomainInfo> out;
  std::set<uint32_t> alive;
  unsigned n = 0;
  char** ids = xs_directory(xs_, XBT_NULL, "/local/domain", &n);
  for (unsigned i = 0; ids && i < n; i++) {
    uint32_t id = 0;
    if (!parse_u32(ids[i], id) || id == 0) continue;
    alive.insert(id);
    if (auto d = lookup(id)) out.push_back(std::move(*d));
  }
  free(ids);
  // Nodes of domains that are gone (also those left by a previous run).
  unsigned m = 0;
  char** ours = xs_directory(xs_, XBT_NULL, xs_path_.c_str(), &m);
  for (unsigned i = 0; ours && i < m; i++) {
    uint32_t id = 0;
    if (parse_u32(ours[i], id) && !alive.count(id)) forget_domain(id);
  }
  free(ours);
  return out;
}

std::unique_ptr<MappedRing> XenTransport::map(const DomainInfo& dom) {
  // The announcement validated when the domain was looked up (its
  // canonical text), not the node again, which may have changed since.
  auto a = parse_xen_announcement(dom.generation);
  if (!a) throw TransportError("domain " + std::to_string(dom.id) + ": malformed ring announcement");
  return map_xen_ring(dom, gnt_, *a);
}

std::optional<std::string> XenTransport::domain_ip(const DomainInfo& dom) {
  // Written by the toolstack in Dom0's backend tree, not by the guest.
  auto ip = read("/local/domain/0/backend/vif/" + std::to_string(dom.id) + "/0/ip");
  if (!ip) return std::nullopt;
  std::string first = ip->substr(0, ip->find(' '));
  in_addr a{};
  if (first.size() > 15 || inet_pton(AF_INET, first.c_str(), &a) != 1) return std::nullopt;
  return first;
}

void XenTransport::request_control(const DomainInfo& dom, uint32_t control) {
  const std::string path = xs_path_ + "/" + std::to_string(dom.id) + "/control";
  char buf[16];
  int len = snprintf(buf, sizeof buf, "0x%x", control);
  struct xs_permissions none = {0, XS_PERM_NONE};
  if (!xs_write(xs_, XBT_NULL, path.c_str(), buf, static_cast<unsigned>(len)) ||
      !xs_set_permissions(xs_, XBT_NULL, path.c_str(), &none, 1))
    throw TransportError("domain " + std::to_string(dom.id) + ": cannot write " + path + ": " +
                         err_text());
}

std::optional<uint32_t> XenTransport::control_request(const DomainInfo& dom) {
  auto v = read(xs_path_ + "/" + std::to_string(dom.id) + "/control");
  if (!v || v->size() < 3 || v->size() > 10 || v->compare(0, 2, "0x") != 0) return std::nullopt;
  uint32_t c = 0;
  auto [p, ec] = std::from_chars(v->data() + 2, v->data() + v->size(), c, 16);
  if (ec != std::errc() || p != v->data() + v->size()) return std::nullopt;
  return c;
}

}  // namespace xebek0
