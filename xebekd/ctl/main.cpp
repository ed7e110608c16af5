// xebekctl: run-time control of xebekd without any socket.
//   xebekctl [options] status [--json]
//   xebekctl [options] enable DOMAIN | disable DOMAIN | mode DOMAIN MODES
// Requests go where the transport keeps them (Xen: a Dom0-only xenstore
// node; sim: the registry), which xebekd watches; it writes the control word
// into the domain's ring and signals the guest. Status comes from the file
// xebekd rewrites atomically.
#include "xebek0/sim_transport.hpp"
#include "xebek0/xen_transport.hpp"

#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "xebek/ring.h"
#include "xebek/version.hpp"

#include "xebek0/control_mode.hpp"
#include "xebekd/status_file.hpp"
#include "xebekd/status_prometheus.hpp"

namespace po = boost::program_options;
using namespace xebekd;

namespace {

struct Settings {
  std::string transport = "xen", registry, xs_path = "/xebek", logdir, status_file, command, domain, modes;
  bool json = false, prometheus = false;
  double wait = 5;
};

int fail(const std::string& msg, int code = 2) {
  std::fprintf(stderr, "xebekctl: %s\n", msg.c_str());
  return code;
}

// The layout help2man turns into xebekctl(8).
void print_help(const po::options_description& options) {
  std::cout << "Usage: xebekctl [OPTION]... status [--json]\n"
               "  or:  xebekctl [OPTION]... enable DOMAIN\n"
               "  or:  xebekctl [OPTION]... disable DOMAIN\n"
               "  or:  xebekctl [OPTION]... mode DOMAIN MODES\n"
               "Show xebekd's domains and change their capture at run time.\n"
               "\n"
               "status prints every domain xebekd serves, from the status file it rewrites.\n"
               "enable, disable and mode ask xebekd (through xenstore, or the registry of the\n"
               "sim transport) to change a domain's capture, and wait until the guest applied\n"
               "it. DOMAIN is a domain's name or id. MODES is a comma-separated list of\n"
               "keystrokes, reads, writes, sockets, opens, exec, fork, or all, sebek or none.\n"
               "\n"
            << options << "\n"
               "Exit status: 0 on success, 1 when the request failed or was not applied in\n"
               "time, 2 on a bad command line.\n";
}

}  // namespace

int main(int argc, char** argv) {
  Settings st;
  std::string config;
  po::options_description shared("settings (also read from --config, the file xebekd uses)");
  shared.add_options()
    ("transport", po::value(&st.transport)->default_value("xen"), "xen or sim")
    ("registry", po::value(&st.registry), "sim: registry directory")
    ("xs-path", po::value(&st.xs_path)->default_value("/xebek"), "xen: Dom0-only xenstore directory")
    ("logdir", po::value(&st.logdir), "xebekd's log directory (locates the status file)")
    ("status-file", po::value(&st.status_file), "xebekd's status file (default LOGDIR/xebekd_status)");
  po::options_description visible("Options");
  visible.add_options()
    ("help,h", "print this help and exit")
    ("version", "print the version and exit")
    ("config", po::value(&config), "config file")
    ("json", po::bool_switch(&st.json), "status: print JSON")
    ("prometheus", po::bool_switch(&st.prometheus), "status: print Prometheus metrics (node_exporter textfile format)")
    ("wait", po::value(&st.wait)->default_value(5), "enable/disable/mode: seconds to wait until the guest applied it (0: do not wait)");
  visible.add(shared);
  po::options_description positionals;
  positionals.add_options()
    ("command", po::value(&st.command))
    ("domain", po::value(&st.domain))
    ("modes", po::value(&st.modes));
  po::options_description desc;
  desc.add(visible).add(positionals);
  po::positional_options_description pos;
  pos.add("command", 1).add("domain", 1).add("modes", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).positional(pos).run(), vm);
    if (vm.count("help")) {
      print_help(visible);
      return 0;
    }
    if (vm.count("version")) {
      xebek::print_version("xebekctl");
      return 0;
    }
    if (vm.count("config")) {
      std::ifstream in(vm["config"].as<std::string>());
      if (!in) return fail("cannot read config file " + vm["config"].as<std::string>());
      // xebekd's other settings are not ours: ignored.
      po::store(po::parse_config_file(in, shared, /*allow_unregistered=*/true), vm);
    }
    po::notify(vm);
  } catch (const po::error& e) {
    return fail(e.what());
  }
  if (st.status_file.empty() && !st.logdir.empty()) st.status_file = st.logdir + "/xebekd_status";

  if (st.command == "status") {
    if (st.status_file.empty()) return fail("status needs --logdir or --status-file");
    if (st.json && st.prometheus) return fail("status: --json or --prometheus, not both");
    try {
      const DaemonStatus s = read_status_file(st.status_file);
      std::cout << (st.prometheus ? status_to_prometheus(s) : st.json ? status_to_json(s) : status_to_table(s));
      return 0;
    } catch (const std::exception& e) {
      return fail(e.what(), 1);
    }
  }
  if (st.command != "enable" && st.command != "disable" && st.command != "mode")
    return fail(st.command.empty() ? "no command (status, enable, disable, mode)"
                                   : "unknown command \"" + st.command + "\" (status, enable, disable, mode)");
  if (st.domain.empty()) return fail(st.command + " needs a DOMAIN (name or id)");
  if (st.command == "mode" && st.modes.empty()) return fail("mode needs MODES, e.g. keystrokes,sockets");
  if (st.command != "mode" && !st.modes.empty()) return fail("unexpected argument \"" + st.modes + "\"");
  std::uint32_t mode_bits = 0;
  if (st.command == "mode") {
    try {
      mode_bits = xebek0::parse_mode(st.modes);
    } catch (const std::exception& e) {
      return fail(e.what());
    }
  }

  try {
    std::unique_ptr<xebek0::Transport> tr;
    if (st.transport == "sim") {
      if (st.registry.empty()) return fail("--transport sim needs --registry DIR");
      tr = std::make_unique<xebek0::SimTransport>(st.registry);
    } else if (st.transport == "xen") {
      tr = std::make_unique<xebek0::XenTransport>(st.xs_path);
    } else {
      return fail("invalid --transport \"" + st.transport + "\": use xen or sim");
    }
    std::optional<xebek0::DomainInfo> dom;
    std::string known;
    for (const auto& d : tr->discover()) {
      if (d.name == st.domain || std::to_string(d.id) == st.domain) dom = d;
      known += (known.empty() ? "" : ", ") + d.name;
    }
    if (!dom) return fail("unknown domain \"" + st.domain + "\" (known: " + (known.empty() ? "none" : known) + ")");

    // Start from what was last requested, else what xebekd last wrote, else
    // the guest's default.
    std::uint32_t control = XEBEK_CTL_DEFAULT;
    std::optional<DaemonStatus> status;
    if (!st.status_file.empty()) {
      try { status = read_status_file(st.status_file); } catch (const std::exception&) {}
    }
    if (auto req = tr->control_request(*dom)) control = *req;
    else if (status)
      for (const auto& d : status->domains)
        if (d.id == dom->id && d.state == "active") control = d.control;
    if (st.command == "enable") control |= XEBEK_CTL_ENABLE;
    else if (st.command == "disable") control &= ~XEBEK_CTL_ENABLE;
    else control = (control & XEBEK_CTL_ENABLE) | mode_bits;
    tr->request_control(*dom, control);

    if (st.wait <= 0 || st.status_file.empty()) {
      std::printf("%s: requested capture %s, mode %s\n", dom->name.c_str(),
                  (control & XEBEK_CTL_ENABLE) ? "enabled" : "disabled", xebek0::mode_to_string(control).c_str());
      return 0;
    }
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(st.wait);
    while (std::chrono::steady_clock::now() < end) {
      try {
        for (const auto& d : read_status_file(st.status_file).domains)
          if (d.id == dom->id && d.state == "active" && d.control == control && d.control_applied == control) {
            std::printf("%s: capture %s, mode %s (applied by the guest)\n", dom->name.c_str(),
                        (control & XEBEK_CTL_ENABLE) ? "enabled" : "disabled", xebek0::mode_to_string(control).c_str());
            return 0;
          }
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return fail("requested for " + dom->name + ", but the guest has not applied it within " +
                    std::to_string(static_cast<int>(st.wait)) + " s (is xebekd running?)",
                1);
  } catch (const std::exception& e) {
    return fail(e.what(), 1);
  }
}
