// The real binaries with -F DIR on a log that grows and rotates while they
// run: output appears while the log is live, equals the oracle once the
// whole stream was written, and SIGTERM ends the follow with status 0.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/hash_order.hpp"
#include "support/run_process.hpp"
#include "support/stream_bytes.hpp"

extern char** environ;

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

pid_t spawn_to_file(const std::vector<std::string>& argv, const fs::path& out) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

bool wait_for_output(const fs::path& out, std::size_t bytes) {
  for (int i = 0; i < 500; ++i) {
    std::error_code ec;
    if (fs::exists(out) && fs::file_size(out, ec) >= bytes) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

struct FollowCase {
  std::string tool;
  std::string oracle;
};

void PrintTo(const FollowCase& c, std::ostream* os) { *os << c.oracle; }

class ToolsFollow : public testing::TestWithParam<FollowCase> {};

TEST_P(ToolsFollow, LiveLogAcrossRotationThenSigterm) {
  const FollowCase& c = GetParam();
  const std::string s = read_file(vectors_dir() + "/x.expected.sbk");
  const std::string expected =
      xebek_test::sort_uid_com_lists(read_file(vectors_dir() + "/oracle_x/" + c.oracle));
  const auto at = record_offsets(s);
  const std::size_t half = at[at.size() / 2];
  const fs::path dir = fs::path(testing::TempDir()) / ("follow_" + c.oracle);
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path out = dir.string() + ".out";

  const pid_t pid = spawn_to_file({c.tool, "-F", dir.string()}, out);
  ASSERT_GT(pid, 0);
  append(dir / "sebek.sbk", s.substr(0, half));
  // What the first half produces must come out while the log is idle.
  const auto first = xebek_test::run_process({c.tool}, s.substr(0, half));
  ASSERT_FALSE(first.out.empty());
  EXPECT_TRUE(wait_for_output(out, first.out.size())) << "no live output";
  fs::rename(dir / "sebek.sbk", dir / "sebek.000001.sbk");
  append(dir / "sebek.sbk", s.substr(half));
  EXPECT_TRUE(wait_for_output(out, expected.size()));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(read_file(out), expected);
}

INSTANTIATE_TEST_SUITE_P(Tools, ToolsFollow,
                         testing::Values(FollowCase{XEBEK_KS_LOG, "ks_log.txt"},
                                         FollowCase{XEBEK_DIAG, "diag.txt"},
                                         FollowCase{XEBEK_VIEWER, "viewer.txt"}),
                         [](const auto& info) {
                           std::string n = info.param.oracle;
                           return n.substr(0, n.find('.'));
                         });

}  // namespace
