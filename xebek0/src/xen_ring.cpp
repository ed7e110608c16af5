// XenRing: see xen_ring.hpp.
#include "xen_ring.hpp"

#include <poll.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xengnttab.h>
}

namespace xebek0 {
namespace {

std::string err_text(int e = errno) { return std::strerror(e); }

// The pages of a ring, however they were mapped: the interface page
// read-write (Dom0 writes cons, the notify request and the control word),
// the data area read-only (Dom0 never writes it).
class RingPages {
 public:
  virtual ~RingPages() = default;
  xebek_ring_intf* intf() const { return intf_; }
  const uint8_t* data() const { return data_; }

 protected:
  xebek_ring_intf* intf_ = nullptr;
  uint8_t* data_ = nullptr;
};

class GrantedPages final : public RingPages {
 public:
  GrantedPages(xengnttab_handle* gnt, uint32_t domid, const std::vector<uint32_t>& refs,
               const std::string& who)
      : gnt_(gnt), npages_(static_cast<uint32_t>(refs.size() - 1)) {
    intf_ = static_cast<xebek_ring_intf*>(
        xengnttab_map_grant_ref(gnt_, domid, refs[0], PROT_READ | PROT_WRITE));
    if (!intf_) throw TransportError(who + ": cannot map the interface page: " + err_text());
    data_ = static_cast<uint8_t*>(xengnttab_map_domain_grant_refs(
        gnt_, npages_, domid, const_cast<uint32_t*>(refs.data() + 1), PROT_READ));
    if (!data_) {
      const int e = errno;
      xengnttab_unmap(gnt_, intf_, 1);
      throw TransportError(who + ": cannot map " + std::to_string(npages_) +
                           " data pages: " + err_text(e));
    }
  }
  ~GrantedPages() override {
    xengnttab_unmap(gnt_, data_, npages_);
    xengnttab_unmap(gnt_, intf_, 1);
  }

 private:
  xengnttab_handle* gnt_;
  uint32_t npages_;
};

// Maps "frames" of domain "domid"; every page must map, or none stays
// mapped: a page that failed would fault on its first read.
void* map_frames(xenforeignmemory_handle* fmem, uint32_t domid, int prot, const uint64_t* frames,
                 size_t n, const std::string& what) {
  std::vector<xen_pfn_t> arr(frames, frames + n);
  std::vector<int> errs(n, 0);
  void* p = xenforeignmemory_map(fmem, domid, prot, n, arr.data(), errs.data());
  if (!p) throw TransportError("cannot map " + what + ": " + err_text());
  for (size_t i = 0; i < n; i++) {
    if (errs[i] == 0) continue;
    xenforeignmemory_unmap(fmem, p, n);
    throw TransportError("cannot map " + what + ": frame " + std::to_string(frames[i]) + ": " +
                         err_text(std::abs(errs[i])));
  }
  return p;
}

static_assert(sizeof(xen_pfn_t) * 8 > 40, "frames below XEBEK_FRAME_LIMIT fit xen_pfn_t");

class ForeignPages final : public RingPages {
 public:
  ForeignPages(uint32_t domid, const std::vector<uint64_t>& frames, const std::string& who)
      : npages_(frames.size() - 1) {
    fmem_ = xenforeignmemory_open(nullptr, 0);
    if (!fmem_) throw TransportError(who + ": cannot open the foreign-memory interface: " + err_text());
    try {
      if (xenforeignmemory_restrict(fmem_, domid) != 0)
        throw TransportError(who + ": cannot restrict the foreign-memory handle to it: " + err_text());
      intf_ = static_cast<xebek_ring_intf*>(map_frames(fmem_, domid, PROT_READ | PROT_WRITE, frames.data(),
                                                       1, who + ": the interface page"));
      try {
        data_ = static_cast<uint8_t*>(map_frames(fmem_, domid, PROT_READ, frames.data() + 1, npages_,
                                                 who + ": " + std::to_string(npages_) + " data pages"));
      } catch (...) {
        xenforeignmemory_unmap(fmem_, intf_, 1);
        throw;
      }
    } catch (...) {
      xenforeignmemory_close(fmem_);
      throw;
    }
  }
  ~ForeignPages() override {
    xenforeignmemory_unmap(fmem_, data_, npages_);
    xenforeignmemory_unmap(fmem_, intf_, 1);
    xenforeignmemory_close(fmem_);
  }

 private:
  xenforeignmemory_handle* fmem_ = nullptr;
  size_t npages_;
};

// How Dom0 learns that a ring has new records.
class Doorbell {
 public:
  virtual ~Doorbell() = default;
  virtual int fd() const = 0;
  virtual uint64_t consume() = 0;  // the guest's signals since the last call
  virtual void set_masked(bool masked) = 0;
  virtual void ring() = 0;  // signals the guest
};

class EventChannel final : public Doorbell {
 public:
  EventChannel(uint32_t domid, uint32_t port, const std::string& who) {
    xce_ = xenevtchn_open(nullptr, 0);
    if (!xce_) throw TransportError(who + ": cannot open the event channel device: " + err_text());
    const xenevtchn_port_or_error_t lp = xenevtchn_bind_interdomain(xce_, domid, port);
    if (lp < 0) {
      const int e = errno;
      xenevtchn_close(xce_);
      throw TransportError(who + ": cannot bind event channel " + std::to_string(port) + ": " +
                           err_text(e));
    }
    local_port_ = static_cast<uint32_t>(lp);
  }
  ~EventChannel() override {
    xenevtchn_unbind(xce_, local_port_);
    xenevtchn_close(xce_);
  }
  int fd() const override { return xenevtchn_fd(xce_); }
  uint64_t consume() override {
    // The device's read blocks when nothing is pending: poll first, so a
    // spurious wakeup never stalls the daemon.
    uint64_t n = 0;
    for (int i = 0; i < 64; i++) {
      pollfd p{xenevtchn_fd(xce_), POLLIN, 0};
      if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN)) break;
      const xenevtchn_port_or_error_t port = xenevtchn_pending(xce_);
      if (port < 0) break;
      // A pending port stays masked until unmasked: while masked, the
      // guest's signals only set its pending bit and never reach Dom0.
      if (!masked_) xenevtchn_unmask(xce_, static_cast<evtchn_port_t>(port));
      n++;
    }
    return n;
  }
  void set_masked(bool masked) override {
    if (masked_ && !masked) xenevtchn_unmask(xce_, local_port_);
    masked_ = masked;
  }
  void ring() override { xenevtchn_notify(xce_, local_port_); }

 private:
  xenevtchn_handle* xce_ = nullptr;
  uint32_t local_port_ = 0;
  bool masked_ = false;
};

// A ring without an event channel: a periodic timer stands for the
// doorbell, so the daemon's loop serves it like any other. Its ticks are
// not the guest's signals (consume() counts none), and there is no guest
// to signal: the guest polls the control word.
class PollTimer final : public Doorbell {
 public:
  explicit PollTimer(const std::string& who) {
    fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd_ < 0) throw TransportError(who + ": cannot create the poll timer: " + err_text());
    itimerspec every{};
    every.it_interval.tv_nsec = kPollIntervalMs * 1000000L;
    every.it_value = every.it_interval;
    if (timerfd_settime(fd_, 0, &every, nullptr) != 0) {
      const int e = errno;
      ::close(fd_);
      throw TransportError(who + ": cannot start the poll timer: " + err_text(e));
    }
  }
  ~PollTimer() override { ::close(fd_); }
  int fd() const override { return fd_; }
  uint64_t consume() override {
    uint64_t ticks = 0;
    (void)!::read(fd_, &ticks, sizeof ticks);
    return 0;
  }
  void set_masked(bool) override {}
  void ring() override {}

 private:
  int fd_ = -1;
};

class XenRing final : public MappedRing {
 public:
  XenRing(DomainInfo dom, const XenAnnouncement& a, std::unique_ptr<RingPages> pages,
          std::unique_ptr<Doorbell> bell)
      : dom_(std::move(dom)),
        order_(a.order),
        version_(a.version),
        magic_(a.magic),
        pages_(std::move(pages)),
        bell_(std::move(bell)) {}

  const DomainInfo& domain() const override { return dom_; }
  xebek_ring_intf* intf() const override { return pages_->intf(); }
  const uint8_t* data() const override { return pages_->data(); }
  unsigned order() const override { return order_; }
  unsigned version() const override { return version_; }
  uint32_t magic() const override { return magic_; }
  int event_fd() const override { return bell_->fd(); }
  uint64_t consume_events() override { return bell_->consume(); }
  void set_masked(bool masked) override { bell_->set_masked(masked); }
  void notify() override { bell_->ring(); }

 private:
  DomainInfo dom_;
  unsigned order_;
  unsigned version_;
  uint32_t magic_;
  std::unique_ptr<RingPages> pages_;
  std::unique_ptr<Doorbell> bell_;
};

}  // namespace

std::unique_ptr<MappedRing> map_xen_ring(const DomainInfo& dom, xengntdev_handle* gnt,
                                         const XenAnnouncement& a) {
  const std::string who = "domain " + std::to_string(dom.id) + " (" + dom.name + ")";
  std::unique_ptr<RingPages> pages;
  std::unique_ptr<Doorbell> bell;
  if (!a.frames.empty()) {
    pages = std::make_unique<ForeignPages>(dom.id, a.frames, who);
    bell = std::make_unique<PollTimer>(who);
  } else {
    pages = std::make_unique<GrantedPages>(gnt, dom.id, a.refs, who);
    bell = std::make_unique<EventChannel>(dom.id, a.port, who);
  }
  return std::make_unique<XenRing>(dom, a, std::move(pages), std::move(bell));
}

}  // namespace xebek0
