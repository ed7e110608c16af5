#include "command_line.hpp"

#include <iostream>

namespace bench {

bool parse_command_line(int argc, char** argv,
                        const boost::program_options::options_description& options) {
  namespace po = boost::program_options;
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, options), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << options;
    return false;
  }
  return true;
}

}  // namespace bench
