// Coloured text as sbk_viewer.pl prints it through Term::ANSIColor's
// constants with AUTORESET: the colour's escape, the text, then "\e[0m",
// even around an empty text. Like Term::ANSIColor, colours are off when
// ANSI_COLORS_DISABLED is set to a true Perl value or NO_COLOR is set.
#pragma once

#include <string>
#include <string_view>

namespace sbk_tools {

enum class AnsiColor { Black = 30, Red = 31, Green = 32, Blue = 34 };

// Whether the environment (ANSI_COLORS_DISABLED, NO_COLOR) turns colours off.
bool ansi_colors_disabled_by_environment();

void append_colored(std::string& out, AnsiColor color, std::string_view text, bool enabled);

}  // namespace sbk_tools
