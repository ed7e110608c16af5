// The kernel's side of the bound: write() of the same stream bytes, in
// 1 MiB blocks, into a fresh file where the logs go (the page cache
// allocating and filling new pages, as it does for xebekd's logs).
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "figures.hpp"
#include "sebekd_format/stream.hpp"

namespace bench {
namespace {

double process_cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

Figures run_file_write(std::uint64_t records, std::size_t size, const std::string& path) {
  const std::size_t total = records * (sebekd_format::kStreamRecordHeaderSize + size);
  constexpr std::size_t kBlock = 1 << 20;
  std::vector<std::uint8_t> block(kBlock, 'k');
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  const double cpu0 = process_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t done = 0; done < total;) {
    const ssize_t w = ::write(fd, block.data(), std::min(kBlock, total - done));
    if (w <= 0) {
      ::close(fd);
      ::unlink(path.c_str());
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    }
    done += std::size_t(w);
  }
  Figures f;
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  f.cpu_seconds = process_cpu_seconds() - cpu0;
  ::close(fd);
  ::unlink(path.c_str());
  f.records = records;
  f.payload_bytes = double(records) * double(size);
  return f;
}

}  // namespace bench
