// sbk_viewer.pl's behaviour beyond what the golden vectors exercise:
// filters, colours off, which writes show, and error lines.
#include <gtest/gtest.h>

#include <cstdlib>

#include "ansi_color.hpp"
#include "support/make_record.hpp"
#include "viewer_printer.hpp"

namespace {

using sbk_tools::ViewerOptions;
using sbk_tools::ViewerPrinter;
using xebek_test::make_record;
using xebek_test::RecordSpec;

std::string feed(ViewerOptions o, const std::vector<std::pair<RecordSpec, std::string>>& rs) {
  ViewerPrinter p(o);
  std::string out;
  for (const auto& [s, d] : rs) p.on_record(make_record(s, d), out);
  return out;
}

RecordSpec of_type(std::uint16_t t, std::uint32_t fd = 1) {
  RecordSpec s;
  s.type = t;
  s.fd = fd;
  return s;
}

TEST(ViewerPrinter, WritesShowOnlyStandardStreamsLongerThanOneByte) {
  const std::string out = feed({}, {{of_type(1, 1), "out"},
                                    {of_type(1, 2), "e"},
                                    {of_type(1, 3), "secret"},
                                    {of_type(1, 0), "in"}});
  EXPECT_EQ(out, "\x1b[34mout\x1b[0m\x1b[34min\x1b[0m");
}

TEST(ViewerPrinter, VerboseWriteHasHeaderEvenForOneByteOrHighFd) {
  ViewerOptions o;
  o.verbose = true;
  const std::string out = feed(o, {{of_type(1, 5), "e"}});
  EXPECT_EQ(out,
            "\x1b[34m[2023-11-14 22:13:20 Host:10.0.0.23 UID:0 PID:1234(1000) FD:5 INO:3 "
            "COM:bash ]#\ne\n\x1b[0m");
}

TEST(ViewerPrinter, SocketsAndOpensOnlyWithMoreVerbose) {
  const std::vector<std::pair<RecordSpec, std::string>> rs = {{of_type(2, 3), std::string(15, '\0')},
                                                              {of_type(3, 4), "/etc/passwd"}};
  EXPECT_EQ(feed({}, rs), "");
  ViewerOptions o;
  o.more_verbose = true;
  EXPECT_EQ(feed(o, rs),
            "\x1b[32m[2023-11-14 22:13:20 Host:10.0.0.23 UID:0 PID:1234(1000) FD:3 INO:3 COM:bash "
            "]#\n\x1b[0m"
            "\x1b[30m[2023-11-14 22:13:20 Host:10.0.0.23 UID:0 PID:1234(1000) FD:4 INO:3 COM:bash "
            "]#\n\x1b[0m");
}

TEST(ViewerPrinter, UnknownTypesAndLongReadsAreErrorLinesWithoutColour) {
  const std::string out = feed({}, {{of_type(7), "x"}, {of_type(0), std::string(101, 'a')}});
  EXPECT_EQ(out,
            "**** Error: Wrong syscall type \"7\" received from net packet!\n\n"
            "**** Error: Wrong syscall type \"0\" received from net packet!\n\n");
}

TEST(ViewerPrinter, FiltersDropRecordsBeforeKeystrokeAssembly) {
  RecordSpec mine = of_type(0, 0), other = of_type(0, 0);
  other.ppid = 1;
  other.pid = 77;
  ViewerOptions o;
  o.pid = 1234;
  // The other process's newline must not end this process's line, and its
  // keys must not appear at all.
  EXPECT_EQ(feed(o, {{mine, "l"}, {other, "x"}, {other, "\n"}, {mine, "s\n"}}),
            "\x1b[31m\n#ls\n\x1b[0m");
  o.pid = 1;  // matches the parent pid of `other`
  EXPECT_EQ(feed(o, {{mine, "l"}, {other, "x\n"}}), "\x1b[31m\n#x\n\x1b[0m");

  ViewerOptions by_type;
  by_type.type = 1;
  EXPECT_EQ(feed(by_type, {{mine, "a\n"}, {of_type(1, 1), "ok"}, {of_type(7), ""}}),
            "\x1b[34mok\x1b[0m");

  RecordSpec sh = mine;
  sh.comm = "sh";
  ViewerOptions by_comm;
  by_comm.comm = "sh";
  EXPECT_EQ(feed(by_comm, {{mine, "a\n"}, {sh, "b\n"}}), "\x1b[31m\n#b\n\x1b[0m");
}

TEST(ViewerPrinter, ColoursOff) {
  ViewerOptions o;
  o.colors = false;
  EXPECT_EQ(feed(o, {{of_type(0, 0), "a\n"}, {of_type(1, 1), "ok"}}), "\n#a\nok");
}

TEST(AnsiColor, EnvironmentLikeTermAnsiColor) {
  unsetenv("NO_COLOR");
  unsetenv("ANSI_COLORS_DISABLED");
  EXPECT_FALSE(sbk_tools::ansi_colors_disabled_by_environment());
  setenv("ANSI_COLORS_DISABLED", "0", 1);  // false in Perl
  EXPECT_FALSE(sbk_tools::ansi_colors_disabled_by_environment());
  setenv("ANSI_COLORS_DISABLED", "1", 1);
  EXPECT_TRUE(sbk_tools::ansi_colors_disabled_by_environment());
  unsetenv("ANSI_COLORS_DISABLED");
  setenv("NO_COLOR", "", 1);  // set, even empty
  EXPECT_TRUE(sbk_tools::ansi_colors_disabled_by_environment());
  unsetenv("NO_COLOR");
}

}  // namespace
