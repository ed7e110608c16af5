#include "child_timing.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace bench {

double wall_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Timing run_child(const std::vector<std::string>& argv, const std::string& in,
                 const std::string& out) {
  const double w0 = wall_now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int i = open(in.c_str(), O_RDONLY);
    const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (i < 0 || o < 0) _exit(126);
    dup2(i, 0);
    dup2(o, 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  const double wall = wall_now() - w0;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(argv[0] + " failed");
  const auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
  };
  return {wall, secs(ru.ru_utime) + secs(ru.ru_stime)};
}

Timing best_child(int repeat, const std::vector<std::string>& argv, const std::string& in,
                  const std::string& out) {
  Timing best{1e30, 1e30};
  for (int i = 0; i < repeat; ++i) {
    const Timing t = run_child(argv, in, out);
    if (t.cpu < best.cpu) best = t;
  }
  return best;
}

}  // namespace bench
