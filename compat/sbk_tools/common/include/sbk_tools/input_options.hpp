// The command-line options every tool shares for choosing its input:
// positional FILE... (default: standard input) and -F DIR.
#pragma once

#include <boost/program_options.hpp>

#include "sbk_tools/inputs.hpp"

namespace sbk_tools {

// Adds -F/--follow to `visible`, and the positional files to `hidden` and
// `positional`.
void add_input_options(boost::program_options::options_description& visible,
                       boost::program_options::options_description& hidden,
                       boost::program_options::positional_options_description& positional);

// Reads what add_input_options() declared back from a parsed command line.
// Throws boost::program_options::error when -F is combined with files.
InputSelection input_selection(const boost::program_options::variables_map& vm);

}  // namespace sbk_tools
