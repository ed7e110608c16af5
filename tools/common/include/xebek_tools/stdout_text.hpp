// Writing a tool's whole text output to stdout at its end.
#pragma once

#include <string>
#include <string_view>

namespace xebek_tools {

// Writes `text` to stdout. Returns `status`, or 1 after printing
// "PROGRAM: error writing standard output" when the write fails.
int write_stdout(std::string_view program, const std::string& text, int status);

}  // namespace xebek_tools
