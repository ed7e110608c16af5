// bench_analysis: xebek-sessions and xebek-export beside xebek-ks-log, all
// three as processes on the same one-million-record stream (the golden
// streams' records repeated with increasing counters and times), in one run:
// records/s by wall and by CPU time, and each tool's CPU time as a multiple
// of xebek-ks-log's. Prints figures only; never passes or fails on speed.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "child_timing.hpp"
#include "command_line.hpp"
#include "support/run_process.hpp"
#include "support/synth_stream.hpp"

namespace po = boost::program_options;
using bench::Timing;

int main(int argc, char** argv) {
  std::size_t records = 1'000'000;
  int repeat = 1;
  std::string vectors = XEBEK_VECTORS;
  const bench::Program program{"bench_analysis",
      "Measure xebek-sessions and xebek-export beside xebek-ks-log on one synthetic stream."};
  po::options_description opts;
  opts.add_options()(
      "records,n", po::value(&records)->default_value(records), "records in the stream")(
      "repeat,r", po::value(&repeat)->default_value(repeat), "runs of each, best CPU time kept");
  if (auto done = bench::parse_command_line(argc, argv, program, opts)) return *done;
  const std::string stream = xebek_test::synth_golden_stream(vectors, records);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("bench_analysis." + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "casts");
  const std::string in = (dir / "stream.sbk").string();
  xebek_test::write_file(in, stream);

  struct Tool {
    const char* name;
    std::vector<std::string> argv;
    Timing t;
  };
  std::vector<Tool> tools = {
      {"xebek-ks-log", {XEBEK_KS_LOG}, {}},
      {"xebek-sessions", {XEBEK_SESSIONS, "--out", (dir / "casts").string()}, {}},
      {"xebek-export", {XEBEK_EXPORT, "--format", "ecs"}, {}},
  };
  for (Tool& tool : tools)
    tool.t = bench::best_child(repeat, tool.argv, in, (dir / "out").string());

  std::printf("bench_analysis: %zu records, %.1f MB stream, best of %d\n\n", records,
              static_cast<double>(stream.size()) / 1e6, repeat);
  std::printf("%-16s %9s %14s %9s %14s %14s\n", "", "wall s", "records/s", "cpu s",
              "records/s cpu", "cpu x ks-log");
  const double n = static_cast<double>(records);
  for (const Tool& tool : tools)
    std::printf("%-16s %9.3f %14.0f %9.3f %14.0f %14.2f\n", tool.name, tool.t.wall,
                n / tool.t.wall, tool.t.cpu, n / std::max(tool.t.cpu, 1e-9),
                tool.t.cpu / std::max(tools[0].t.cpu, 1e-9));
  std::filesystem::remove_all(dir);
  return 0;
}
