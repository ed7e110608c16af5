// sbk_diag.pl's lines for records the golden vectors do not hold: socket
// bodies of the wrong size, unknown types, data with newlines.
#include <gtest/gtest.h>

#include "diag_printer.hpp"
#include "support/make_record.hpp"

namespace {

using xebek_test::make_record;
using xebek_test::RecordSpec;

std::string line(std::uint16_t type, const std::string& data) {
  RecordSpec s;
  s.type = type;
  std::string out;
  sbk_tools::append_diag_line(make_record(s, data), out);
  return out;
}

const std::string kHead =
    "[2023-11-14 22:13:20  type=(sys_socket) ip=(10.0.0.23) pid=(1000:1234) command=(bash) "
    "uid=(0) inode=(3) fd=(0) len=(";

TEST(DiagPrinter, ShortSocketBodyPrintsLikePerlUnpack) {
  EXPECT_EQ(line(2, ""), kHead + "0) call=() inode=(3)]  :  0.0.0.0: -> 0.0.0.0:\n");
  // unpack fills dip, dport, sip from the left with N, n and the final C.
  EXPECT_EQ(line(2, std::string("\x01\x02\x03\x04\x05\x06\x07", 7)),
            kHead + "7) call=() inode=(3)]  :  0.0.0.7: -> 1.2.3.4:1286\n");
}

TEST(DiagPrinter, LongSocketBodyIgnoresTheRest) {
  const std::string body("\x0a\x00\x00\x05\x00\x50\x0a\x00\x00\x17\x9c\x40\x00\x03\x06XYZ", 18);
  EXPECT_EQ(line(2, body), kHead + "18) call=(3) inode=(3)]  6:  10.0.0.23:40000 -> 10.0.0.5:80\n");
}

TEST(DiagPrinter, WritesKeepTheirNumberAndDataIsRaw) {
  EXPECT_EQ(line(1, "a\nb\0c"),
            "[2023-11-14 22:13:20  type=(1) ip=(10.0.0.23) pid=(1000:1234) command=(bash) uid=(0) "
            "inode=(3) fd=(0) len=(3)]a\nb\n");
  EXPECT_TRUE(line(1, std::string("a\0c", 3)).ends_with(std::string("len=(3)]a\0c\n", 12)));
}

TEST(DiagPrinter, UnknownTypesPrintNothing) {
  EXPECT_EQ(line(7, "x"), "");
  EXPECT_EQ(line(4, ""), "");
}

}  // namespace
