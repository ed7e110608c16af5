// SimTransport: the Transport for tests, benchmarks and the demo. A
// simulated domain is a process (xebek-simdomu, see sim_domain.hpp) that
// owns a POSIX shared memory object holding the interface page and the
// data pages, and two eventfds (guest -> Dom0 data signal, Dom0 -> guest
// control signal). It announces itself in a registry directory that stands
// in for xenstore:
//
//   <registry>/<name>.domain   key=value lines, written atomically
//                              (tmp + rename) by the domain:
//                                id=<n> pid=<pid> shm=</name> order=<n>
//                                version=<n> evtchn=<fd> ctlchn=<fd>
//                                [ip=<a.b.c.d>]
//   <registry>/<name>.control  the requested control word (hex), written
//                              by xebekctl, watched by xebekd
//
// The consumer gets the domain's eventfds with pidfd_getfd(2), so no
// socket of any kind is involved. The registry, like xenstore, is written
// by the (hostile) guest: every entry is parsed strictly and bounded.
#pragma once

#include "xebek0/transport.hpp"

#include <filesystem>

namespace xebek0 {

class SimTransport final : public Transport {
 public:
  // Uses (and creates if missing) the registry directory.
  explicit SimTransport(std::filesystem::path registry);
  ~SimTransport() override;

  std::vector<DomainInfo> discover() override;
  std::optional<DomainInfo> discover_one(const std::string& name) override;
  int watch_fd() const override { return inotify_fd_; }
  WatchChanges drain_watch() override;
  std::unique_ptr<MappedRing> map(const DomainInfo& dom) override;
  std::optional<std::string> domain_ip(const DomainInfo& dom) override;
  void request_control(const DomainInfo& dom, uint32_t control) override;
  std::optional<uint32_t> control_request(const DomainInfo& dom) override;

  const std::filesystem::path& registry() const { return registry_; }

 private:
  std::filesystem::path registry_;
  int inotify_fd_ = -1;
};

}  // namespace xebek0
