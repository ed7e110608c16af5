// xebekd: Xebek's Dom0 daemon. One process serves every domain that
// publishes a Xebek ring and writes, per domain, the Sebek stream, an
// optional pcap and the native lossless log. It opens no socket.
#include "xebek0/sim_transport.hpp"
#include "xebek0/xen_transport.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include <sys/resource.h>
#include <unistd.h>

#include "daemon.hpp"
#include "options.hpp"

namespace {

// Every domain holds about six descriptors (its event and control
// channels, its directory lock, stream, native log and pcap): the usual
// soft limit of 1024 would stop attaching at about 170 domains. The hard
// limit is the administrator's; the soft one is ours to raise to it.
void raise_descriptor_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur >= r.rlim_max) return;
  r.rlim_cur = r.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &r) != 0)
    std::fprintf(stderr, "xebekd: warning: cannot raise the descriptor limit: %s\n", std::strerror(errno));
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<xebekd::DaemonOptions> opt;
  try {
    opt = xebekd::parse_daemon_options(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xebekd: %s\n", e.what());
    return 2;
  }
  if (!opt) return 0;  // --help or --version
  // A file size limit then fails a write with EFBIG, handled like a full
  // disk, instead of killing the daemon.
  std::signal(SIGXFSZ, SIG_IGN);
  raise_descriptor_limit();
  std::error_code ec;
  // A log directory made here holds keystrokes: 0750 like the domains' own.
  if (!std::filesystem::exists(opt->logdir, ec) && std::filesystem::create_directories(opt->logdir, ec))
    opt->own.make_dir(opt->logdir);
  if (ec) {
    std::fprintf(stderr, "xebekd: cannot create log directory %s: %s\n", opt->logdir.c_str(), ec.message().c_str());
    return 1;
  }
  if (::access(opt->logdir.c_str(), W_OK | X_OK) != 0) {
    std::fprintf(stderr, "xebekd: log directory %s is not writable: %s\n", opt->logdir.c_str(),
                 std::strerror(errno));
    return 1;
  }
  try {
    std::unique_ptr<xebek0::Transport> tr;
    if (opt->transport == "sim") tr = std::make_unique<xebek0::SimTransport>(opt->registry);
    else tr = std::make_unique<xebek0::XenTransport>(opt->xs_path);
    xebekd::Daemon d(*opt, *tr);
    return d.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xebekd: %s\n", e.what());
    return 1;
  }
}
