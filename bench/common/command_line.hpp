// A benchmark's command line: parses `options` beside -h/--help and
// --version, which print and end the program before anything is measured.
#pragma once

#include <boost/program_options.hpp>
#include <optional>

namespace bench {

// What --help says about a benchmark.
struct Program {
  const char* name;     // "xebek-bench-scale"
  const char* summary;  // one line: what it measures
};

// The exit status when the program ends here: 0 after printing --help or
// --version, 2 after reporting a bad command line on stderr. nullopt when
// the benchmark should run.
std::optional<int> parse_command_line(int argc, char** argv, const Program& program,
                                      const boost::program_options::options_description& options);

}  // namespace bench
