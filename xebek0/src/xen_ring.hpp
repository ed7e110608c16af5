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

namespace xebek0 {

// How often a ring without an event channel is looked at.
constexpr int kPollIntervalMs = 10;

// Maps the ring "a" announces: by its frames, through a foreign-memory
// handle of its own restricted to the domain (a flaw in what parses the
// guest's records can then reach no other domain's memory through it), or
// by its grants through "gnt". Throws TransportError naming the domain and
// what failed.
std::unique_ptr<MappedRing> map_xen_ring(const DomainInfo& dom, xengntdev_handle* gnt,
                                         const XenAnnouncement& a);

}  // namespace xebek0
