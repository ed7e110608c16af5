// xebek-tree: the process tree of a capture per host, as text or JSON.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "xebek/version.hpp"
#include "sbk_tools/input_options.hpp"
#include "xebek_tools/capture_model.hpp"
#include "xebek_tools/stdout_text.hpp"
#include "xebek_tools/tree_view.hpp"

namespace po = boost::program_options;
namespace xt = xebek_tools;

int main(int argc, char** argv) {
  constexpr const char* kProgram = "xebek-tree";
  po::options_description visible("Options");
  visible.add_options()("help,h", "print this help and exit")("version", "print the version and exit")("json", "print one JSON document");
  auto cl = sbk_tools::parse_tool_command_line(kProgram, argc, argv, visible);
  if (!cl) return 2;
  if (cl->vm.count("help")) {
    std::cout << "Usage: xebek-tree [--json] [FILE...]\n"
              << "Print the intruder's process tree per host.\n"
              << "\n"
              << "Prints the intruder's process tree per host: pid, ppid, comm and uid\n"
              << "changes, exec path and argv, start, files opened, socket calls, bytes read\n"
              << "and written, and the terminal session of each process. FILE is a Sebek\n"
              << "pcap, an sbk_extract stream (- or none: standard input), a native log or a\n"
              << "xebekd domain log directory (whose native log adds exec and argv).\n"
              << "\n"
              << visible;
    return 0;
  }
  if (cl->vm.count("version")) {
    xebek::print_version(kProgram);
    return 0;
  }
  if (!cl->inputs.follow.empty()) {
    std::fprintf(stderr, "%s: a tree is printed once its input ends: -F is not supported "
                         "(see -h)\n", kProgram);
    return 2;
  }
  xt::CaptureModel model;
  const int status = xt::read_into(kProgram, cl->inputs, model);
  std::string tree;
  if (cl->vm.count("json"))
    xt::append_tree_json(tree, model);
  else
    xt::append_tree_text(tree, model);
  return xt::write_stdout(kProgram, tree, status);
}
