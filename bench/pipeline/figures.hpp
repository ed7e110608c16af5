// What each path of the pipeline benchmark measured.
#pragma once

#include <cstdint>
#include <string>

namespace bench {

struct Figures {
  std::uint64_t records = 0;       // records that reached the output
  std::uint64_t lost = 0;          // records that did not
  double seconds = 0;              // wall time from first record sent to last written
  double payload_bytes = 0;        // captured payload bytes that reached the output
  double cpu_seconds = 0;          // CPU of the collecting side (xebekd / sender+capture)
  double notifications = 0;        // signals to the consumer (xebek only)
  long peak_rss_kib = 0;           // of xebekd
  double records_per_s() const { return seconds > 0 ? records / seconds : 0; }
  double mb_per_s() const { return seconds > 0 ? payload_bytes / seconds / 1e6 : 0; }
  double cpu_us_per_record() const { return records ? cpu_seconds * 1e6 / records : 0; }
};

struct XebekRun {
  std::uint64_t records = 0;
  std::size_t size = 1;
  double rate = 0;           // records/s the simulated guest aims at (0 = flat out)
  bool drop_when_full = false;
  unsigned order = 8;
  std::string dir;           // tmpfs scratch directory
};

// Runs xebekd and xebek-simdomu; throws std::runtime_error on failure.
Figures run_xebek(const XebekRun& r);

// Sends `records` Sebek frames as UDP datagrams over loopback, captures
// them with libpcap and writes the sbk_extract stream to `out`.
Figures run_sebek_path(std::uint64_t records, std::size_t size, const std::string& out);

// write() of the same stream bytes into a new file at `path` (then removed).
Figures run_file_write(std::uint64_t records, std::size_t size, const std::string& path);

// memcpy of the same stream bytes, in 1 MiB blocks.
Figures run_memcpy(std::uint64_t records, std::size_t size);

}  // namespace bench
