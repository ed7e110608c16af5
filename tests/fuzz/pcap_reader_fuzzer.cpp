// libFuzzer target for the pcap reader: the input is a pcap file (written
// to an in-memory file and opened by path, as xebek-extract opens one).
// Failures must be PcapError, never a crash; every verdict must agree with
// sbk_extract's rules on the bytes it was given.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sebekd_format/pcap_file.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

int memory_file() {
  static const int fd = memfd_create("xebek-fuzz-pcap", 0);
  check(fd >= 0);
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const int fd = memory_file();
  check(ftruncate(fd, 0) == 0);
  check(pwrite(fd, data, size, 0) == static_cast<ssize_t>(size));
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  // Port from the input's last byte too, so -p is exercised (never 0).
  for (std::uint16_t port : {std::uint16_t{1101}, std::uint16_t(size ? data[size - 1] + 1 : 7)}) {
    try {
      auto reader = sebekd_format::PcapReader::open_file(path, port);
      std::uint64_t delivered = 0;
      reader.run([&](const timeval&, std::uint32_t caplen, const sebekd_format::FrameInfo& f) {
        ++delivered;
        if (f.verdict == sebekd_format::FrameVerdict::Accepted) {
          check(caplen >= sebekd_format::kFrameHeaderSize);
          check(f.header.version == sebekd_format::kVersion);
          check(f.header_bytes.size() == sebekd_format::kHeaderSize);
          check(f.data.size() == f.header.length);
          check(f.data.size() + sebekd_format::kFrameHeaderSize == caplen);
        } else if (f.verdict == sebekd_format::FrameVerdict::LengthMismatch) {
          check(std::uint64_t{f.data_length} + sebekd_format::kFrameHeaderSize != caplen);
        } else if (f.verdict == sebekd_format::FrameVerdict::TooShort) {
          check(caplen < sebekd_format::kFrameHeaderSize);
        }
      });
      const sebekd_format::PcapStats& s = reader.stats();
      check(s.frames == delivered);
      check(s.accepted + s.skipped + s.bad_version + s.malformed == s.frames);
    } catch (const sebekd_format::PcapError&) {
      // Not a pcap, not Ethernet, truncated: all expected outcomes.
    }
  }
  return 0;
}
