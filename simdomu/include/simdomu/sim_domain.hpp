// SimDomain: the producer side of a simulated domain (library
// simdomu_guest). It creates the shared memory and eventfds, runs the
// SAME C producer as the kernel patch (xebek/producer.h) on them, and
// announces the domain in the SimTransport registry. Used by
// xebek-simdomu, the tests and the benchmarks.
#pragma once

#include "xebek/producer.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

namespace simdomu {

struct SimDomainConfig {
  std::filesystem::path registry;  // SimTransport registry directory
  std::string name;                // [A-Za-z0-9_.-]{1,64}
  uint32_t id = 1;                 // domain number
  unsigned order = 8;              // 2^order data pages (8 = 1 MiB)
  std::optional<std::string> ip;   // address published in the registry
};

class SimDomain {
 public:
  // Creates the ring and announces it. Throws TransportError.
  explicit SimDomain(const SimDomainConfig& cfg);
  // Withdraws the announcement and releases the shared memory.
  ~SimDomain();
  SimDomain(const SimDomain&) = delete;
  SimDomain& operator=(const SimDomain&) = delete;

  // The C producer (serialised by the caller: one thread at a time).
  xebek_producer* producer() { return &prod_; }

  // Queues one record (header fields from tmpl, except len/type/seq);
  // false if it was dropped (counted in the ring's drop counters).
  bool produce(const xebek_rec& tmpl, std::span<const uint8_t> payload);
  // Queues a record only if the current control word asks for it.
  bool produce_if_wanted(const xebek_rec& tmpl,
                         std::span<const uint8_t> payload);

  // Readable when Dom0 signalled (control word changed).
  int control_fd() const { return ctl_fd_; }
  // Clears the control signal, applies and acknowledges the control word.
  uint32_t apply_control();

  const SimDomainConfig& config() const { return cfg_; }
  uint64_t notifications() const { return prod_.notifications; }

 private:
  void announce();
  void release();  // undoes the constructor; safe to call twice

  SimDomainConfig cfg_;
  std::string shm_name_;
  void* mem_ = nullptr;
  size_t mem_len_ = 0;
  int evt_fd_ = -1;  // guest -> Dom0
  int ctl_fd_ = -1;  // Dom0 -> guest
  uint32_t control_ = 0;
  xebek_producer prod_{};
};

}  // namespace simdomu
