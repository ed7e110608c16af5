// decode_fd() on a pipe whose writer goes quiet without closing it: the
// records written so far are delivered and on_idle runs (once per quiet
// stretch), so a live `xebek-extract | tool` can flush; a regular file
// never waits and so never idles.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "sbk_tools/fd_stream.hpp"
#include "support/run_process.hpp"
#include "support/stream_bytes.hpp"

namespace {

using namespace std::chrono_literals;
using xebek_test::read_file;
using xebek_test::record_offsets;
using xebek_test::vectors_dir;

void write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    ASSERT_GT(n, 0);
    done += static_cast<std::size_t>(n);
  }
}

// Waits up to `limit` for `pred`.
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!pred() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
  return pred();
}

TEST(ToolsPipeIdle, QuietPipeCallsOnIdleAfterDeliveringItsRecords) {
  const std::string s = read_file(vectors_dir() + "/x.expected.sbk");
  const auto at = record_offsets(s);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);

  std::atomic<int> records{0}, idles{0}, records_at_first_idle{-1};
  std::optional<sbk_tools::InputError> err;
  std::thread reader([&] {
    sbk_tools::InputHooks hooks;
    hooks.on_idle = [&] {
      int none = -1;
      records_at_first_idle.compare_exchange_strong(none, records.load());
      ++idles;
    };
    err = sbk_tools::decode_fd(fds[0], "pipe", [&](const sebekd_format::StreamRecord&) { ++records; },
                               hooks, 50ms);
  });

  // Five records and a cut sixth: the complete ones arrive, then idle.
  write_all(fds[1], s.substr(0, at[5] + 30));
  EXPECT_TRUE(eventually([&] { return idles.load() > 0; }, 10s));
  EXPECT_EQ(records_at_first_idle.load(), 5);
  // One call per quiet stretch, not one per timeout.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(idles.load(), 1);

  write_all(fds[1], s.substr(at[5] + 30, at[9] - at[5] - 30));
  EXPECT_TRUE(eventually([&] { return idles.load() > 1; }, 10s));
  EXPECT_EQ(records.load(), 9);

  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  EXPECT_FALSE(err) << err->message();
  EXPECT_EQ(records.load(), 9);  // the pipe's end delivered nothing more
}

TEST(ToolsPipeIdle, RegularFileNeverIdles) {
  const std::string path = vectors_dir() + "/x.expected.sbk";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  int records = 0, idles = 0;
  sbk_tools::InputHooks hooks;
  hooks.on_idle = [&] { ++idles; };
  auto err = sbk_tools::decode_fd(fd, path, [&](const sebekd_format::StreamRecord&) { ++records; }, hooks);
  ::close(fd);
  EXPECT_FALSE(err);
  EXPECT_EQ(records, static_cast<int>(record_offsets(read_file(path)).size()) - 1);
  EXPECT_EQ(idles, 0);
}

}  // namespace
