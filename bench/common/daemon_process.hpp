// xebekd as a child process of the benchmark: started with its stderr in a
// file, its CPU time read from /proc while it runs, stopped with SIGTERM.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace bench {

class DaemonProcess {
 public:
  // Starts `binary` with `args`; stdout goes to /dev/null, stderr to
  // `err_file`. Throws std::runtime_error if it cannot be started.
  DaemonProcess(const std::vector<std::string>& args, const std::string& err_file,
                const std::string& binary = built_xebekd());
  // The xebekd built with the benchmarks.
  static std::string built_xebekd();
  ~DaemonProcess();  // SIGKILL and reap if still running
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // utime + stime so far, in seconds (from /proc/<pid>/stat).
  double cpu_seconds() const;
  // Time its main thread spent runnable but waiting for a CPU so far, in
  // seconds (from /proc/<pid>/schedstat): what a busy machine withheld.
  double runqueue_wait_seconds() const;
  // Whether xebekd wrote `text` on stderr yet.
  bool said(const std::string& text) const;
  // SIGTERM, then waits; returns the exit code (128 + signal if killed).
  int stop();

  std::chrono::steady_clock::time_point started() const { return started_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string err_file_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace bench
