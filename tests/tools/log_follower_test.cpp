// follow_log() on a log that a writer appends to, rotates and truncates
// while the follower runs in another thread: every record arrives once, in
// order, across rotation; a cut record at the end of a rotated file and
// garbage are errors with the byte offset.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "sbk_tools/log_follower.hpp"
#include "support/run_process.hpp"
#include "support/stream_bytes.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using xebek_test::read_file;
using xebek_test::record_offsets;
using xebek_test::vectors_dir;

void append(const fs::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary | std::ios::app);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

class Follower {
 public:
  explicit Follower(const fs::path& path) {
    thread_ = std::thread([this, path] {
      sbk_tools::InputHooks hooks;
      hooks.should_stop = [this] { return stop_.load(); };
      auto err = sbk_tools::follow_log(
          path,
          [this](const sebekd_format::StreamRecord& r) {
            std::lock_guard lock(mu_);
            counters_.push_back(r.header.counter);
          },
          hooks, {std::chrono::milliseconds(5)});
      std::lock_guard lock(mu_);
      error_ = std::move(err);
      done_ = true;
    });
  }
  ~Follower() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Waits until `n` records arrived or the follower ended.
  bool wait_for(std::size_t n) {
    for (int i = 0; i < 1000; ++i) {
      {
        std::lock_guard lock(mu_);
        if (counters_.size() >= n || done_) return counters_.size() >= n;
      }
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }
  bool wait_done() {
    for (int i = 0; i < 1000; ++i) {
      {
        std::lock_guard lock(mu_);
        if (done_) return true;
      }
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }
  std::vector<std::uint32_t> counters() {
    std::lock_guard lock(mu_);
    return counters_;
  }
  std::optional<sbk_tools::InputError> error() {
    std::lock_guard lock(mu_);
    return error_;
  }

 private:
  std::mutex mu_;
  std::vector<std::uint32_t> counters_;
  std::optional<sbk_tools::InputError> error_;
  bool done_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::vector<std::uint32_t> counters_of(const std::string& stream) {
  std::vector<std::uint32_t> c;
  const auto at = record_offsets(stream);
  for (std::size_t i = 0; i + 1 < at.size(); ++i) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(stream.data() + at[i] + 12 + 8);
    c.push_back((std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                (std::uint32_t{p[2]} << 8) | p[3]);
  }
  return c;
}

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::path(testing::TempDir()) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(LogFollower, DirectoryMeansItsLiveStream) {
  const fs::path d = fresh_dir("follow_name");
  EXPECT_EQ(sbk_tools::live_log_path(d), d / "sebek.sbk");
  EXPECT_EQ(sbk_tools::live_log_path(d / "other.sbk"), d / "other.sbk");
}

TEST(LogFollower, WaitsForTheFileThenFollowsAcrossRotation) {
  const std::string s = read_file(vectors_dir() + "/x.expected.sbk");
  const auto at = record_offsets(s);
  const fs::path d = fresh_dir("follow_rotate");
  const fs::path live = d / "sebek.sbk";
  Follower f(live);
  std::this_thread::sleep_for(20ms);  // the file does not exist yet
  // Half a record first: nothing may be delivered until it is complete.
  append(live, s.substr(0, at[1] - 5));
  std::this_thread::sleep_for(30ms);
  EXPECT_TRUE(f.counters().empty());
  append(live, s.substr(at[1] - 5, at[20] - at[1] + 5));
  ASSERT_TRUE(f.wait_for(20));
  // Rotation as xebekd does it: close, rename, new file.
  fs::rename(live, d / "sebek.000001.sbk");
  append(live, s.substr(at[20], at[50] - at[20]));
  ASSERT_TRUE(f.wait_for(50));
  // A second rotation right after more bytes were written to the old file:
  // the follower must still take those bytes from the renamed file.
  append(live, s.substr(at[50], at[60] - at[50]));
  fs::rename(live, d / "sebek.000002.sbk");
  append(live, s.substr(at[60]));
  const auto all = counters_of(s);
  ASSERT_TRUE(f.wait_for(all.size()));
  std::this_thread::sleep_for(30ms);
  f.stop();
  EXPECT_EQ(f.counters(), all);
  EXPECT_FALSE(f.error());
}

TEST(LogFollower, DirectoryCreatedAfterTheFollowStarted) {
  const std::string s = read_file(vectors_dir() + "/x.expected.sbk");
  const fs::path d = fresh_dir("follow_late") / "domain-7";
  Follower f(d);  // neither the directory nor the log exists yet
  std::this_thread::sleep_for(20ms);
  fs::create_directories(d);
  std::this_thread::sleep_for(20ms);
  append(d / "sebek.sbk", s);
  const auto all = counters_of(s);
  ASSERT_TRUE(f.wait_for(all.size()));
  f.stop();
  EXPECT_EQ(f.counters(), all);
  EXPECT_FALSE(f.error());
}

TEST(LogFollower, TruncationToARecordBoundaryContinuesWithoutRepeats) {
  const std::string s = read_file(vectors_dir() + "/x.expected.sbk");
  const auto at = record_offsets(s);
  const fs::path d = fresh_dir("follow_truncate");
  const fs::path live = d / "sebek.sbk";
  // Ten complete records and a partial one, as after a crash.
  append(live, s.substr(0, at[10] + 30));
  Follower f(live);
  ASSERT_TRUE(f.wait_for(10));
  std::this_thread::sleep_for(20ms);
  // The writer cuts the partial record on restart and goes on.
  fs::resize_file(live, at[10]);
  std::this_thread::sleep_for(30ms);
  append(live, s.substr(at[10], at[15] - at[10]));
  ASSERT_TRUE(f.wait_for(15));
  std::this_thread::sleep_for(30ms);
  f.stop();
  const auto all = counters_of(s);
  EXPECT_EQ(f.counters(), std::vector<std::uint32_t>(all.begin(), all.begin() + 15));
  EXPECT_FALSE(f.error());
}

TEST(LogFollower, RotatedFileEndingInsideARecordIsAnError) {
  const std::string s = read_file(vectors_dir() + "/x.expected.sbk");
  const auto at = record_offsets(s);
  const fs::path d = fresh_dir("follow_cut");
  const fs::path live = d / "sebek.sbk";
  append(live, s.substr(0, at[5] + 10));
  Follower f(live);
  ASSERT_TRUE(f.wait_for(5));
  fs::rename(live, d / "sebek.000001.sbk");
  append(live, s.substr(at[5]));
  ASSERT_TRUE(f.wait_done());
  EXPECT_EQ(f.counters().size(), 5u);
  ASSERT_TRUE(f.error());
  EXPECT_EQ(f.error()->message(), live.string() + ": byte offset " + std::to_string(at[5]) +
                                      ": truncated record header (10 of 68 bytes)");
}

TEST(LogFollower, GarbageStopsWithItsOffset) {
  const std::string s = read_file(vectors_dir() + "/x.expected.sbk");
  const auto at = record_offsets(s);
  const fs::path d = fresh_dir("follow_garbage");
  const fs::path live = d / "sebek.sbk";
  append(live, s.substr(0, at[3]));
  Follower f(live);
  ASSERT_TRUE(f.wait_for(3));
  append(live, std::string(100, 'G'));
  ASSERT_TRUE(f.wait_done());
  EXPECT_EQ(f.counters().size(), 3u);
  ASSERT_TRUE(f.error());
  EXPECT_EQ(f.error()->error.offset, at[3]);
}

}  // namespace
