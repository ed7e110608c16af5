// xebek-diag: sbk_diag.pl's record-by-record listing of a Sebek stream read
// from stdin, from files, or from a live xebekd log (-F).
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "xebek/version.hpp"
#include "diag_printer.hpp"
#include "sbk_tools/input_options.hpp"
#include "sbk_tools/tool_runner.hpp"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  po::options_description visible("Options");
  visible.add_options()("help,h", "print this help and exit")("version", "print the version and exit");
  auto cl = sbk_tools::parse_tool_command_line("xebek-diag", argc, argv, visible);
  if (!cl) return 2;
  const po::variables_map& vm = cl->vm;
  const sbk_tools::InputSelection& inputs = cl->inputs;
  if (vm.count("help")) {
    std::cout << "Usage: xebek-diag [-F DIR | FILE...]\n"
              << "List a Sebek stream record by record, like sbk_diag.pl.\n"
              << "\n"
              << "Prints one line per read, write, open and socket record. FILE is an\n"
              << "sbk_extract stream (- or none: standard input).\n"
              << "\n"
              << visible;
    return 0;
  }
  if (vm.count("version")) {
    xebek::print_version("xebek-diag");
    return 0;
  }
  return sbk_tools::run_printer("xebek-diag", inputs, sbk_tools::append_diag_line);
}
