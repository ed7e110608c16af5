// The per-domain logs against faults and hostile input: recovery reads
// only what came after the checkpoint, a directory has one writer, the
// guest's seq cannot fool the resume point, nothing is world-readable,
// names map to directories one to one, the status file is never written
// through a planted name, and the disk budget holds.
#include <gtest/gtest.h>

#include <set>

#include <csignal>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "logs_fixture.hpp"
#include "xebekd/disk_budget.hpp"
#include "xebekd/log_checkpoint.hpp"
#include "xebekd/log_dir_name.hpp"
#include "xebekd/native_log.hpp"
#include "xebekd/status_file.hpp"

using namespace logs_fixture;

namespace {

// Fills a log with `batches` batches of 1000 keystrokes; returns the next seq.
std::uint64_t fill(DomainLogs& logs, std::uint64_t seq, int batches) {
  const std::uint8_t k = 'k';
  for (int b = 0; b < batches; ++b, seq += 1000) EXPECT_EQ(logs.write_batch(keystrokes(seq, 1000, &k), kRecv).error, 0);
  return seq;
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

}  // namespace

TEST(LogRecovery, ReopenReadsNothingBeforeTheCheckpoint) {
  TempDir t;
  {
    DomainLogs logs(options(t.path), 1);
    logs.open();
    fill(logs, 0, 30);  // 30000 entries, about 6 MB of native log
  }
  const auto size = fs::file_size(t.path / "native.xnl");
  DomainLogs again(options(t.path), 1);
  const Recovery r = again.open();
  EXPECT_TRUE(r.from_checkpoint);
  EXPECT_EQ(r.native_read_from, size) << "recovery walked entries that the checkpoint already covered";
  ASSERT_TRUE(r.last_seq.has_value());
  EXPECT_EQ(*r.last_seq, 29999u);
  EXPECT_EQ(r.next_counter, 30000u);
}

TEST(LogRecovery, AfterACrashOnlyTheTailIsRead) {
  TempDir t;
  LogOptions o = options(t.path);
  o.checkpoint_bytes = 32u << 10;  // a checkpoint every 32 KiB (about 3 batches of 1,000 keystrokes)
  o.checkpoint_ns = ~0ull;
  // The crash: a child writes and dies without any destructor running (no
  // final checkpoint), leaving a torn entry at the end.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto* logs = new DomainLogs(o, 1);
    logs->open();
    fill(*logs, 0, 20);
    std::ofstream(t.path / "native.xnl", std::ios::app) << std::string(100, 'T');
    std::ofstream(t.path / "sebek.sbk", std::ios::app) << std::string(30, 'T');
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const auto ck = read_checkpoint((t.path / "checkpoint").string());
  ASSERT_TRUE(ck.has_value());
  const auto size = fs::file_size(t.path / "native.xnl");
  EXPECT_GT(ck->native_end, 0u);
  EXPECT_LT(size - ck->native_end, (32u << 10) + 1000u * 40u) << "tail longer than one interval and one batch";
  DomainLogs again(options(t.path), 1);
  const Recovery r = again.open();
  EXPECT_TRUE(r.from_checkpoint);
  EXPECT_EQ(r.native_read_from, ck->native_end);
  EXPECT_EQ(*r.last_seq, 19999u);
  EXPECT_EQ(fs::file_size(t.path / "native.xnl"), size - 100);
  std::vector<std::vector<std::uint8_t>> data;
  EXPECT_EQ(decode(slurp(t.path / "sebek.sbk"), data).size(), 20000u);
}

TEST(LogRecovery, ACheckpointOfAnotherFileIsIgnored) {
  TempDir t;
  {
    DomainLogs logs(options(t.path), 1);
    logs.open();
    fill(logs, 0, 2);
  }
  // The native log replaced behind xebekd's back (same size, other inode).
  fs::copy_file(t.path / "native.xnl", t.path / "copy.xnl");
  fs::rename(t.path / "copy.xnl", t.path / "native.xnl");
  DomainLogs again(options(t.path), 1);
  const Recovery r = again.open();
  EXPECT_FALSE(r.from_checkpoint);
  EXPECT_EQ(r.native_read_from, 0u);
  EXPECT_EQ(*r.last_seq, 1999u);
}

TEST(LogRecovery, ADamagedCheckpointFallsBackToTheWholeLog) {
  TempDir t;
  {
    DomainLogs logs(options(t.path), 1);
    logs.open();
    fill(logs, 0, 1);
  }
  auto bytes = slurp(t.path / "checkpoint");
  ASSERT_EQ(bytes.size(), sizeof(CheckpointRecord));
  bytes[20] ^= 1;  // native_end, covered by the checksum
  std::ofstream(t.path / "checkpoint", std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  EXPECT_FALSE(read_checkpoint((t.path / "checkpoint").string()).has_value());
  DomainLogs again(options(t.path), 1);
  const Recovery r = again.open();
  EXPECT_FALSE(r.from_checkpoint);
  EXPECT_EQ(*r.last_seq, 999u);
}

TEST(LogRecovery, SeqAllOnesIsAWrittenSeqNotTheNothingYetSentinel) {
  TempDir t;
  const std::uint8_t k = 'k';
  LogOptions o = options(t.path, false);
  o.rotate_bytes = 1;  // the next batch first rotates: the new log opens with a checkpoint entry
  {
    DomainLogs logs(o, 1);
    logs.open();
    ASSERT_EQ(logs.write_batch(keystrokes(~0ull, 1, &k), kRecv).error, 0);
    // The batch after the rotation is refused (a file size limit below its
    // stream record), so the new native log ends with the checkpoint entry.
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit old{};
    ::getrlimit(RLIMIT_FSIZE, &old);
    rlimit lim = old;
    lim.rlim_cur = 250;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &lim), 0);
    std::vector<std::uint8_t> big(300, 'b');
    auto ev = keystrokes(5, 1, &k);
    ev[0].data = big;
    const int err = logs.write_batch(ev, kRecv).error;
    ::setrlimit(RLIMIT_FSIZE, &old);
    ASSERT_EQ(err, EFBIG);
  }
  fs::remove(t.path / "checkpoint");  // recovery relies on the logs alone
  const auto last = last_native_state((t.path / "native.xnl").string());
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(scan_native_log((t.path / "native.xnl").string()).entries.empty()) << "not only a checkpoint";
  ASSERT_TRUE(last->last_seq.has_value());
  DomainLogs again(options(t.path, false), 1);
  const Recovery r = again.open();
  ASSERT_TRUE(r.last_seq.has_value()) << "seq ~0 was taken for 'nothing written yet'";
  EXPECT_EQ(*r.last_seq, ~0ull);
}

TEST(LogRecovery, SeqRunningBackwardsNeverMovesTheResumePointBack) {
  TempDir t;
  const std::uint8_t k = 'k';
  {
    DomainLogs logs(options(t.path), 1);
    logs.open();
    ASSERT_EQ(logs.write_batch(keystrokes(100, 5, &k), kRecv).error, 0);  // 100..104
    ASSERT_EQ(logs.write_batch(keystrokes(3, 2, &k), kRecv).error, 0);    // 3, 4
  }
  DomainLogs again(options(t.path), 1);
  const Recovery r = again.open();
  EXPECT_EQ(*r.last_seq, 104u);
}

TEST(LogDirectory, HasOneWriter) {
  TempDir t;
  DomainLogs first(options(t.path), 1);
  first.open();
  DomainLogs second(options(t.path), 2);
  try {
    second.open();
    FAIL() << "a second writer opened the same directory";
  } catch (const LogError& e) {
    EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
  }
}

TEST(LogDirectory, NothingIsWorldReadable) {
  TempDir t;
  const fs::path dir = t.path / "dom";
  {
    DomainLogs logs(options(dir), 1);
    logs.open();
    fill(logs, 0, 1);
  }
  EXPECT_EQ(mode_of(dir), 0750u);
  for (const char* f : {"sebek.sbk", "sebek.pcap", "native.xnl", "checkpoint", "lock"})
    EXPECT_EQ(mode_of(dir / f), 0640u) << f;
}

TEST(LogDirectory, APlantedSymlinkIsNotFollowed) {
  TempDir t;
  const fs::path dir = t.path / "dom";
  fs::create_directories(dir);
  const fs::path victim = t.path / "victim";
  std::ofstream(victim) << "precious";
  fs::create_symlink(victim, dir / "sebek.sbk");
  DomainLogs logs(options(dir), 1);
  EXPECT_THROW(logs.open(), LogError);
  EXPECT_EQ(slurp(victim).size(), 8u) << "a log was written through a symlink";
}

TEST(LogDirName, IsOneToOneAndNeverXebekdsOwnFiles) {
  const std::vector<std::string> names = {
      "hp 1", "hp_1", "hp_201", "hp_5f1", "hp-1", "hp.1", ".", "..", ".hidden", "_hidden", "", "xebekd_status",
      "xebekd_lock", "xebekd.status", "a/b", "a\\b", std::string("nul\0in", 6), "\xff\xfe", std::string(300, 'x'),
      std::string(300, 'x') + "y", std::string(160, 'x') + std::string(200, ' '),
      std::string(160, 'x') + std::string(200, '_')};
  std::set<std::string> dirs;
  for (const auto& n : names) {
    const std::string d = log_dir_name(n, 7);
    EXPECT_TRUE(dirs.insert(d).second) << "two names share " << d;
    EXPECT_NE(d, "xebekd_status");
    EXPECT_NE(d, "xebekd_lock");
    EXPECT_NE(d, ".");
    EXPECT_NE(d, "..");
    EXPECT_NE(d.front(), '.');
    EXPECT_LE(d.size(), 200u);
    for (char c : d) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') << d;
  }
  EXPECT_EQ(log_dir_name("web-1.example", 3), "web-1.example");  // readable names stay as they are
  EXPECT_EQ(log_dir_name("hp 1", 3), "hp_201");
}

TEST(StatusFileSafety, ATemporaryFileIsNeverWrittenThroughAPlantedName) {
  TempDir t;
  const fs::path victim = t.path / "victim";
  std::ofstream(victim) << "precious";
  const std::string status = (t.path / "xebekd_status").string();
  fs::create_symlink(victim, status + ".tmp");
  DaemonStatus st;
  st.pid = 1;
  ASSERT_TRUE(write_status_file(status, st));
  EXPECT_EQ(slurp(victim).size(), 8u);
  EXPECT_EQ(read_status_file(status).pid, 1u);
  EXPECT_EQ(mode_of(status), 0640u);
}

TEST(StatusFileSafety, ADirectoryIsNotAStatusFile) {
  TempDir t;
  try {
    read_status_file(t.path.string());
    FAIL() << "a directory was read as an empty status";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos) << e.what();
  }
}

TEST(DiskBudget, QuotaRefillsAtItsRateAndCapsTheBurst) {
  const std::uint64_t s = 1'000'000'000ull;
  DiskQuota q(1000, 10 * s, 0);  // 1000 bytes per 10 s
  EXPECT_TRUE(q.allows(0));
  q.charge(1500);  // the crossing batch is written whole...
  EXPECT_FALSE(q.allows(1 * s));  // ...and paid back first (-500 + 100)
  EXPECT_FALSE(q.allows(4 * s));  // -100
  EXPECT_TRUE(q.allows(6 * s));   // +100
  EXPECT_TRUE(q.allows(1000 * s));
  EXPECT_EQ(q.available(), 1000u) << "refill beyond the burst";
  DiskQuota none(0, s, 0);
  none.charge(~0ull);
  EXPECT_TRUE(none.allows(0));
}

TEST(DiskBudget, FloorOfZeroNeverTriggersAndAHugeOneAlways) {
  TempDir t;
  FreeSpaceFloor off(t.path.string(), 0);
  EXPECT_FALSE(off.below(0));
  FreeSpaceFloor huge(t.path.string(), ~0ull);
  EXPECT_TRUE(huge.below(0));
}
