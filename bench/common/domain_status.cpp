#include "domain_status.hpp"

#include <chrono>
#include <exception>
#include <thread>

namespace bench {

std::optional<xebekd::DomainStatus> domain_status(const std::string& status_file, const std::string& name) {
  try {
    for (const auto& d : xebekd::read_status_file(status_file).domains)
      if (d.name == name) return d;
  } catch (const std::exception&) {
    // Not written yet.
  }
  return std::nullopt;
}

bool wait_for(const std::function<bool()>& done, double timeout_s, double poll_ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(poll_ms));
  }
  return true;
}

}  // namespace bench
