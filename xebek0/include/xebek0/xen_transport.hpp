// XenTransport: the Transport over real Xen, through libxenstore and
// libxenforeignmemory (and, for guests that grant their ring, libxengnttab
// and libxenevtchn) only.
//
// Handshake (hidden from the guest; see xebekU-patch/README.md):
//   <xs_path>                 Dom0-owned, permissions "n0": a guest can
//                             neither read nor list it
//   <xs_path>/<domid>         "n0"
//   <xs_path>/<domid>/ring    created empty by Dom0 when the domain
//                             appears, "n0 w<domid>" until the guest has
//                             written a valid
//                             "version=2 order=<o> magic=<m>
//                              page-refs=<intf>,<d0>-<dN>,..." (frame
//                             numbers, runs as first-last; Dom0 maps them
//                             and polls) or, from earlier guests,
//                             "version=<1|2> order=<o> event-channel=<port>
//                              ring-refs=<intf>,<d0>,<d1>,..." (grants)
//                             into it, then "n0": a later write by the
//                             guest fails as for any node it may not touch,
//                             and cannot make Dom0 remap or detach. When
//                             the toolstack asks the domain to suspend
//                             (control/shutdown is "suspend"), Dom0 empties
//                             the node and lets the guest write it again:
//                             it re-announces after resume.
//   <xs_path>/<domid>/control "n0": control word requested by xebekctl
//
// Every value the guest wrote is parsed strictly and bounded: the guest
// is hostile.
#pragma once

#include "xebek0/transport.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>

struct xs_handle;
struct xengntdev_handle;

namespace xebek0 {

// What a guest announced, parsed and validated (exposed for tests).
struct XenAnnouncement {
  unsigned version = 0;
  unsigned order = 0;
  uint32_t port = 0;  // with grant references only
  bool has_port = false;
  // The pages, interface page first, then the 2^order data pages: either
  // grant references (earlier guests) or guest frame numbers.
  std::vector<uint32_t> refs;
  std::vector<uint64_t> frames;
  // The interface page's identity word, random per ring set-up; guests
  // that name none use XEBEK_RING_MAGIC.
  uint32_t magic = XEBEK_RING_MAGIC;
  bool has_magic = false;
};
// Parses the ring node's value; nullopt if anything is malformed (also a
// page named twice: a valid guest names every page once).
std::optional<XenAnnouncement> parse_xen_announcement(const std::string& v);
// The one canonical spelling of an announcement: equivalent values (leading
// zeros, other field order) give the same text, so a guest that rewrites
// its node with an equivalent value changes nothing in Dom0.
std::string format_xen_announcement(const XenAnnouncement& a);

class XenTransport final : public Transport {
 public:
  // Opens the xenstore and grant-table interfaces and
  // watches domains and the handshake directory. Throws TransportError.
  explicit XenTransport(std::string xs_path = "/xebek");
  ~XenTransport() override;
  XenTransport(const XenTransport&) = delete;
  XenTransport& operator=(const XenTransport&) = delete;

  std::vector<DomainInfo> discover() override;
  std::optional<DomainInfo> discover_one(const std::string& key) override;
  int watch_fd() const override;
  WatchChanges drain_watch() override;
  std::unique_ptr<MappedRing> map(const DomainInfo& dom) override;
  std::optional<std::string> domain_ip(const DomainInfo& dom) override;
  void request_control(const DomainInfo& dom, uint32_t control) override;
  std::optional<uint32_t> control_request(const DomainInfo& dom) override;

 private:
  void close_handles();
  std::optional<std::string> read(const std::string& path);
  void prepare_domain(uint32_t domid);
  void forget_domain(uint32_t domid);
  std::optional<DomainInfo> lookup(uint32_t domid);
  // What Dom0 knows of one domain's handshake.
  struct Handshake {
    bool sealed = false;    // the guest may no longer write its node
    bool awaiting = false;  // emptied for the announcement after a resume
    std::optional<DomainInfo> last;  // the last valid announcement's domain
    // When Dom0 first saw the domain: a guest kernel announces within
    // seconds of boot, so a node still empty after kAnnounceWindow is
    // sealed too, and a guest without the capture finds it as unwritable
    // as one with.
    std::chrono::steady_clock::time_point opened = std::chrono::steady_clock::now();
  };
  static constexpr std::chrono::seconds kAnnounceWindow{60};
  std::string ring_node(uint32_t domid) const;
  bool in_transaction(const std::function<bool(uint32_t)>& steps);
  bool open_ring_node(uint32_t transaction, uint32_t domid);
  bool set_guest_write(uint32_t transaction, uint32_t domid, bool allow);
  void await_announcement(uint32_t domid, Handshake& h);
  std::optional<DomainInfo> announced(uint32_t domid);

  std::string xs_path_;
  xs_handle* xs_ = nullptr;
  xengntdev_handle* gnt_ = nullptr;
  std::set<uint32_t> prepared_;
  std::map<uint32_t, Handshake> handshakes_;
};

}  // namespace xebek0
