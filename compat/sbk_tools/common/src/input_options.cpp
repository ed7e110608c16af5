#include "sbk_tools/input_options.hpp"

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

}  // namespace sbk_tools
