// Drains a Consumer for the ring tests: every batch, committed after each.
#pragma once

#include "xebek0/consumer.hpp"

#include <string>
#include <vector>

namespace xebek_test {

// Every record the consumer has (payloads copied to "payloads" if given).
inline std::vector<xebek0::Record> drain(xebek0::Consumer& c, std::vector<std::string>* payloads = nullptr) {
  std::vector<xebek0::Record> out;
  for (auto b = c.poll(); !b.empty(); b = c.poll()) {
    for (const auto& r : b) {
      out.push_back(r);
      if (payloads) payloads->emplace_back(r.payload.begin(), r.payload.end());
    }
    c.commit();
  }
  return out;
}

}  // namespace xebek_test
