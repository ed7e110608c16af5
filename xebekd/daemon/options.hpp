// xebekd's settings: command line and config file (same names) through
// Boost.Program_options. Every value is checked here so that a mistake is
// one clear line and a non-zero exit before anything starts.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sebekd_format/frame.hpp"
#include "xebekd/domain_address.hpp"
#include "xebekd/file_ownership.hpp"

namespace xebekd {

struct DaemonOptions {
  std::string logdir;
  std::string transport = "xen";     // xen or sim
  std::string registry;              // sim: registry directory
  std::string xs_path = "/xebek";    // xen: Dom0-only xenstore directory
  DomainAddressMap addresses;
  std::vector<std::string> only_domains;           // empty: every domain
  std::optional<std::uint32_t> mode;               // control word for every domain
  std::map<std::string, std::uint32_t> domain_modes;  // per domain (name or id)
  std::map<std::string, sebekd_format::MacAddress> domain_macs;
  bool pcap = false;
  sebekd_format::FrameParams frame;          // destination side of the Sebek frames
  std::uint32_t magic = 666;
  std::uint64_t rotate_bytes = 0;
  std::uint64_t rotate_seconds = 0;
  bool sync = false;
  std::string status_file;           // default <logdir>/xebekd_status
  unsigned status_interval_ms = 500;
  std::size_t max_batch = 1024;
  // Disk budget per domain (0 bytes: none) and the free-space floor of the
  // log filesystem (0: none); see xebekd/disk_budget.hpp.
  std::uint64_t quota_bytes = 1ull << 30;
  std::uint64_t quota_period_s = 3600;
  std::uint64_t min_free_bytes = 64ull << 20;
  FileOwnership own;                 // modes and group of the logs
};

// xebekd's own files in LOGDIR. Their names hold '_' before a letter that
// is not a hex digit, which no domain's directory name can (see
// log_dir_name), so no domain can take their place.
inline constexpr const char* kStatusFileName = "xebekd_status";
inline constexpr const char* kInstanceLockName = "xebekd_lock";

// Parses argv (and --config FILE). Returns nullopt after printing --help
// or --version.
// Throws std::runtime_error with a one-line message on any invalid input.
std::optional<DaemonOptions> parse_daemon_options(int argc, char** argv);

// "64M", "1G", "4096" -> bytes; throws std::invalid_argument.
std::uint64_t parse_size(const std::string& text);

}  // namespace xebekd
