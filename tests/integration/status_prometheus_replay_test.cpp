// xebekctl status --prometheus on a running xebekd: a golden capture is
// replayed through a simulated domain, and once its records are in (xebekd
// still running) the metrics must pass promtool's own check and say what
// xebekctl's JSON status says.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "harness.hpp"
#include "xebekd/status_file.hpp"

using namespace harness;

namespace {

// promtool, located at configure time (tests/integration/CMakeLists.txt).
std::string promtool_bin() { return PROMTOOL_BIN; }

// The first number after "KEY": in xebekctl's JSON (one domain).
std::uint64_t json_number(const std::string& json, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(json, m, std::regex("\"" + key + "\":([0-9]+)"))) {
    ADD_FAILURE() << "no \"" << key << "\" in " << json;
    return 0;
  }
  return std::stoull(m[1]);
}

// Samples of one metric, by their label text ("{...}"); never a HELP/TYPE line.
std::map<std::string, std::string> samples(const std::string& text, const std::string& metric) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with(metric + "{") && !line.starts_with(metric + " ")) continue;
    const auto space = line.rfind(' ');
    out[line.substr(metric.size(), space - metric.size())] = line.substr(space + 1);
  }
  return out;
}

// The "KEY":{"a":1,"b":2} object of xebekctl's JSON as a map.
std::map<std::string, std::uint64_t> json_object(const std::string& json, const std::string& key) {
  std::map<std::string, std::uint64_t> out;
  std::smatch m;
  if (!std::regex_search(json, m, std::regex("\"" + key + "\":\\{([^}]*)\\}"))) return out;
  const std::string body = m[1];
  const std::regex pair("\"([a-z_]+)\":([0-9]+)");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), pair); it != std::sregex_iterator(); ++it)
    out[(*it)[1]] = std::stoull((*it)[2]);
  return out;
}

}  // namespace

TEST(StatusPrometheusReplay, ReplayedCaptureGivesValidMetricsThatAgreeWithTheStatus) {
  ASSERT_TRUE(fs::exists(promtool_bin()))
      << "promtool is missing (" << promtool_bin() << "): install Debian's prometheus package (scripts/install-deps)";
  TempDir tmp;
  const fs::path logs = tmp.path / "logs";
  const std::string reg = (tmp.path / "reg").string();
  Process daemon({xebekd_bin(), "--transport", "sim", "--registry", reg, "--logdir", logs.string(), "--mode", "all",
                  "--status-interval-ms", "100"},
                 tmp.path, "xebekd");
  const RunResult sim = run({simdomu_bin(), "--registry", reg, "--name", "hp", "--replay", vectors() + "/x.pcap",
                             "--drain-timeout", "20"},
                            tmp.path);
  ASSERT_EQ(sim.code, 0) << sim.err;

  const std::size_t want = read_stream(slurp(vectors() + "/x.expected.sbk")).size();
  const fs::path status_file = logs / "xebekd_status";
  const std::vector<std::string> ctl{xebekctl_bin(), "--transport", "sim", "--registry", reg, "--logdir",
                                     logs.string(), "status"};
  std::string json;
  ASSERT_TRUE(wait_until(
      [&] {
        json = run({ctl[0], "--status-file", status_file.string(), "status", "--json"}, tmp.path).out;
        return json.find("\"sebek_records\":" + std::to_string(want)) != std::string::npos;
      },
      20))
      << "xebekd's status never showed the " << want << " records: " << json;
  ASSERT_TRUE(daemon.running()) << daemon.err();

  // One snapshot of the status for both renderings, so that every number
  // can be compared exactly while xebekd goes on rewriting its file.
  const fs::path snapshot = tmp.path / "status.snapshot";
  fs::copy_file(status_file, snapshot);
  const RunResult prom = run({ctl[0], "--status-file", snapshot.string(), "status", "--prometheus"}, tmp.path);
  ASSERT_EQ(prom.code, 0) << prom.err;
  const RunResult js = run({ctl[0], "--status-file", snapshot.string(), "status", "--json"}, tmp.path);
  ASSERT_EQ(js.code, 0) << js.err;
  const RunResult via_logdir = run({ctl.begin(), ctl.end()}, tmp.path);
  EXPECT_EQ(via_logdir.code, 0) << via_logdir.err;

  const fs::path prom_file = tmp.path / "xebekd.prom";
  std::ofstream(prom_file) << prom.out;
  // promtool reads the metrics on stdin.
  const RunResult checked =
      run({"/bin/sh", "-c", "\"$0\" check metrics < \"$1\"", promtool_bin(), prom_file.string()}, tmp.path, 30);
  EXPECT_EQ(checked.code, 0) << "promtool check metrics:\n" << checked.out << checked.err << "\n" << prom.out;
  std::cout << "xebekctl status --prometheus (" << prom_file.filename().string() << ", first lines):\n"
            << prom.out.substr(0, prom.out.find("xebekd_domain_payload_bytes_total")) << "...\n";

  const std::string domain = "{domain=\"hp\",domid=\"" + std::to_string(json_number(js.out, "id")) + "\"}";
  const auto records = samples(prom.out, "xebekd_domain_records_total");
  ASSERT_EQ(records.size(), 1u) << prom.out;
  EXPECT_EQ(records.begin()->first, domain);
  EXPECT_EQ(std::stoull(records.begin()->second), json_number(js.out, "records"));
  EXPECT_GT(std::stoull(records.begin()->second), 0u);
  const auto sebek = samples(prom.out, "xebekd_domain_sebek_records_total");
  EXPECT_EQ(sebek.at(domain), std::to_string(want));
  EXPECT_EQ(sebek.at(domain), std::to_string(read_stream(slurp(logs / "hp" / "sebek.sbk")).size()));
  EXPECT_EQ(samples(prom.out, "xebekd_domain_payload_bytes_total").at(domain),
            std::to_string(json_number(js.out, "bytes")));
  EXPECT_EQ(samples(prom.out, "xebekd_domain_log_bytes_total").at(domain),
            std::to_string(json_number(js.out, "log_bytes")));
  EXPECT_EQ(samples(prom.out, "xebekd_domain_lag_bytes").at(domain), std::to_string(json_number(js.out, "lag_bytes")));
  EXPECT_EQ(samples(prom.out, "xebekd_domain_protocol_errors_total").at(domain),
            std::to_string(json_number(js.out, "protocol_errors")));
  EXPECT_EQ(samples(prom.out, "xebekd_domain_dropped_bytes_total").at(domain),
            std::to_string(json_number(js.out, "dropped_bytes")));
  EXPECT_EQ(samples(prom.out, "xebekd_domain_disk_full").at(domain), "0");
  // The simulated domain has ended by now: xebekd may already report it
  // gone, with its counters kept. Whichever state, the metric says the same.
  std::smatch state;
  ASSERT_TRUE(std::regex_search(js.out, state, std::regex("\"state\":\"([a-z]+)\""))) << js.out;
  const auto states = samples(prom.out, "xebekd_domain_state");
  EXPECT_EQ(states.at(domain.substr(0, domain.size() - 1) + ",state=\"" + state[1].str() + "\"}"), "1") << prom.out;
  EXPECT_EQ(std::count_if(states.begin(), states.end(), [](const auto& s) { return s.second == "1"; }), 1) << prom.out;
  EXPECT_EQ(samples(prom.out, "xebekd_process_id").at(""), std::to_string(daemon.pid()));
  // Losses, reason by reason, as the JSON status has them (the capture's
  // own counter gaps come through as losses).
  const auto lost = samples(prom.out, "xebekd_domain_lost_records_total");
  const auto json_lost = json_object(js.out, "lost");
  ASSERT_FALSE(json_lost.empty()) << js.out;
  EXPECT_EQ(lost.size(), json_lost.size()) << prom.out;
  for (const auto& [reason, count] : json_lost)
    EXPECT_EQ(lost.at(domain.substr(0, domain.size() - 1) + ",reason=\"" + reason + "\"}"), std::to_string(count))
        << reason;

  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(10), 0) << daemon.err();
}

// Names a guest chose, through the real status file and xebekctl: promtool
// must still accept the metrics, and the names must come out escaped.
TEST(StatusPrometheusReplay, HostileNamesInTheStatusFileStayValidMetrics) {
  ASSERT_TRUE(fs::exists(promtool_bin()))
      << "promtool is missing (" << promtool_bin() << "): install Debian's prometheus package (scripts/install-deps)";
  TempDir tmp;
  xebekd::DaemonStatus s;
  s.pid = 1;
  for (const auto& [id, name] : std::vector<std::pair<std::uint32_t, std::string>>{
           {1, "quote\"back\\slash"}, {2, "new\nline\ttab"}, {3, "x\"} fake_metric 1"}, {4, "quote\"back\\slash"}}) {
    xebekd::DomainStatus d;
    d.id = id;
    d.name = name;
    d.state = "active";
    d.records = id * 10;
    d.lost["ring_full"] = id;
    s.domains.push_back(d);
  }
  const fs::path status_file = tmp.path / "xebekd_status";
  ASSERT_TRUE(xebekd::write_status_file(status_file.string(), s));
  const RunResult prom = run({xebekctl_bin(), "--status-file", status_file.string(), "status", "--prometheus"}, tmp.path);
  ASSERT_EQ(prom.code, 0) << prom.err;
  const fs::path prom_file = tmp.path / "hostile.prom";
  std::ofstream(prom_file) << prom.out;
  const RunResult checked =
      run({"/bin/sh", "-c", "\"$0\" check metrics < \"$1\"", promtool_bin(), prom_file.string()}, tmp.path, 30);
  EXPECT_EQ(checked.code, 0) << "promtool check metrics:\n" << checked.out << checked.err << "\n" << prom.out;
  const auto records = samples(prom.out, "xebekd_domain_records_total");
  EXPECT_EQ(records.size(), 4u) << prom.out;
  EXPECT_EQ(records.at(R"({domain="quote\"back\\slash",domid="1"})"), "10") << prom.out;
  EXPECT_EQ(records.at(R"({domain="quote\"back\\slash",domid="4"})"), "40") << prom.out;
  EXPECT_EQ(records.at(R"({domain="x\"} fake_metric 1",domid="3"})"), "30") << prom.out;
  EXPECT_EQ(samples(prom.out, "fake_metric").size(), 0u) << prom.out;
}
