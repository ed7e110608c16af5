// Helpers for tests that run xebekd, xebek-simdomu and xebekctl as real
// processes: temporary directories, spawning with captured output, waiting
// with timeouts, and reading the logs back.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "sebekd_format/stream.hpp"

namespace harness {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir();
  ~TempDir();
};

std::string xebekd_bin();
std::string simdomu_bin();
std::string xebekctl_bin();
std::string vectors();

class Process {
 public:
  // Starts argv[0] with argv; stdout and stderr go to files in `logdir`.
  Process(const std::vector<std::string>& argv, const fs::path& logdir, const std::string& tag);
  ~Process();  // kills (SIGKILL) and reaps if still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Waits for exit; returns the exit code, or -signal, or -1000 on timeout.
  int wait(double timeout_s);
  void signal(int sig);
  bool running();
  pid_t pid() const { return pid_; }
  std::string out() const;
  std::string err() const;

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
  fs::path out_, err_;
};

struct RunResult {
  int code = 0;
  std::string out, err;
};
// Runs a program to completion (timeout 30 s).
RunResult run(const std::vector<std::string>& argv, const fs::path& logdir, double timeout_s = 30);

bool wait_until(const std::function<bool()>& pred, double timeout_s);

std::vector<std::uint8_t> slurp(const fs::path& p);

// A stream record with owned data and its bytes as written.
struct OwnedRecord {
  sebekd_format::StreamRecord rec;
  std::vector<std::uint8_t> bytes;  // the whole record: 68-byte prefix + data
};
// Decodes a whole stream; fails the current test on a decoding error.
std::vector<OwnedRecord> read_stream(const std::vector<std::uint8_t>& bytes);

std::uint64_t realtime_us();

}  // namespace harness
