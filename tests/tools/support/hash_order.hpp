// The one documented difference from the original tools' output: they join
// the UID and COM lists of a keystroke line ("UID:0/1000", "COM:sh/sudo") in
// Perl hash order, Xebek sorts them. This rewrites only those two lists in
// each line to Xebek's order (UIDs ascending, COMs in byte order), leaving
// every other byte alone, so tests can compare the rest byte for byte.
#pragma once

#include <string>

namespace xebek_test {

std::string sort_uid_com_lists(const std::string& text);

}  // namespace xebek_test
