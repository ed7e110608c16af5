#include "xebek_tools/stdout_text.hpp"

#include <unistd.h>

#include <cstdio>

#include "sbk_tools/output_buffer.hpp"

namespace xebek_tools {

int write_stdout(std::string_view program, const std::string& text, int status) {
  sbk_tools::OutputBuffer out(STDOUT_FILENO);
  out.append(text);
  if (!out.flush()) {
    std::fprintf(stderr, "%.*s: error writing standard output\n", static_cast<int>(program.size()),
                 program.data());
    return 1;
  }
  return status;
}

}  // namespace xebek_tools
