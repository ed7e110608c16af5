// xebek-diag: sbk_diag.pl's record-by-record listing of a Sebek stream read
// from stdin, from files, or from a live xebekd log (-F).
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "diag_printer.hpp"
#include "sbk_tools/input_options.hpp"
#include "sbk_tools/tool_runner.hpp"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  po::options_description visible("options");
  visible.add_options()("help,h", "this screen");
  auto cl = sbk_tools::parse_tool_command_line("xebek-diag", argc, argv, visible);
  if (!cl) return 2;
  const po::variables_map& vm = cl->vm;
  const sbk_tools::InputSelection& inputs = cl->inputs;
  if (vm.count("help")) {
    std::cout << "xebek-diag (xebek " XEBEK_VERSION "), compatible with sbk_diag.pl\n"
              << "Usage: xebek-diag [-F DIR | FILE...]   (no FILE or -: standard input)\n"
              << "Prints one line per read, write, open and socket record.\n"
              << visible;
    return 0;
  }
  return sbk_tools::run_printer("xebek-diag", inputs, sbk_tools::append_diag_line);
}
