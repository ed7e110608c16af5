// The command-line options every tool shares for choosing its input:
// positional FILE... (default: standard input) and -F DIR.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <vector>

#include "sbk_tools/inputs.hpp"

namespace sbk_tools {

// Adds -F/--follow to `visible`, and the positional files to `hidden` and
// `positional`.
void add_input_options(boost::program_options::options_description& visible,
                       boost::program_options::options_description& hidden,
                       boost::program_options::positional_options_description& positional);

// Reads what add_input_options() declared back from a parsed command line.
// Throws boost::program_options::error when -F is combined with files.
InputSelection input_selection(const boost::program_options::variables_map& vm);

// A tool's parsed command line: its own options and the shared input ones.
struct ToolCommandLine {
  boost::program_options::variables_map vm;
  // Every option as given, in command-line order (sbk_viewer.pl announces
  // its filters in that order).
  std::vector<boost::program_options::option> given;
  InputSelection inputs;
};

// Adds the input options to `visible` (so -h lists them) and parses argv.
// On a bad command line prints "TOOL: problem (see -h)" and returns
// nullopt; the caller exits with status 2.
std::optional<ToolCommandLine> parse_tool_command_line(
    const char* tool, int argc, char** argv,
    boost::program_options::options_description& visible);

}  // namespace sbk_tools
