#include "xebekd/disk_budget.hpp"

#include <algorithm>

#include <sys/statvfs.h>

namespace xebekd {

DiskQuota::DiskQuota(std::uint64_t bytes, std::uint64_t period_ns, std::uint64_t now_ns)
    : bytes_(std::min<std::uint64_t>(bytes, std::uint64_t(INT64_MAX))),
      period_ns_(std::max<std::uint64_t>(period_ns, 1)),
      tokens_(static_cast<std::int64_t>(bytes_)),
      last_ns_(now_ns) {}

void DiskQuota::refill(std::uint64_t now_ns) {
  if (now_ns <= last_ns_) return;
  const std::uint64_t dt = now_ns - last_ns_;
  // bytes * dt / period without overflow: dt is capped at a period, after
  // which the bucket is full anyway.
  const unsigned __int128 add = static_cast<unsigned __int128>(bytes_) * std::min(dt, period_ns_) / period_ns_;
  if (add == 0) return;  // keep last_ns_ so that slow refills accumulate
  tokens_ = static_cast<std::int64_t>(
      std::min<__int128>(static_cast<__int128>(tokens_) + static_cast<__int128>(add), static_cast<__int128>(bytes_)));
  last_ns_ = now_ns;
}

bool DiskQuota::allows(std::uint64_t now_ns) {
  if (bytes_ == 0) return true;
  refill(now_ns);
  return tokens_ > 0;
}

void DiskQuota::charge(std::uint64_t bytes) {
  if (bytes_ == 0) return;
  const std::int64_t b = static_cast<std::int64_t>(std::min<std::uint64_t>(bytes, std::uint64_t(INT64_MAX / 2)));
  tokens_ = std::max<std::int64_t>(tokens_ - b, -static_cast<std::int64_t>(bytes_));
}

FreeSpaceFloor::FreeSpaceFloor(std::string dir, std::uint64_t min_free_bytes, std::uint64_t check_ns)
    : dir_(std::move(dir)), min_free_(min_free_bytes), check_ns_(check_ns) {}

bool FreeSpaceFloor::below(std::uint64_t now_ns) {
  if (min_free_ == 0) return false;
  if (!checked_ || now_ns - checked_ns_ >= check_ns_) {
    struct statvfs st {};
    // Space an unprivileged writer could use: root's reserve is no margin.
    // A filesystem that keeps no count (ramfs: no blocks at all) has no
    // floor to hold.
    if (::statvfs(dir_.c_str(), &st) == 0)
      free_ = st.f_blocks == 0 ? ~0ull : std::uint64_t(st.f_bavail) * st.f_frsize;
    checked_ = true;
    checked_ns_ = now_ns;
  }
  return free_ < min_free_;
}

void FreeSpaceFloor::used(std::uint64_t bytes) { free_ = free_ > bytes ? free_ - bytes : 0; }

}  // namespace xebekd
