// The native log's layout: every kind of event round-trips, payloads the
// stream holds are stored once, the previous layout is still read, and a
// reference the stream cannot satisfy is an error naming file and offset.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "logs_fixture.hpp"
#include "native_samples.hpp"
#include "xebekd/domain_logs.hpp"
#include "xebekd/native_log.hpp"

using namespace xebekd;
using namespace logs_fixture;
namespace fs = std::filesystem;

namespace {

// The golden log of the previous layout (see tests/vectors/ORIGIN.md).
fs::path v1_dir() {
  const char* v = std::getenv("XEBEK_VECTORS");
  return fs::path(v ? v : "tests/vectors") / "native-v1";
}

void expect_same_events(const std::vector<NativeEntry>& got, const std::vector<Event>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("event " + std::to_string(i) + " (seq " + std::to_string(want[i].seq) + ")");
    EXPECT_TRUE(same_fields(got[i].event, want[i]));
    EXPECT_EQ(std::vector<std::uint8_t>(got[i].event.data.begin(), got[i].event.data.end()),
              std::vector<std::uint8_t>(want[i].data.begin(), want[i].data.end()));
  }
}

void write_samples(DomainLogs& logs, const native_samples::Samples& s) {
  std::span<const Event> ev(s.events);
  ASSERT_EQ(logs.write_batch(ev.first(8), kRecv).error, 0);
  ASSERT_EQ(logs.write_batch(ev.subspan(8), kRecv + 1000).error, 0);
}

void overwrite(const fs::path& p, std::uint64_t at, std::uint8_t value) {
  std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(at));
  f.put(static_cast<char>(value));
}

}  // namespace

TEST(NativeLog, EveryKindRoundTripsWithAndWithoutPcap) {
  for (const bool pcap : {false, true}) {
    SCOPED_TRACE(pcap ? "with pcap" : "without pcap");
    TempDir t;
    DomainLogs logs(options(t.path, pcap), 7);
    logs.open();
    logs.set_ring_instance(0x1122334455667788ull);
    const auto samples = native_samples::every_kind();
    write_samples(logs, samples);
    const NativeScan s = scan_native_log(logs.native_path());
    EXPECT_EQ(s.valid_end, s.file_size);
    expect_same_events(s.entries, samples.events);
    std::uint32_t counter = 0;
    for (const NativeEntry& e : s.entries) {
      EXPECT_EQ(e.meta.domid, 7u);
      EXPECT_EQ(e.meta.ring_instance, 0x1122334455667788ull);
      EXPECT_EQ(e.meta.first_counter, counter);
      counter = e.meta.next_counter;
    }
    EXPECT_EQ(s.entries.back().meta.stream_end, fs::file_size(logs.stream_path()));
    EXPECT_EQ(s.entries.back().meta.pcap_end, pcap ? fs::file_size(logs.pcap_path()) : kNoPcap);
    EXPECT_EQ(s.entries[7].meta.recv_time_ns, kRecv);
    EXPECT_EQ(s.entries[8].meta.recv_time_ns, kRecv + 1000);
    EXPECT_EQ(s.entries[8].meta.sebek_records, 0u);  // IPv6: native log only
    EXPECT_EQ(s.entries[11].meta.next_counter - s.entries[11].meta.first_counter, 17u);  // the loss skips 17
  }
}

TEST(NativeLog, AKeystrokeCostsUnder100BytesOnDisk) {
  TempDir t;
  DomainLogs logs(options(t.path, false), 1);
  logs.open();
  const std::uint8_t k = 'k';
  const std::size_t n = 10000;
  auto ev = keystrokes(0, n, &k);
  for (Event& e : ev) {  // as the guest reports them: one thread, one byte read
    e.tgid = e.pid;
    e.retval = 1;
  }
  const std::uint64_t native0 = fs::file_size(logs.native_path());
  ASSERT_EQ(logs.write_batch(ev, kRecv).error, 0);
  const double per_record =
      double(fs::file_size(logs.stream_path()) + fs::file_size(logs.native_path()) - native0) / double(n);
  // 69 in the Sebek stream; 24 in the native log: the reference to it, the
  // terminal flag and the Xen time (the rest of its detail is the previous
  // keystroke's).
  EXPECT_LT(per_record, 95.0);
  EXPECT_EQ(scan_native_log(logs.native_path()).entries.size(), n);
}

TEST(NativeLog, PayloadsTheStreamHoldsAreNotStoredTwice) {
  TempDir t;
  DomainLogs logs(options(t.path, false), 1);
  logs.open();
  std::vector<std::uint8_t> big(64 * 1024, 'r');
  auto ev = keystrokes(0, 16, big.data());
  for (auto& e : ev) e.data = big;
  const std::uint64_t native0 = fs::file_size(logs.native_path());
  ASSERT_EQ(logs.write_batch(ev, kRecv).error, 0);
  EXPECT_LT(fs::file_size(logs.native_path()) - native0, 1024u) << "1 MiB of reads copied into the native log";
  const auto s = scan_native_log(logs.native_path());
  ASSERT_EQ(s.entries.size(), 16u);
  EXPECT_EQ(s.entries[15].event.data.size(), big.size());
  EXPECT_TRUE(std::equal(big.begin(), big.end(), s.entries[15].event.data.begin()));
}

TEST(NativeLog, AWriteLargerThanABatchIndexSpansSeveralBatches) {
  TempDir t;
  const std::uint8_t k = 'q';
  const std::size_t n = 400'000;  // about 4.8 MB of index: two batches
  {
    DomainLogs logs(options(t.path, false), 1);
    logs.open();
    ASSERT_EQ(logs.write_batch(keystrokes(0, n, &k), kRecv).error, 0);
  }
  const auto s = scan_native_log((t.path / "native.xnl").string());
  ASSERT_EQ(s.entries.size(), n);
  EXPECT_NE(s.entries.front().offset, s.entries.back().offset) << "one batch only";
  EXPECT_EQ(s.entries.back().event.seq, n - 1);
  EXPECT_EQ(s.entries.back().meta.next_counter, n);
  DomainLogs again(options(t.path, false), 1);
  EXPECT_EQ(*again.open().last_seq, n - 1);
}

TEST(NativeLog, ThePreviousLayoutIsStillRead) {
  const NativeScan s = scan_native_log((v1_dir() / "native.xnl").string());
  ASSERT_TRUE(s.exists);
  EXPECT_EQ(s.valid_end, s.file_size);
  expect_same_events(s.entries, native_samples::every_kind().events);
  for (const NativeEntry& e : s.entries) {
    EXPECT_EQ(e.version, 1u);
    EXPECT_EQ(e.meta.domid, 7u);
    EXPECT_EQ(e.meta.ring_instance, 0x1122334455667788ull);
  }
  EXPECT_EQ(s.entries.back().meta.stream_end, fs::file_size(v1_dir() / "sebek.sbk"));
}

TEST(NativeLog, ALogOfThePreviousLayoutIsContinued) {
  TempDir t;
  fs::copy_file(v1_dir() / "native.xnl", t.path / "native.xnl");
  fs::copy_file(v1_dir() / "sebek.sbk", t.path / "sebek.sbk");
  const auto old = scan_native_log((v1_dir() / "native.xnl").string());
  DomainLogs logs(options(t.path, false), 7);
  const Recovery r = logs.open();
  EXPECT_EQ(*r.last_seq, old.entries.back().event.seq);
  EXPECT_EQ(r.next_counter, old.entries.back().meta.next_counter);
  const std::uint8_t k = 'n';
  ASSERT_EQ(logs.write_batch(keystrokes(*r.last_seq + 1, 3, &k), kRecv + 5000).error, 0);
  const auto s = scan_native_log(logs.native_path());
  ASSERT_EQ(s.entries.size(), old.entries.size() + 3);
  EXPECT_EQ(s.entries.back().version, native::kVersion);
  EXPECT_EQ(s.entries.back().event.data[0], 'n');
  EXPECT_EQ(s.entries.back().meta.stream_end, fs::file_size(logs.stream_path()));
}

TEST(NativeLog, AMissingStreamIsAnErrorNamingIt) {
  TempDir t;
  {
    DomainLogs logs(options(t.path, false), 1);
    logs.open();
    write_samples(logs, native_samples::every_kind());
  }
  fs::remove(t.path / "sebek.sbk");
  try {
    scan_native_log((t.path / "native.xnl").string());
    FAIL() << "a native log with stream references read without its stream";
  } catch (const NativeLogError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("sebek.sbk, which is missing"), std::string::npos) << m;
    EXPECT_NE(m.find("native.xnl: batch at byte "), std::string::npos) << m;
  }
}

TEST(NativeLog, ADanglingReferenceNamesFileAndOffset) {
  TempDir t;
  {
    DomainLogs logs(options(t.path, false), 1);
    logs.open();
    write_samples(logs, native_samples::every_kind());
  }
  fs::resize_file(t.path / "sebek.sbk", 200);
  try {
    scan_native_log((t.path / "native.xnl").string());
    FAIL() << "a reference past the stream's end was accepted";
  } catch (const NativeLogError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("sebek.sbk byte "), std::string::npos) << m;
    EXPECT_NE(m.find("past its end (200 bytes)"), std::string::npos) << m;
  }
}

TEST(NativeLog, AStreamRecordThatDoesNotMatchIsAnError) {
  TempDir t;
  {
    DomainLogs logs(options(t.path, false), 1);
    logs.open();
    write_samples(logs, native_samples::every_kind());
  }
  // The first record's Sebek type (a read, 0) becomes a write.
  overwrite(t.path / "sebek.sbk", sebekd_format::kStreamPrefixSize + 7, 1);
  EXPECT_THROW(scan_native_log((t.path / "native.xnl").string()), NativeLogError);
}

TEST(NativeLog, TheLayoutIsTheGoldenOne) {
  TempDir t;
  auto samples = native_samples::every_kind();
  const std::size_t legacy = samples.events.size();
  native_samples::add_version2_kinds(samples, samples.events.back().seq + 1);
  {
    DomainLogs logs(options(t.path, false), 7);
    logs.open();
    logs.set_ring_instance(0x1122334455667788ull);
    // As tests/vectors/ORIGIN.md says the golden files were written.
    std::span<const Event> all(samples.events);
    ASSERT_EQ(logs.write_batch(all.first(8), 1'800'000'000'250'000'000ull).error, 0);
    ASSERT_EQ(logs.write_batch(all.subspan(8, legacy - 8), 1'800'000'001'000'000'000ull).error, 0);
    ASSERT_EQ(logs.write_batch(all.subspan(legacy), 1'800'000'002'000'000'000ull).error, 0);
  }
  const fs::path golden = v1_dir().parent_path() / "native-v3";
  EXPECT_EQ(slurp(t.path / "native.xnl"), slurp(golden / "native.xnl")) << "the native log's layout changed";
  EXPECT_EQ(slurp(t.path / "sebek.sbk"), slurp(golden / "sebek.sbk"));
  expect_same_events(scan_native_log((t.path / "native.xnl").string()).entries, samples.events);
  // The events of a version-2 guest add records to the stream only where
  // Sebek has them: the stream of the legacy events is a prefix, unchanged.
  const auto stream = slurp(t.path / "sebek.sbk"), legacy_stream = slurp(v1_dir() / "sebek.sbk");
  ASSERT_GE(stream.size(), legacy_stream.size());
  EXPECT_TRUE(std::equal(legacy_stream.begin(), legacy_stream.end(), stream.begin())) << "the Sebek stream changed";
}

TEST(NativeLog, TheVersion2LayoutIsStillRead) {
  const fs::path v2 = v1_dir().parent_path() / "native-v2";
  const NativeScan s = scan_native_log((v2 / "native.xnl").string());
  ASSERT_TRUE(s.exists);
  EXPECT_EQ(s.valid_end, s.file_size);
  expect_same_events(s.entries, native_samples::every_kind().events);
  for (const NativeEntry& e : s.entries) EXPECT_EQ(e.version, 2u);
}
