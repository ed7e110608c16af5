#include "harness.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

namespace harness {

TempDir::TempDir() {
  char tmpl[] = "/tmp/xebek-it-XXXXXX";
  path = ::mkdtemp(tmpl);
}
TempDir::~TempDir() {
  std::error_code ec;
  if (!std::getenv("XEBEK_KEEP_TMP")) fs::remove_all(path, ec);
}

// The programs under test: the build's (located at build time, see
// CMakeLists.txt), or installed ones the environment names, so that the
// same tests check what a package installed.
namespace {
std::string program(const char* env_name, const char* built) {
  const char* installed = std::getenv(env_name);
  return installed && *installed ? installed : built;
}
}  // namespace
std::string xebekd_bin() { return program("XEBEK_XEBEKD", XEBEKD_BIN); }
std::string simdomu_bin() { return program("XEBEK_SIMDOMU", SIMDOMU_BIN); }
std::string xebekctl_bin() { return program("XEBEK_XEBEKCTL", XEBEKCTL_BIN); }
std::string vectors() {
  const char* v = std::getenv("XEBEK_VECTORS");
  return v ? v : "tests/vectors";
}

Process::Process(const std::vector<std::string>& argv, const fs::path& logdir, const std::string& tag)
    : out_(logdir / (tag + ".out")), err_(logdir / (tag + ".err")) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  if (posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&fa);
}

Process::~Process() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
  }
}

bool Process::running() {
  if (pid_ <= 0 || reaped_) return false;
  if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
    reaped_ = true;
    return false;
  }
  return true;
}

int Process::wait(double timeout_s) {
  if (pid_ <= 0) return -2000;
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (!reaped_) {
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
      reaped_ = true;
      break;
    }
    if (std::chrono::steady_clock::now() > end) return -1000;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status_)) return WEXITSTATUS(status_);
  if (WIFSIGNALED(status_)) return -WTERMSIG(status_);
  return -3000;
}

void Process::signal(int sig) {
  if (pid_ > 0 && !reaped_) ::kill(pid_, sig);
}

static std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
std::string Process::out() const { return read_text(out_); }
std::string Process::err() const { return read_text(err_); }

RunResult run(const std::vector<std::string>& argv, const fs::path& logdir, double timeout_s) {
  static int n = 0;
  Process p(argv, logdir, "run" + std::to_string(n++));
  RunResult r;
  r.code = p.wait(timeout_s);
  r.out = p.out();
  r.err = p.err();
  return r;
}

bool wait_until(const std::function<bool()>& pred, double timeout_s) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::vector<std::uint8_t> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<OwnedRecord> read_stream(const std::vector<std::uint8_t>& bytes) {
  std::vector<OwnedRecord> out;
  sebekd_format::StreamDecoder d;
  d.feed(bytes);
  sebekd_format::StreamRecord r;
  while (d.next(r) == sebekd_format::StreamDecoder::Status::Record) {
    OwnedRecord o;
    o.rec = r;
    const std::size_t start = static_cast<std::size_t>(d.offset()) - sebekd_format::kStreamRecordHeaderSize - r.data.size();
    o.bytes.assign(bytes.begin() + static_cast<std::ptrdiff_t>(start),
                   bytes.begin() + static_cast<std::ptrdiff_t>(d.offset()));
    o.rec.data = {};
    out.push_back(std::move(o));
  }
  EXPECT_NE(d.finish(), sebekd_format::StreamDecoder::Status::Error) << d.error().message();
  return out;
}

std::uint64_t realtime_us() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return std::uint64_t(ts.tv_sec) * 1'000'000ull + std::uint64_t(ts.tv_nsec) / 1000;
}

}  // namespace harness
