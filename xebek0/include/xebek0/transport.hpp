// The Transport interface: how Dom0 finds the rings that domains publish,
// maps one, and exchanges notifications with its producer. XenTransport
// (libxenstore/libxengnttab/libxenevtchn) and SimTransport (shared memory,
// eventfds, a registry directory) implement it; the Consumer works on any
// MappedRing without knowing which.
#pragma once

#include "xebek/ring.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace xebek0 {

// A failure of the transport itself (cannot map, bad registry entry, ...).
// The message is one line naming the domain and the problem.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A domain that publishes a ring. "id" is the Xen domid (or the simulated
// domain's number); "name" is its name (xenstore "name", or the sim name).
struct DomainInfo {
  uint32_t id = 0;
  std::string name;
  // Changes whenever the domain publishes a new ring under the same id
  // (the guest re-initialised it, e.g. after a checkpoint or a restart of
  // the simulated domain): the daemon then drops the old mapping and maps
  // the new ring. Xen: the announcement; sim: the producer's pid and shm.
  std::string generation;
  // How the transport names the domain in its watch events (Xen: the
  // domid; sim: the registry name): see Transport::drain_watch().
  std::string key = {};
  bool operator==(const DomainInfo&) const = default;
};

// One domain's ring mapped into this process. Destroying it unmaps the
// pages and unbinds the notification channel.
//
// Everything behind intf() and data() is written by the guest at any time:
// read it only through the Consumer, never trust it.
class MappedRing {
 public:
  virtual ~MappedRing() = default;
  MappedRing(const MappedRing&) = delete;
  MappedRing& operator=(const MappedRing&) = delete;

  virtual const DomainInfo& domain() const = 0;
  // The shared interface page (XEBEK_PAGE_SIZE bytes).
  virtual xebek_ring_intf* intf() const = 0;
  // The shared data area, size() bytes.
  virtual const uint8_t* data() const = 0;
  // The order this mapping was made with (from xenstore / the registry,
  // validated): Dom0's own copy of the ring size, never re-read from the
  // interface page.
  virtual unsigned order() const = 0;
  uint32_t size() const { return XEBEK_RING_SIZE(order()); }
  // The protocol version the guest announced (validated: 1 or 2). The
  // Consumer reads the ring in that version's record layout.
  virtual unsigned version() const { return XEBEK_RING_VERSION; }
  // The identity word the interface page must hold: the one the guest
  // announced (random per ring set-up), else XEBEK_RING_MAGIC.
  virtual uint32_t magic() const { return XEBEK_RING_MAGIC; }

  // A file descriptor that becomes readable when the guest signalled; put
  // it in an epoll set. After it fired call consume_events().
  virtual int event_fd() const = 0;
  // Clears (and under Xen unmasks, unless masked) the pending notification;
  // returns how many signals it stood for (>= 1 if any; Xen coalesces them
  // to 1).
  virtual uint64_t consume_events() = 0;
  // While masked, a signal costs Dom0 nothing: Xen keeps the port masked
  // after consume_events() (the hypervisor only sets the pending bit), and
  // the caller stops watching event_fd() and polls the ring on a timer.
  // Unmasking re-arms delivery; a signal that came meanwhile fires at once.
  virtual void set_masked(bool masked) { (void)masked; }
  // Signals the guest (after writing the control word).
  virtual void notify() = 0;

 protected:
  MappedRing() = default;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // The domains that currently publish a ring (complete entries only).
  virtual std::vector<DomainInfo> discover() = 0;

  // Only the domain with this key (DomainInfo::key), looked up on its own;
  // nullopt when it publishes no complete ring (any more).
  virtual std::optional<DomainInfo> discover_one(const std::string& key) = 0;

  // Readable when discover() or control_request() may answer differently
  // (xenstore watch / registry change); then call drain_watch(), which says
  // what changed, and look again. -1 if the transport has no such fd (poll
  // discover()).
  struct WatchChanges {
    bool all = false;               // the set of domains may have changed
    std::vector<std::string> keys;  // these domains' entries changed (no duplicates)
  };
  virtual int watch_fd() const = 0;
  virtual WatchChanges drain_watch() = 0;

  // Maps the ring of "dom" and binds its notification. Throws
  // TransportError naming the domain and the problem.
  virtual std::unique_ptr<MappedRing> map(const DomainInfo& dom) = 0;

  // The IPv4 address the domain is known by (Xen: its vif's "ip"; sim: the
  // registry's "ip"), as text, if there is one.
  virtual std::optional<std::string> domain_ip(const DomainInfo& dom) = 0;

  // Control requests (xebekctl -> xebekd) without any socket: the tool
  // stores the wanted control word (XEBEK_CTL_* bits) in a Dom0-only place
  // the daemon watches (Xen: a Dom0-only xenstore node; sim: a registry
  // file); the daemon then writes it into the ring and notifies the guest.
  virtual void request_control(const DomainInfo& dom, uint32_t control) = 0;
  virtual std::optional<uint32_t> control_request(const DomainInfo& dom) = 0;
};

}  // namespace xebek0
