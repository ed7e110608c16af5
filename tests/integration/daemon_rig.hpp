// One xebekd (simulated transport) in a temporary directory, with the
// helpers the process-level tests use to drive it and read its status.
#pragma once

#include <csignal>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness.hpp"
#include "xebekd/status_file.hpp"

namespace harness {

struct Rig {
  TempDir tmp;
  fs::path logs = tmp.path / "logs";
  std::string reg = (tmp.path / "reg").string();
  std::unique_ptr<Process> daemon;

  void start(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> d{xebekd_bin(), "--transport", "sim", "--registry", reg, "--logdir",
                               logs.string(), "--status-interval-ms", "50"};
    d.insert(d.end(), extra.begin(), extra.end());
    daemon = std::make_unique<Process>(d, tmp.path, "xebekd");
  }
  int stop() {
    daemon->signal(SIGTERM);
    return daemon->wait(15);
  }
  std::vector<std::string> simdomu(const std::vector<std::string>& extra) const {
    std::vector<std::string> s{simdomu_bin(), "--registry", reg, "--drain-timeout", "30"};
    s.insert(s.end(), extra.begin(), extra.end());
    return s;
  }
  xebekd::DaemonStatus status() const { return xebekd::read_status_file((logs / "xebekd_status").string()); }
  std::optional<xebekd::DomainStatus> domain(const std::string& name) const {
    try {
      for (const auto& d : status().domains)
        if (d.name == name) return d;
    } catch (const std::exception&) {
    }
    return std::nullopt;
  }
};

}  // namespace harness
