#include "ansi_color.hpp"

#include <cstdlib>

#include "sbk_tools/perl_format.hpp"

namespace sbk_tools {

bool ansi_colors_disabled_by_environment() {
  // Perl truth: unset, "" and "0" are false.
  const char* disabled = std::getenv("ANSI_COLORS_DISABLED");
  const bool disabled_true =
      disabled && *disabled != '\0' && std::string_view(disabled) != "0";
  return disabled_true || std::getenv("NO_COLOR") != nullptr;
}

void append_colored(std::string& out, AnsiColor color, std::string_view text, bool enabled) {
  if (!enabled) {
    out.append(text);
    return;
  }
  out.append("\x1b[");
  append_uint(out, static_cast<unsigned>(color));
  out.push_back('m');
  out.append(text);
  out.append("\x1b[0m");
}

}  // namespace sbk_tools
