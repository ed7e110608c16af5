// The daemon's event loop: one epoll set over the transport's watch fd,
// every ring's event fd and a signalfd; no socket of any kind. Domains are
// attached when they appear, detached when they go, isolated when their
// ring breaks the protocol; control requests from xebekctl are forwarded
// into the rings; the status file is rewritten periodically.
#pragma once

#include <xebek0/transport.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <set>

#include "domain_session.hpp"
#include "options.hpp"

namespace xebekd {

class Daemon {
 public:
  Daemon(const DaemonOptions& opt, xebek0::Transport& transport);
  ~Daemon();
  // Runs until SIGTERM/SIGINT; returns the exit code.
  int run();

 private:
  void rescan();
  void attach(const xebek0::DomainInfo& dom);
  void detach(std::uint32_t id, const char* why);
  void forward_control_requests();
  void write_status();
  bool wanted(const xebek0::DomainInfo& dom) const;

  const DaemonOptions& opt_;
  xebek0::Transport& tr_;
  int epoll_fd_ = -1;
  int signal_fd_ = -1;
  std::map<std::uint32_t, std::unique_ptr<DomainSession>> sessions_;
  std::map<std::uint32_t, DomainStatus> finished_;  // gone or isolated, for status
  std::set<std::uint32_t> attach_failed_;           // reported once
  std::set<std::uint32_t> busy_;                    // more data likely waiting
};

}  // namespace xebekd
