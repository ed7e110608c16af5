// The Xebek path: xebek-simdomu (the kernel's C producer in userspace)
// filling a ring that xebekd drains into Sebek streams on tmpfs.
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "figures.hpp"
#include "xebekd/status_file.hpp"

extern char** environ;

namespace bench {
namespace {

pid_t spawn(const std::vector<std::string>& argv, const std::string& err_file) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  std::vector<char*> a;
  for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
  a.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, a[0], &fa, nullptr, a.data(), environ) != 0)
    throw std::runtime_error("cannot start " + argv[0]);
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

int reap(pid_t pid, rusage* ru) {
  int status = 0;
  ::wait4(pid, &status, 0, ru);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

Figures run_xebek(const XebekRun& r) {
  namespace fs = std::filesystem;
  fs::remove_all(r.dir);
  fs::create_directories(r.dir);
  const std::string reg = r.dir + "/reg", logs = r.dir + "/logs";
  const pid_t d = spawn({XEBEKD_BIN, "--transport", "sim", "--registry", reg, "--logdir", logs, "--mode", "all",
                         "--status-interval-ms", "100"},
                        r.dir + "/xebekd.err");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t s = spawn({SIMDOMU_BIN, "--registry", reg, "--synthetic", "--name", "bench", "--records",
                         std::to_string(r.records), "--size", std::to_string(r.size), "--rate",
                         std::to_string(r.rate), "--order", std::to_string(r.order), "--when-full",
                         r.drop_when_full ? "drop" : "wait", "--wait-consumer", "10", "--drain-timeout", "120"},
                        r.dir + "/simdomu.err");
  rusage ru{};
  const int sc = reap(s, &ru);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (sc != 0) {
    ::kill(d, SIGKILL);
    reap(d, &ru);
    throw std::runtime_error("xebek-simdomu failed (exit " + std::to_string(sc) + "), see " + r.dir + "/simdomu.err");
  }
  // Let the status file catch up, then read the figures of the domain.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Figures f;
  f.seconds = secs;
  for (const auto& dom : xebekd::read_status_file(logs + "/xebekd_status").domains) {
    for (const auto& [k, v] : dom.lost) f.lost += v;
    f.payload_bytes = double(dom.bytes);
    f.notifications = double(dom.notifications);
  }
  // The guest's own account: records it queued (all of them consumed, since
  // it waited for the drain) and records it dropped.
  std::ifstream err(r.dir + "/simdomu.err");
  std::string line;
  while (std::getline(err, line)) {
    const auto p = line.find("): ");
    if (p != std::string::npos) f.records = std::stoull(line.substr(p + 3));
  }
  // Peak RSS of xebekd itself (wait4's figure would include what the
  // spawning process had mapped before exec).
  std::ifstream st("/proc/" + std::to_string(d) + "/status");
  while (std::getline(st, line))
    if (line.rfind("VmHWM:", 0) == 0) f.peak_rss_kib = std::stol(line.substr(6));
  ::kill(d, SIGTERM);
  rusage dr{};
  reap(d, &dr);
  f.cpu_seconds = double(dr.ru_utime.tv_sec + dr.ru_stime.tv_sec) + (dr.ru_utime.tv_usec + dr.ru_stime.tv_usec) / 1e6;
  fs::remove_all(r.dir);
  return f;
}

}  // namespace bench
