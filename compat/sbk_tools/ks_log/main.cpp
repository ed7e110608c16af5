// xebek-ks-log: sbk_ks_log.pl's keystroke log from a Sebek stream read from
// stdin, from files, or from a live xebekd log (-F).
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "ks_log_printer.hpp"
#include "sbk_tools/input_options.hpp"
#include "sbk_tools/tool_runner.hpp"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  po::options_description visible("options");
  visible.add_options()("help,h", "this screen");
  auto cl = sbk_tools::parse_tool_command_line("xebek-ks-log", argc, argv, visible);
  if (!cl) return 2;
  const po::variables_map& vm = cl->vm;
  const sbk_tools::InputSelection& inputs = cl->inputs;
  if (vm.count("help")) {
    std::cout << "xebek-ks-log (xebek " XEBEK_VERSION "), compatible with sbk_ks_log.pl\n"
              << "Usage: xebek-ks-log [-F DIR | FILE...]   (no FILE or -: standard input)\n"
              << "Prints the lines typed on the honeypots: keystroke reads of at most 100\n"
              << "bytes joined per host, pid, inode and fd up to each end of line.\n"
              << visible;
    return 0;
  }
  sbk_tools::KsLogPrinter printer;
  return sbk_tools::run_printer(
      "xebek-ks-log", inputs,
      [&](const sebekd_format::StreamRecord& r, std::string& out) { printer.on_record(r, out); });
}
