#include "command_line.hpp"

#include <iostream>

#include "xebek/version.hpp"

namespace bench {

namespace po = boost::program_options;

std::optional<int> parse_command_line(int argc, char** argv, const Program& program,
                                      const po::options_description& options) {
  po::options_description all("Options");
  all.add_options()("help,h", "print this help and exit")("version", "print the version and exit");
  all.add(options);
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, all), vm);
    if (vm.count("help")) {
      std::cout << "Usage: " << program.name << " [OPTION]...\n" << program.summary << "\n\n" << all;
      return 0;
    }
    if (vm.count("version")) {
      xebek::print_version(program.name);
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << program.name << ": " << e.what() << " (see --help)\n";
    return 2;
  }
  return std::nullopt;
}

}  // namespace bench
