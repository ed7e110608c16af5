// xebek-simdomu: a userspace stand-in for one or more Xebek DomU kernels.
// It publishes rings in a SimTransport registry and fills them through the
// very producer code the kernel patch runs, either replaying a Sebek
// capture (pcap or sbk_extract stream: one simulated domain per source
// address) or generating synthetic load. See simdomu/README.md.
#include <boost/program_options.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <time.h>

#include "xebek/version.hpp"
#include "feeder.hpp"
#include "replay.hpp"
#include "sebek_input.hpp"
#include "sebekd_format/header.hpp"
#include "xebek0/control_mode.hpp"

namespace po = boost::program_options;

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

struct Settings {
  std::string registry, name, ip, replay, type, mode;
  std::uint32_t id = 1;
  unsigned order = 8;
  std::uint16_t port = sebekd_format::kDefaultPort;
  bool synthetic = false, hold = false, ip_given = false;
  std::string when_full;
  unsigned domains = 1;
  std::uint64_t records = 1000, size = 1;
  double rate = 0, drain_timeout = 60, consumer_timeout = 0;
};

std::uint64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return std::uint64_t(ts.tv_sec) * 1'000'000'000ull + std::uint64_t(ts.tv_nsec);
}

struct DomainRun {
  std::unique_ptr<simdomu::SimDomain> dom;
  std::unique_ptr<simdomu::Feeder> feeder;
  std::vector<simdomu::ReplayRecord> replay;
  bool drained = false;
};

void report(const DomainRun& r) {
  const auto& s = r.feeder->stats();
  const xebek_producer* p = r.dom->producer();
  std::uint64_t drops = 0;
  for (unsigned i = 0; i < XEBEK_LOSS_NR; ++i) drops += p->drops[i];
  std::fprintf(stderr,
               "xebek-simdomu: %s (id %u): %llu records queued, %llu filtered by mode, "
               "%llu dropped, %llu reported lost, %llu notifications%s\n",
               r.dom->config().name.c_str(), r.dom->config().id, (unsigned long long)s.produced,
               (unsigned long long)s.filtered, (unsigned long long)(drops - s.reported_lost),
               (unsigned long long)s.reported_lost, (unsigned long long)r.dom->notifications(),
               r.drained ? "" : " (NOT drained)");
}

void run_domain(DomainRun& r, const Settings& st) {
  if (st.consumer_timeout > 0 && !r.feeder->wait_consumer(st.consumer_timeout))
    std::fprintf(stderr, "xebek-simdomu: %s: no consumer attached within %.0f s\n",
                 r.dom->config().name.c_str(), st.consumer_timeout);
  if (!st.synthetic) {
    for (const auto& rec : r.replay) {
      if (g_stop) break;
      r.feeder->feed(rec.hdr, rec.payload, rec.lost_before);
    }
  } else {
    std::vector<std::uint8_t> payload(st.size);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = std::uint8_t('a' + i % 26);
    xebek_rec t{};
    t.type = st.type == "write" ? XEBEK_REC_WRITE : XEBEK_REC_READ;
    t.pid = 4000 + r.dom->config().id;
    t.tgid = t.pid;
    t.ppid = 1;
    t.fd = t.type == XEBEK_REC_READ ? 0 : 1;
    t.inode = 3;
    t.ret = static_cast<std::int64_t>(st.size);
    std::snprintf(reinterpret_cast<char*>(t.comm), sizeof t.comm, "simload");
    const auto start = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < st.records && !g_stop; ++i) {
      if (st.rate > 0 && (i & 63) == 0) {
        const auto due = start + std::chrono::duration<double>(double(i) / st.rate);
        std::this_thread::sleep_until(due);
      }
      t.time_ns = realtime_ns();
      r.feeder->feed(t, payload);
    }
  }
  r.drained = r.feeder->wait_drained(st.drain_timeout);
}

// The layout help2man turns into xebek-simdomu(1).
void print_help(const po::options_description& options) {
  std::cout << "Usage: xebek-simdomu --registry DIR --replay FILE [OPTION]...\n"
               "  or:  xebek-simdomu --registry DIR --synthetic [OPTION]...\n"
               "Simulate Xebek honeypot domains for xebekd, without Xen.\n"
               "\n"
               "Publishes one or more domains in the registry of xebekd's sim transport and\n"
               "produces their records into each domain's ring the way the honeypot kernel\n"
               "does: replayed from a Sebek pcap or sbk_extract stream (one domain per source\n"
               "address), or synthetic load.\n"
               "\n"
            << options << "\n";
}

// Reads the command line into `st` and `mode`; an exit status when the
// program ends here (help, or a usage error).
std::optional<int> parse_settings(int argc, char** argv, Settings& st, std::uint32_t& mode) {
  po::options_description desc("Options");
  desc.add_options()
    ("help,h", "print this help and exit")
    ("version", "print the version and exit")
    ("registry", po::value(&st.registry)->required(), "SimTransport registry directory (shared with xebekd)")
    ("name", po::value(&st.name)->default_value("simdomu"), "domain name (a replay of several sources appends -A.B.C.D)")
    ("id", po::value(&st.id)->default_value(1), "domain id (further domains take the next ids)")
    ("order", po::value(&st.order)->default_value(8), "ring data area of 2^order pages (8 = 1 MiB)")
    ("ip", po::value(&st.ip), "IPv4 address to publish for the domain (replay: each source's own)")
    ("replay", po::value(&st.replay), "replay a Sebek pcap or sbk_extract stream file")
    ("port", po::value(&st.port)->default_value(sebekd_format::kDefaultPort), "Sebek UDP port of the replayed pcap")
    ("synthetic", po::bool_switch(&st.synthetic), "generate synthetic load instead of a replay")
    ("domains", po::value(&st.domains)->default_value(1), "synthetic: number of simulated domains")
    ("records", po::value(&st.records)->default_value(1000), "synthetic: records per domain")
    ("size", po::value(&st.size)->default_value(1), "synthetic: payload bytes per record")
    ("rate", po::value(&st.rate)->default_value(0), "synthetic: records per second per domain (0 = as fast as possible)")
    ("type", po::value(&st.type)->default_value("read"), "synthetic: read or write records")
    ("mode", po::value(&st.mode)->default_value("all"), "capture mode until Dom0 sets one (keystrokes,reads,writes,sockets,opens,exec,fork,all,sebek)")
    ("when-full", po::value(&st.when_full), "drop (like the kernel) or wait for room; default: wait for a replay, drop for synthetic load")
    ("wait-consumer", po::value(&st.consumer_timeout)->default_value(0), "seconds to wait for xebekd to attach before producing")
    ("drain-timeout", po::value(&st.drain_timeout)->default_value(60), "seconds to wait for xebekd to consume everything")
    ("hold", po::bool_switch(&st.hold), "stay registered after draining, until SIGTERM");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("help")) {
      print_help(desc);
      return 0;
    }
    if (vm.count("version")) {
      xebek::print_version("xebek-simdomu");
      return 0;
    }
    po::notify(vm);
    if (st.synthetic == !st.replay.empty())
      throw po::error("give exactly one of --replay FILE and --synthetic");
    if (st.order > XEBEK_RING_ORDER_MAX) throw po::error("--order must be 0.." + std::to_string(XEBEK_RING_ORDER_MAX));
    if (st.type != "read" && st.type != "write") throw po::error("--type must be read or write");
    if (st.domains < 1 || st.domains > 256) throw po::error("--domains must be 1..256");
    if (st.size > XEBEK_REC_MAX - sizeof(xebek_rec)) throw po::error("--size is larger than a ring record can carry");
    if (st.when_full.empty()) st.when_full = st.synthetic ? "drop" : "wait";
    if (st.when_full != "drop" && st.when_full != "wait") throw po::error("--when-full must be drop or wait");
    mode = xebek0::parse_mode(st.mode) | XEBEK_CTL_ENABLE;
    st.ip_given = vm.count("ip") > 0;
  } catch (const std::exception& e) {
    std::cerr << "xebek-simdomu: " << e.what() << "\n";
    return 2;
  }
  return std::nullopt;
}

simdomu::SimDomainConfig domain_config(const Settings& st, std::uint32_t index, const std::string& name) {
  simdomu::SimDomainConfig cfg;
  cfg.registry = st.registry;
  cfg.name = name;
  cfg.id = st.id + index;
  cfg.order = st.order;
  if (st.ip_given) cfg.ip = st.ip;
  return cfg;
}

// One domain per source address of the capture, in order of first appearance.
std::vector<DomainRun> replay_domains(const Settings& st) {
  simdomu::InputSummary sum;
  const auto input = simdomu::read_sebek_input(st.replay, st.port, sum);
  std::vector<std::uint32_t> sources;
  std::map<std::uint32_t, std::vector<const simdomu::SebekInput*>> by_source;
  for (const auto& in : input) {
    if (!by_source.count(in.src_ip)) sources.push_back(in.src_ip);
    by_source[in.src_ip].push_back(&in);
  }
  simdomu::ReplayMapper mapper;
  std::vector<DomainRun> runs(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const std::string ip = sebekd_format::ipv4_to_string(sources[i]);
    auto cfg = domain_config(st, static_cast<std::uint32_t>(i), sources.size() == 1 ? st.name : st.name + "-" + ip);
    if (sources.size() > 1 || !st.ip_given) cfg.ip = ip;
    for (const auto* in : by_source[sources[i]])
      if (auto r = mapper.map(*in)) runs[i].replay.push_back(std::move(*r));
    runs[i].dom = std::make_unique<simdomu::SimDomain>(cfg);
  }
  const auto& ms = mapper.stats();
  std::fprintf(stderr,
               "xebek-simdomu: %s: %llu frames, %llu rejected as sbk_extract would, %zu sources; "
               "left out (no capture produces them): %llu unknown type, %llu counter not advancing, "
               "%llu bad socket body; %llu counter values missing (reported lost)\n",
               st.replay.c_str(), (unsigned long long)sum.frames, (unsigned long long)sum.rejected,
               sources.size(), (unsigned long long)ms.unknown_type,
               (unsigned long long)ms.counter_not_advancing, (unsigned long long)ms.bad_socket_body,
               (unsigned long long)ms.lost);
  return runs;
}

std::vector<DomainRun> synthetic_domains(const Settings& st) {
  std::vector<DomainRun> runs(st.domains);
  for (unsigned i = 0; i < st.domains; ++i) {
    const std::string name = st.domains == 1 ? st.name : st.name + "-" + std::to_string(i);
    runs[i].dom = std::make_unique<simdomu::SimDomain>(domain_config(st, i, name));
  }
  return runs;
}

// Feeds every domain from a thread of its own; true if all were drained.
bool run_domains(std::vector<DomainRun>& runs, const Settings& st, std::uint32_t mode) {
  for (auto& r : runs)
    r.feeder = std::make_unique<simdomu::Feeder>(*r.dom, mode, st.when_full == "wait", g_stop);
  std::vector<std::thread> threads;
  for (auto& r : runs) threads.emplace_back([&r, &st] { run_domain(r, st); });
  for (auto& t : threads) t.join();
  bool all = true;
  for (const auto& r : runs) {
    report(r);
    all = all && r.drained;
  }
  return all;
}

// --hold: keep the rings announced and follow Dom0's control word.
void hold(std::vector<DomainRun>& runs) {
  while (!g_stop) {
    for (auto& r : runs) r.feeder->poll_control();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

int main(int argc, char** argv) {
  Settings st;
  std::uint32_t mode = 0;
  if (const auto status = parse_settings(argc, argv, st, mode)) return *status;
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::vector<DomainRun> runs;
  try {
    runs = st.synthetic ? synthetic_domains(st) : replay_domains(st);
  } catch (const std::exception& e) {
    std::cerr << "xebek-simdomu: " << e.what() << "\n";
    return 1;
  }
  const bool drained = run_domains(runs, st, mode);
  if (st.hold) hold(runs);
  return drained ? 0 : 1;
}
