// Bounds on what one domain may cost on disk. A guest owned by an intruder
// can produce records as fast as its vCPUs run (one wrote 2.1 GB in five
// seconds), so each domain gets a byte budget per period, and the whole
// log filesystem keeps a floor of free space. What goes beyond is not
// written: it is consumed from the ring and reported as a loss of its own
// reason (a gap in the Sebek counter, a loss entry in the native log), so
// the other domains and the rest of Dom0 keep their disk.
#pragma once

#include <cstdint>
#include <string>

namespace xebekd {

// Loss reasons only Dom0 reports (the guest's own are XEBEK_LOSS_*, below
// 100): in the native log's loss entries and the status.
inline constexpr std::uint32_t kLossQuota = 100;     // over the domain's disk quota
inline constexpr std::uint32_t kLossLowSpace = 101;  // log filesystem below its free-space floor

// A token bucket: `bytes` may be written per `period_ns`, in bursts of up
// to `bytes`. Zero bytes means unlimited.
class DiskQuota {
 public:
  DiskQuota(std::uint64_t bytes, std::uint64_t period_ns, std::uint64_t now_ns);
  // Whether a batch may be written now (the budget is not spent).
  bool allows(std::uint64_t now_ns);
  // What a written batch cost.
  void charge(std::uint64_t bytes);
  std::uint64_t limit() const { return bytes_; }
  std::uint64_t period_ns() const { return period_ns_; }
  // Bytes still available now (0 when spent; the limit when unlimited).
  std::uint64_t available() const { return tokens_ > 0 ? std::uint64_t(tokens_) : 0; }

 private:
  void refill(std::uint64_t now_ns);

  std::uint64_t bytes_, period_ns_;
  // Signed: the batch that crosses the limit is written whole, and the
  // debt is paid back before the next one.
  std::int64_t tokens_;
  std::uint64_t last_ns_;
};

// The free-space floor of the filesystem holding the logs, looked up at
// most every `check_ns` (statvfs costs a system call).
class FreeSpaceFloor {
 public:
  FreeSpaceFloor(std::string dir, std::uint64_t min_free_bytes, std::uint64_t check_ns = 250'000'000ull);
  // True while free space is below the floor (never with a floor of 0).
  bool below(std::uint64_t now_ns);
  // What a batch just used, so the estimate stays right between lookups.
  void used(std::uint64_t bytes);
  std::uint64_t min_free() const { return min_free_; }
  std::uint64_t free_bytes() const { return free_; }

 private:
  std::string dir_;
  std::uint64_t min_free_, check_ns_;
  std::uint64_t free_ = ~0ull;
  std::uint64_t checked_ns_ = 0;
  bool checked_ = false;
};

}  // namespace xebekd
