#include "options.hpp"

#include <boost/program_options.hpp>

#include <fstream>
#include <iostream>
#include <stdexcept>

#include "xebek/ring.h"
#include "xebek/version.hpp"

#include "sebekd_format/header.hpp"
#include "xebek0/control_mode.hpp"

namespace po = boost::program_options;

namespace xebekd {

std::uint64_t parse_size(const std::string& text) {
  std::size_t pos = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(text, &pos);
  } catch (...) {
    throw std::invalid_argument("invalid size \"" + text + "\"");
  }
  const std::string unit = text.substr(pos);
  std::uint64_t mul = 1;
  if (unit == "K" || unit == "k") mul = 1ull << 10;
  else if (unit == "M") mul = 1ull << 20;
  else if (unit == "G") mul = 1ull << 30;
  else if (!unit.empty()) throw std::invalid_argument("invalid size \"" + text + "\" (use N, NK, NM or NG)");
  return v * mul;
}

namespace {

std::pair<std::string, std::string> split_pair(const std::string& entry, const char* what) {
  const auto eq = entry.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size())
    throw std::invalid_argument(std::string("invalid ") + what + " \"" + entry + "\": expected NAME=VALUE");
  return {entry.substr(0, eq), entry.substr(eq + 1)};
}

// The layout help2man turns into xebekd(8): usage, one-line summary,
// what it does, the options.
void print_daemon_help(const po::options_description& options) {
  std::cout << "Usage: xebekd --logdir DIR [OPTION]...\n"
               "  or:  xebekd --config FILE [OPTION]...\n"
               "Capture what intruders do on Xen honeypots, from Dom0.\n"
               "\n"
               "One process serves every domain that publishes a Xebek ring and writes, per\n"
               "domain, the Sebek v3 stream (sebek.sbk), an optional pcap of Sebek frames and\n"
               "the native lossless log under LOGDIR/DOMAIN. It opens no socket. xebekctl\n"
               "reads its status file and changes a domain's capture at run time.\n"
               "\n"
            << options << "\n"
               "SIZE is N, NK, NM or NG. Exit status: 0 after SIGINT or SIGTERM, 1 on a run-time\n"
               "error, 2 on a bad command line or config file.\n";
}

}  // namespace

std::optional<DaemonOptions> parse_daemon_options(int argc, char** argv) {
  DaemonOptions o;
  std::string config, default_ip = "0.0.0.0", dst_ip = "10.0.0.254", dst_mac = "ff:ff:ff:ff:ff:ff";
  std::string mode, rotate_size = "0", quota = "1G", min_free = "64M", log_group;
  std::vector<std::string> domain_ips, domain_modes, domain_macs;
  unsigned port = sebekd_format::kDefaultPort;

  po::options_description generic("xebekd options (also valid in the --config file, without --)");
  generic.add_options()
    ("logdir", po::value(&o.logdir), "directory of the per-domain logs (required)")
    ("transport", po::value(&o.transport)->default_value("xen"), "xen (real domains) or sim (xebek-simdomu)")
    ("registry", po::value(&o.registry), "sim: registry directory shared with xebek-simdomu")
    ("xs-path", po::value(&o.xs_path)->default_value("/xebek"), "xen: Dom0-only xenstore directory of the handshake")
    ("domain-ip", po::value(&domain_ips)->composing(), "NAME=A.B.C.D: Sebek source address of a domain (name or id); repeatable")
    ("default-ip", po::value(&default_ip)->default_value("0.0.0.0"), "address for a domain with no configured or known address (warned)")
    ("domain", po::value(&o.only_domains)->composing(), "serve only this domain (name or id); repeatable")
    ("mode", po::value(&mode), "capture mode set on every domain when attached (keystrokes,reads,writes,sockets,opens,exec,fork,all,sebek,none)")
    ("domain-mode", po::value(&domain_modes)->composing(), "NAME=MODES: capture mode of one domain; repeatable")
    ("domain-mac", po::value(&domain_macs)->composing(), "NAME=aa:bb:cc:dd:ee:ff: source MAC of a domain's pcap frames")
    ("pcap", po::bool_switch(&o.pcap), "also write a pcap of Sebek frames per domain")
    ("sebek-dst-ip", po::value(&dst_ip)->default_value("10.0.0.254"), "destination address in pcap frames (Sebek DESTINATION_IP)")
    ("sebek-dst-mac", po::value(&dst_mac)->default_value("ff:ff:ff:ff:ff:ff"), "destination MAC in pcap frames")
    ("sebek-port", po::value(&port)->default_value(sebekd_format::kDefaultPort), "UDP port in pcap frames")
    ("magic", po::value(&o.magic)->default_value(666), "Sebek magic value in every header")
    ("rotate-size", po::value(&rotate_size)->default_value("0"), "rotate a domain's logs when its stream reaches this size (e.g. 512M); 0 = never")
    ("rotate-time", po::value(&o.rotate_seconds)->default_value(0), "rotate a domain's logs after this many seconds; 0 = never")
    ("sync", po::bool_switch(&o.sync), "fdatasync the logs after every batch (survives power loss, slower)")
    ("status-file", po::value(&o.status_file), "status file for xebekctl (default LOGDIR/xebekd_status)")
    ("quota", po::value(&quota)->default_value("1G"), "disk budget of one domain per --quota-period (e.g. 512M); beyond it records are dropped and reported as loss \"quota\"; 0 = none")
    ("quota-period", po::value(&o.quota_period_s)->default_value(3600), "seconds over which --quota refills")
    ("min-free", po::value(&min_free)->default_value("64M"), "free space kept on the log filesystem; below it records are dropped and reported as loss \"low_space\"; 0 = none")
    ("log-group", po::value(&log_group), "group that may read the logs (files 0640, directories 0750), e.g. adm")
    ("status-interval-ms", po::value(&o.status_interval_ms)->default_value(500), "how often the status file is rewritten")
    ("max-batch", po::value(&o.max_batch)->default_value(1024), "records per batch written at once");
  po::options_description cmdline("Options");
  cmdline.add_options()
    ("help,h", "print this help and exit")
    ("version", "print the version and exit")
    ("config", po::value(&config), "config file (key = value lines)");
  cmdline.add(generic);

  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, cmdline), vm);
    if (vm.count("help")) {
      print_daemon_help(cmdline);
      return std::nullopt;
    }
    if (vm.count("version")) {
      xebek::print_version("xebekd");
      return std::nullopt;
    }
    if (vm.count("config")) {
      const std::string path = vm["config"].as<std::string>();
      std::ifstream in(path);
      if (!in) throw std::runtime_error("cannot read config file " + path);
      try {
        po::store(po::parse_config_file(in, generic), vm);
      } catch (const po::error& e) {
        throw std::runtime_error("config file " + path + ": " + e.what());
      }
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw std::runtime_error(e.what());
  }

  try {
    if (o.logdir.empty()) throw std::invalid_argument("--logdir is required");
    if (o.transport != "xen" && o.transport != "sim")
      throw std::invalid_argument("invalid --transport \"" + o.transport + "\": use xen or sim");
    if (o.transport == "sim" && o.registry.empty())
      throw std::invalid_argument("--transport sim needs --registry DIR");
    o.addresses.add_entries(domain_ips);
    std::uint32_t addr = 0;
    if (!sebekd_format::parse_ipv4(default_ip, addr))
      throw std::invalid_argument("invalid --default-ip \"" + default_ip + "\"");
    o.addresses.set_default(addr);
    if (!sebekd_format::parse_ipv4(dst_ip, o.frame.dst_ip))
      throw std::invalid_argument("invalid --sebek-dst-ip \"" + dst_ip + "\"");
    if (!sebekd_format::parse_mac(dst_mac, o.frame.dst_mac))
      throw std::invalid_argument("invalid --sebek-dst-mac \"" + dst_mac + "\"");
    if (port == 0 || port > 65535) throw std::invalid_argument("invalid --sebek-port " + std::to_string(port));
    o.frame.src_port = o.frame.dst_port = static_cast<std::uint16_t>(port);
    if (!mode.empty()) o.mode = xebek0::parse_mode(mode) | XEBEK_CTL_ENABLE;
    for (const auto& e : domain_modes) {
      auto [name, value] = split_pair(e, "--domain-mode");
      o.domain_modes[name] = xebek0::parse_mode(value) | XEBEK_CTL_ENABLE;
    }
    for (const auto& e : domain_macs) {
      auto [name, value] = split_pair(e, "--domain-mac");
      sebekd_format::MacAddress mac{};
      if (!sebekd_format::parse_mac(value, mac)) throw std::invalid_argument("invalid --domain-mac \"" + e + "\"");
      o.domain_macs[name] = mac;
    }
    o.rotate_bytes = parse_size(rotate_size);
    o.quota_bytes = parse_size(quota);
    o.min_free_bytes = parse_size(min_free);
    if (o.quota_period_s == 0 || o.quota_period_s > 366ull * 86400)
      throw std::invalid_argument("--quota-period must be 1..31622400 seconds");
    if (!log_group.empty()) o.own.group = parse_group(log_group);
    if (o.max_batch == 0 || o.max_batch > 65536) throw std::invalid_argument("--max-batch must be 1..65536");
    if (o.status_interval_ms == 0) throw std::invalid_argument("--status-interval-ms must be > 0");
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
  if (o.status_file.empty()) o.status_file = o.logdir + "/" + kStatusFileName;
  return o;
}

}  // namespace xebekd
