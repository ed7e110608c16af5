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
  po::options_description hidden;
  po::positional_options_description positional;
  sbk_tools::add_input_options(visible, hidden, positional);
  po::options_description all;
  all.add(visible).add(hidden);

  po::variables_map vm;
  sbk_tools::InputSelection inputs;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
    inputs = sbk_tools::input_selection(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "xebek-diag: %s (see -h)\n", e.what());
    return 2;
  }
  if (vm.count("help")) {
    std::cout << "xebek-diag (xebek " XEBEK_VERSION "), compatible with sbk_diag.pl\n"
              << "Usage: xebek-diag [-F DIR | FILE...]   (no FILE or -: standard input)\n"
              << "Prints one line per read, write, open and socket record.\n"
              << visible;
    return 0;
  }
  return sbk_tools::run_printer("xebek-diag", inputs, sbk_tools::append_diag_line);
}
