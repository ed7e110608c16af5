// After a full disk: the logs of a domain must be intact, and every record
// the guest produced is either in them or counted as lost, with the Sebek
// counter skipping exactly the lost ones.
#pragma once

#include <cstdint>
#include <filesystem>

#include "xebekd/status_file.hpp"

namespace harness {

// `dir` holds sebek.sbk and native.xnl; `total` records were produced.
void check_loss_accounting(const std::filesystem::path& dir, const xebekd::DomainStatus& st,
                           std::uint64_t total);

}  // namespace harness
