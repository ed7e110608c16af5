#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "xebek_tools/typed_lines.hpp"

namespace {

std::vector<std::string> lines_of(const std::string& typed) {
  xebek_tools::TypedLines t;
  std::vector<std::string> done;
  t.feed({reinterpret_cast<const std::uint8_t*>(typed.data()), typed.size()}, done);
  return done;
}

TEST(TypedLines, EndsLinesAtCrOrLfAndSkipsEmptyOnes) {
  EXPECT_EQ(lines_of("uname -a\ncat /etc/passwd\r\n\nexit\r"),
            (std::vector<std::string>{"uname -a", "cat /etc/passwd", "exit"}));
}

TEST(TypedLines, BackspaceAndDelEraseTheLastCharacter) {
  EXPECT_EQ(lines_of("exiy\x7ft\r"), std::vector<std::string>{"exit"});
  EXPECT_EQ(lines_of("ab\b\bcd\n"), std::vector<std::string>{"cd"});
  // A multi-byte character goes as a whole.
  EXPECT_EQ(lines_of("a\xc3\xa9\x7f\n"), std::vector<std::string>{"a"});
}

TEST(TypedLines, EscapeSequencesAndControlsAreDropped) {
  // Arrows (CSI), Delete (CSI 3 ~), SS3 keys, Alt+Tab, ^U and ^C.
  EXPECT_EQ(lines_of("l\x1b[A\x1b[D\x7fx\x1b[3~\x1b\tz\r"), std::vector<std::string>{"xz"});
  EXPECT_EQ(lines_of("a\x1bOPb\n"), std::vector<std::string>{"ab"});
  EXPECT_EQ(lines_of("junk\x15ls\n"), std::vector<std::string>{"ls"});
  EXPECT_EQ(lines_of("rm -rf /\x03id\n"), std::vector<std::string>{"id"});
}

TEST(TypedLines, LongLinesAreCutAtTheBound) {
  const auto done = lines_of(std::string(5000, 'A') + "\n");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].size(), xebek_tools::kMaxTypedLine);
}

}  // namespace
