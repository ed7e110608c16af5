// xebek-ks-log: sbk_ks_log.pl's keystroke log from a Sebek stream read from
// stdin, from files, or from a live xebekd log (-F).
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "xebek/version.hpp"
#include "ks_log_printer.hpp"
#include "sbk_tools/input_options.hpp"
#include "sbk_tools/tool_runner.hpp"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  po::options_description visible("Options");
  visible.add_options()("help,h", "print this help and exit")("version", "print the version and exit");
  auto cl = sbk_tools::parse_tool_command_line("xebek-ks-log", argc, argv, visible);
  if (!cl) return 2;
  const po::variables_map& vm = cl->vm;
  const sbk_tools::InputSelection& inputs = cl->inputs;
  if (vm.count("help")) {
    std::cout << "Usage: xebek-ks-log [-F DIR | FILE...]\n"
              << "Print the lines typed on the honeypots, like sbk_ks_log.pl.\n"
              << "\n"
              << "Keystroke reads of at most 100 bytes are joined per host, pid, inode and fd\n"
              << "up to each end of line. FILE is an sbk_extract stream (- or none: standard\n"
              << "input).\n"
              << "\n"
              << visible;
    return 0;
  }
  if (vm.count("version")) {
    xebek::print_version("xebek-ks-log");
    return 0;
  }
  sbk_tools::KsLogPrinter printer;
  return sbk_tools::run_printer(
      "xebek-ks-log", inputs,
      [&](const sebekd_format::StreamRecord& r, std::string& out) { printer.on_record(r, out); });
}
