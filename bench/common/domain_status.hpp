// What xebekd's status file says about one domain, and waiting for it.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "xebekd/status_file.hpp"

namespace bench {

// The domain's entry, or nullopt while the file or the entry is missing.
std::optional<xebekd::DomainStatus> domain_status(const std::string& status_file, const std::string& name);

// Polls `done` every `poll_ms` until it holds (true) or `timeout_s` passed.
bool wait_for(const std::function<bool()>& done, double timeout_s, double poll_ms = 5);

}  // namespace bench
