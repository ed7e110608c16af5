// The reader of the native log's previous layout (version 1: one entry
// per event, NativeV1Fixed + payload + CRC of the fixed part). xebekd no
// longer writes it; logs written before still read back.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "xebekd/log_checkpoint.hpp"
#include "xebekd/native_layout.hpp"
#include "xebekd/native_log.hpp"

namespace xebekd::native {

struct V1Entry {
  NativeEntry entry;     // data empty when read from the fixed part alone
  bool checkpoint = false;
  std::uint64_t size = 0;  // fixed + data + trailer
  LogState state;          // the logs' state once this entry was written
};

// The fixed part and the trailer that follows its data; nullopt unless
// intact (magic, lengths, CRC).
std::optional<V1Entry> parse_v1_fixed(std::span<const std::uint8_t, sizeof(NativeV1Fixed)> fixed,
                                      std::uint32_t trailer);

// A whole entry at the start of `bytes`, data pointing into them.
std::optional<V1Entry> parse_v1_entry(std::span<const std::uint8_t> bytes);

// The data length a fixed part announces (to find its trailer).
std::uint32_t v1_data_len(std::span<const std::uint8_t, sizeof(NativeV1Fixed)> fixed);

}  // namespace xebekd::native
