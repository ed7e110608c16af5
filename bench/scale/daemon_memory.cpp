#include "daemon_memory.hpp"

#include <fstream>
#include <string>

namespace bench {
namespace {

// What a SimDomain names its shared memory (see xebek0/sim_domain.cpp).
constexpr const char* kRingPath = "/dev/shm/xebek-sim-";

// "Rss:   1234 kB" -> 1234.
std::uint64_t kib_field(const std::string& line) {
  const auto digits = line.find_first_of("0123456789");
  return digits == std::string::npos ? 0 : std::stoull(line.substr(digits));
}

// A mapping's header line starts with its address range ("7f..-7f.. ").
bool mapping_header(const std::string& line) {
  const auto dash = line.find('-');
  return dash != std::string::npos && dash > 0 && line.find_first_not_of("0123456789abcdef") == dash;
}

}  // namespace

MemorySample sample_memory(pid_t pid) {
  MemorySample m;
  const std::string proc = "/proc/" + std::to_string(pid);
  std::ifstream smaps(proc + "/smaps");
  bool in_ring = false;
  for (std::string line; std::getline(smaps, line);) {
    if (mapping_header(line)) {
      in_ring = line.find(kRingPath) != std::string::npos;
      if (in_ring) ++m.rings;
    } else if (line.rfind("Rss:", 0) == 0) {
      const std::uint64_t kib = kib_field(line);
      m.rss_kib += kib;
      if (in_ring) m.ring_rss_kib += kib;
    }
  }
  std::ifstream status(proc + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) m.hwm_kib = kib_field(line);
  return m;
}

}  // namespace bench
