// What the logs of a domain must hold after a run: after a full disk, every
// record the guest produced is either in them or counted as lost, with the
// Sebek counter skipping exactly the lost ones; after a lossless run of
// xebek-simdomu --synthetic, every record once, in order.
#pragma once

#include <cstdint>
#include <filesystem>

#include "xebekd/status_file.hpp"

namespace harness {

// `dir` holds sebek.sbk and native.xnl; `total` records were produced.
void check_loss_accounting(const std::filesystem::path& dir, const xebekd::DomainStatus& st,
                           std::uint64_t total);

// Every synthetic record of domain `id` (n records of `size` bytes) once,
// in order, with dense counters, in the stream and the native log.
void check_synthetic(const std::filesystem::path& dir, std::uint32_t id, std::uint64_t n, std::size_t size);

}  // namespace harness
