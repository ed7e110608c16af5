// A benchmark's command line: parses `options`, prints them for -h/--help.
#pragma once

#include <boost/program_options.hpp>

namespace bench {

// False when the help was printed and the program should exit 0.
bool parse_command_line(int argc, char** argv, const boost::program_options::options_description& options);

}  // namespace bench
