// XenRing: one guest's ring as XenTransport maps it (internal to xebek0).
//
// Two ways a guest may have announced it:
//  - "page-refs": the pages' guest frame numbers. Dom0, privileged, maps
//    them with libxenforeignmemory and polls the ring on a timer. The
//    guest grants nothing and allocates no event channel, so an intruder
//    in it finds the grant table and the event channels of a kernel
//    without Xebek. What Xebek's kernel announces.
//  - "ring-refs" and "event-channel": grant references, mapped with
//    libxengnttab, and an event channel the guest signals (earlier guests).
#pragma once

#include "xebek0/transport.hpp"
#include "xebek0/xen_transport.hpp"

#include <memory>

struct xengntdev_handle;
struct xenforeignmemory_handle;

namespace xebek0 {

// The Xen libraries' handles a ring is mapped through, owned by the
// transport (opened once).
struct XenHandles {
  xengntdev_handle* gnt = nullptr;
  xenforeignmemory_handle* fmem = nullptr;
};

// How often a ring without an event channel is looked at.
constexpr int kPollIntervalMs = 10;

// Throws TransportError naming the domain and what failed.
std::unique_ptr<MappedRing> map_xen_ring(const DomainInfo& dom, const XenHandles& h,
                                         const XenAnnouncement& a);

}  // namespace xebek0
