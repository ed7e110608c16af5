// Timing the tools as separate processes: wall time, and CPU time (user +
// system) of the child from wait4, so that a shared machine's load shows up
// in wall time but not in CPU time.
#pragma once

#include <string>
#include <vector>

namespace bench {

struct Timing {
  double wall = 0;  // seconds
  double cpu = 0;   // seconds of user + system time
};

double wall_now();

// Runs argv with stdin from `in` and stdout to `out`; throws when it fails.
Timing run_child(const std::vector<std::string>& argv, const std::string& in,
                 const std::string& out);
// Best (lowest CPU) of `repeat` runs.
Timing best_child(int repeat, const std::vector<std::string>& argv, const std::string& in,
                  const std::string& out);

}  // namespace bench
