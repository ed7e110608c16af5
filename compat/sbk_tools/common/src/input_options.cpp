#include "sbk_tools/input_options.hpp"

#include <cstdio>

namespace po = boost::program_options;

namespace sbk_tools {

void add_input_options(po::options_description& visible, po::options_description& hidden,
                       po::positional_options_description& positional) {
  visible.add_options()(
      "follow,F", po::value<std::string>()->value_name("DIR"),
      "follow the live xebekd log DIR/sebek.sbk (or the file DIR) across rotation, like tail -F");
  hidden.add_options()("input-file", po::value<std::vector<std::string>>(),
                       "stream files to read");
  positional.add("input-file", -1);
}

InputSelection input_selection(const po::variables_map& vm) {
  InputSelection in;
  if (vm.count("input-file")) in.files = vm["input-file"].as<std::vector<std::string>>();
  if (vm.count("follow")) {
    in.follow = vm["follow"].as<std::string>();
    if (in.follow.empty()) throw po::error("-F needs a directory");
    if (!in.files.empty()) throw po::error("-F and input files cannot be combined");
  }
  return in;
}

std::optional<ToolCommandLine> parse_tool_command_line(const char* tool, int argc, char** argv,
                                                       po::options_description& visible) {
  po::options_description hidden;
  po::positional_options_description positional;
  add_input_options(visible, hidden, positional);
  po::options_description all;
  all.add(visible).add(hidden);
  ToolCommandLine cl;
  try {
    po::parsed_options parsed =
        po::command_line_parser(argc, argv).options(all).positional(positional).run();
    cl.given = parsed.options;
    po::store(parsed, cl.vm);
    po::notify(cl.vm);
    cl.inputs = input_selection(cl.vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "%s: %s (see -h)\n", tool, e.what());
    return std::nullopt;
  }
  return cl;
}

}  // namespace sbk_tools
