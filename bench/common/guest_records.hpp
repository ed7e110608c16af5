// What the benchmark's simulated guests put in their rings: read records
// as the kernel patch fills them, stamped with the guest's clock.
#pragma once

#include <cstdint>
#include <cstring>

#include <time.h>

#include "xebek/ring.h"

namespace bench {

// CLOCK_REALTIME in ns: the guest's time stamps and xebekd's receive
// times are both taken on it, so their difference is the latency.
inline std::uint64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return std::uint64_t(ts.tv_sec) * 1'000'000'000ull + std::uint64_t(ts.tv_nsec);
}

// The header of a read of `bytes` bytes from `fd` by process `pid`
// (`comm` at most 15 characters); len, type and seq are the producer's.
inline xebek_rec read_record(std::uint32_t pid, std::int32_t fd, const char* comm, std::uint64_t bytes) {
  xebek_rec r{};
  r.type = XEBEK_REC_READ;
  r.pid = r.tgid = pid;
  r.ppid = 1;
  r.fd = fd;
  r.inode = 7;
  r.ret = static_cast<std::int64_t>(bytes);
  std::strncpy(reinterpret_cast<char*>(r.comm), comm, sizeof r.comm - 1);
  return r;
}

}  // namespace bench
