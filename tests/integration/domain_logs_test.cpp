// Per-domain logs: what a batch writes, crash recovery (partial entries,
// uncommitted stream/pcap bytes), rotation, and refusal by a full disk.
#include <gtest/gtest.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "sebekd_format/stream.hpp"
#include "xebekd/domain_logs.hpp"
#include "xebekd/crc32c.hpp"
#include "xebekd/native_log.hpp"

using namespace xebekd;
namespace fs = std::filesystem;

#include "logs_fixture.hpp"

using namespace logs_fixture;

TEST(DomainLogs, BatchWritesStreamPcapAndNative) {
  TempDir t;
  DomainLogs logs(options(t.path), 5);
  Recovery r = logs.open();
  EXPECT_FALSE(r.last_seq.has_value());
  const std::uint8_t k = 'k';
  auto ev = keystrokes(0, 3, &k);
  BatchResult b = logs.write_batch(ev, kRecv);
  ASSERT_EQ(b.error, 0);
  EXPECT_EQ(b.records, 3u);

  std::vector<std::vector<std::uint8_t>> data;
  auto recs = decode(slurp(logs.stream_path()), data);
  ASSERT_EQ(recs.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(recs[i].pcap_sec, 1'800'000'000u);
    EXPECT_EQ(recs[i].pcap_usec, 250'000u);
    EXPECT_EQ(recs[i].src_ip, 0x0a000017u);
    EXPECT_EQ(recs[i].header.counter, i);
    EXPECT_EQ(data[i], std::vector<std::uint8_t>{'k'});
  }
  NativeScan s = scan_native_log(logs.native_path());
  ASSERT_EQ(s.entries.size(), 3u);
  EXPECT_EQ(s.entries[2].event.seq, 2u);
  EXPECT_EQ(s.entries[2].meta.domid, 5u);
  EXPECT_EQ(s.entries[2].meta.stream_end, fs::file_size(logs.stream_path()));
  EXPECT_EQ(s.entries[2].meta.pcap_end, fs::file_size(logs.pcap_path()));
  EXPECT_EQ(fs::file_size(logs.pcap_path()), 24u + 3 * (16 + 98 + 1));
}

TEST(DomainLogs, NativeLogKeepsEveryField) {
  TempDir t;
  DomainLogs logs(options(t.path, false), 9);
  logs.open();
  logs.set_ring_instance(0xabcdef);
  Event e;
  e.seq = 77;
  e.type = EventType::Socket;
  e.time_ns = 123456789012345ull;
  e.pid = 1; e.tgid = 2; e.ppid = 3; e.uid = 4; e.fd = 5;
  e.inode = 0x1234567890ull;
  e.retval = -115;
  std::memcpy(e.comm.data(), "0123456789abcdef", 16);
  e.socket.family = 10;
  e.socket.call = 3;
  e.socket.proto = 6;
  e.socket.remote_addr[15] = 1;
  e.socket.remote_port = 443;
  ASSERT_EQ(logs.write_batch({&e, 1}, kRecv).error, 0);
  NativeScan s = scan_native_log(logs.native_path());
  ASSERT_EQ(s.entries.size(), 1u);
  const Event& g = s.entries[0].event;
  EXPECT_EQ(g.seq, 77u);
  EXPECT_EQ(g.type, EventType::Socket);
  EXPECT_EQ(g.time_ns, e.time_ns);
  EXPECT_EQ(g.tgid, 2u);
  EXPECT_EQ(g.inode, e.inode);
  EXPECT_EQ(g.retval, -115);
  EXPECT_EQ(g.comm, e.comm);
  EXPECT_EQ(g.socket, e.socket);
  EXPECT_EQ(s.entries[0].meta.ring_instance, 0xabcdefu);
  EXPECT_EQ(s.entries[0].meta.recv_time_ns, kRecv);
  EXPECT_EQ(s.entries[0].meta.sebek_records, 0u);  // IPv6: native log only
  EXPECT_EQ(fs::file_size(logs.stream_path()), 0u);
}

TEST(DomainLogs, RecoveryCutsPartialTailsAndResumes) {
  TempDir t;
  const std::uint8_t k = 'k';
  std::uint64_t committed_stream = 0, committed_pcap = 0;
  {
    DomainLogs logs(options(t.path), 1);
    logs.open();
    ASSERT_EQ(logs.write_batch(keystrokes(0, 4, &k), kRecv).error, 0);
    committed_stream = fs::file_size(logs.stream_path());
    committed_pcap = fs::file_size(logs.pcap_path());
  }
  // A crash in the middle of the next batch: the stream and pcap got bytes
  // that the native log never committed, and the native log half an entry.
  {
    std::ofstream s(t.path / "sebek.sbk", std::ios::app | std::ios::binary);
    s << std::string(68 + 1, 'Z');
    std::ofstream p(t.path / "sebek.pcap", std::ios::app | std::ios::binary);
    p << std::string(30, 'Z');
    std::ofstream n(t.path / "native.xnl", std::ios::app | std::ios::binary);
    n << std::string(100, 'Z');
  }
  DomainLogs logs(options(t.path), 1);
  Recovery r = logs.open();
  ASSERT_TRUE(r.last_seq.has_value());
  EXPECT_EQ(*r.last_seq, 3u);
  EXPECT_EQ(r.next_counter, 4u);
  EXPECT_EQ(r.truncated_bytes, 69u + 30u + 100u);
  EXPECT_EQ(fs::file_size(logs.stream_path()), committed_stream);
  EXPECT_EQ(fs::file_size(logs.pcap_path()), committed_pcap);
  ASSERT_EQ(logs.write_batch(keystrokes(4, 2, &k), kRecv).error, 0);
  std::vector<std::vector<std::uint8_t>> data;
  auto recs = decode(slurp(logs.stream_path()), data);
  ASSERT_EQ(recs.size(), 6u);
  for (std::size_t i = 0; i < recs.size(); ++i) EXPECT_EQ(recs[i].header.counter, i);
}

TEST(DomainLogs, RotationBySizeKeepsSequenceAcrossRestart) {
  TempDir t;
  const std::uint8_t k = 'k';
  LogOptions o = options(t.path);
  o.rotate_bytes = 200;  // three 69-byte records
  {
    DomainLogs logs(o, 1);
    logs.open();
    for (std::uint64_t s = 0; s < 8; s += 2) ASSERT_EQ(logs.write_batch(keystrokes(s, 2, &k), kRecv).error, 0);
    EXPECT_GE(logs.rotations(), 1u);
  }
  EXPECT_TRUE(fs::exists(t.path / "native.000001.xnl"));
  EXPECT_TRUE(fs::exists(t.path / "sebek.000001.sbk"));
  EXPECT_TRUE(fs::exists(t.path / "sebek.000001.pcap"));
  // All generations together hold every record once, counters dense.
  std::vector<std::uint32_t> counters;
  for (const auto& name : {"sebek.000001.sbk", "sebek.000002.sbk", "sebek.sbk"}) {
    if (!fs::exists(t.path / name)) continue;
    std::vector<std::vector<std::uint8_t>> data;
    for (const auto& r : decode(slurp(t.path / name), data)) counters.push_back(r.header.counter);
  }
  ASSERT_EQ(counters.size(), 8u);
  for (std::size_t i = 0; i < counters.size(); ++i) EXPECT_EQ(counters[i], i);
  DomainLogs again(o, 1);
  Recovery r = again.open();
  ASSERT_TRUE(r.last_seq.has_value());
  EXPECT_EQ(*r.last_seq, 7u);
  EXPECT_EQ(r.next_counter, 8u);
}

TEST(DomainLogs, FullDiskRollsBackAndRetrySucceeds) {
  TempDir t;
  const std::uint8_t k = 'k';
  DomainLogs logs(options(t.path), 1);
  logs.open();
  ASSERT_EQ(logs.write_batch(keystrokes(0, 2, &k), kRecv).error, 0);
  const auto stream = slurp(logs.stream_path());
  const auto native = slurp(logs.native_path());
  const auto pcap = slurp(logs.pcap_path());
  // A file size limit makes writes fail like a full disk (EFBIG here).
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit old{};
  ::getrlimit(RLIMIT_FSIZE, &old);
  rlimit lim = old;
  lim.rlim_cur = std::max(native.size(), pcap.size()) + 100;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &lim), 0);
  BatchResult b = logs.write_batch(keystrokes(2, 50, &k), kRecv);
  ::setrlimit(RLIMIT_FSIZE, &old);
  EXPECT_NE(b.error, 0);
  // Nothing already written changed, nothing half-written stayed.
  EXPECT_EQ(slurp(logs.stream_path()), stream);
  EXPECT_EQ(slurp(logs.native_path()), native);
  EXPECT_EQ(slurp(logs.pcap_path()), pcap);
  EXPECT_EQ(logs.next_counter(), 2u);
  ASSERT_EQ(logs.write_batch(keystrokes(2, 50, &k), kRecv).error, 0);
  std::vector<std::vector<std::uint8_t>> data;
  auto recs = decode(slurp(logs.stream_path()), data);
  ASSERT_EQ(recs.size(), 52u);
  EXPECT_EQ(recs.back().header.counter, 51u);
}

TEST(DomainLogs, UnwritableDirectoryIsAClearError) {
  LogOptions o = options("/proc/xebek-no-such-dir");
  DomainLogs logs(o, 1);
  try {
    logs.open();
    FAIL() << "open() accepted an unusable directory";
  } catch (const LogError& e) {
    EXPECT_NE(std::string(e.what()).find("/proc/xebek-no-such-dir"), std::string::npos) << e.what();
  }
}

TEST(NativeLog, ChecksumIsCrc32c) {
  // The CRC-32C check value of "123456789" (hardware and table paths agree on it).
  const std::string s = "123456789";
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  EXPECT_EQ(crc32c(bytes.first(4), bytes.subspan(4)), 0xe3069283u);
  EXPECT_EQ(crc32c(bytes), 0xe3069283u);
}

TEST(NativeLog, DamagedEntryIsRejected) {
  TempDir t;
  DomainLogs logs(options(t.path, false), 1);
  logs.open();
  const std::uint8_t k = 'k';
  ASSERT_EQ(logs.write_batch(keystrokes(0, 2, &k), kRecv).error, 0);
  const auto first_batch = fs::file_size(logs.native_path());
  ASSERT_EQ(logs.write_batch(keystrokes(2, 2, &k), kRecv).error, 0);
  NativeScan s;
  s.bytes = slurp(logs.native_path());
  s.stream = slurp(logs.stream_path());
  s.stream_exists = true;
  s.bytes[s.bytes.size() - 10] ^= 0x40;  // inside the second batch's index
  scan_native_bytes(s, "native.xnl", "sebek.sbk");
  EXPECT_EQ(s.entries.size(), 2u);
  EXPECT_EQ(s.valid_end, first_batch);
}
