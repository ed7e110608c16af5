// Shared by the tests of the per-domain logs: a temporary directory, file
// contents, stream decoding, log options and keystroke events.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include <unistd.h>

#include "sebekd_format/stream.hpp"
#include "xebekd/domain_logs.hpp"

namespace logs_fixture {

using namespace xebekd;
namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/xebekd-logs-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

inline std::vector<std::uint8_t> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::vector<sebekd_format::StreamRecord> decode(const std::vector<std::uint8_t>& bytes,
                                        std::vector<std::vector<std::uint8_t>>& data) {
  sebekd_format::StreamDecoder d;
  d.feed(bytes);
  std::vector<sebekd_format::StreamRecord> out;
  sebekd_format::StreamRecord r;
  while (d.next(r) == sebekd_format::StreamDecoder::Status::Record) {
    data.emplace_back(r.data.begin(), r.data.end());
    out.push_back(r);
  }
  EXPECT_EQ(d.finish(), sebekd_format::StreamDecoder::Status::NeedMore) << d.error().message();
  return out;
}

inline LogOptions options(const fs::path& dir, bool pcap = true) {
  LogOptions o;
  o.dir = dir.string();
  o.pcap = pcap;
  o.frame.src_ip = 0x0a000017;
  return o;
}

inline std::vector<Event> keystrokes(std::uint64_t first_seq, std::size_t n, const std::uint8_t* byte) {
  std::vector<Event> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    v[i].seq = first_seq + i;
    v[i].type = EventType::Read;
    v[i].time_ns = 1'700'000'000'000'000'000ull + i * 1000;
    v[i].pid = 42;
    v[i].fd = 0;
    std::memcpy(v[i].comm.data(), "sh", 2);
    v[i].data = {byte, 1};
    // As a version-2 guest reports terminal input: its session, its own
    // group, Xen time going on.
    v[i].flags = xebekd::kFlagTty;
    v[i].detail.sid = 42;
    v[i].detail.tty = 136u << 8;
    v[i].detail.group = v[i].seq;
    v[i].detail.xen_time_ns = 9'000'000'000ull + i * 997;
  }
  return v;
}

inline constexpr std::uint64_t kRecv = 1'800'000'000'250'000'000ull;

}  // namespace logs_fixture
