// The tests' normalisation touches only the UID and COM lists of header
// lines, so that it cannot hide any other difference.
#include <gtest/gtest.h>

#include "support/hash_order.hpp"

namespace {

using xebek_test::sort_uid_com_lists;

TEST(HashOrder, SortsOnlyTheTwoLists) {
  EXPECT_EQ(sort_uid_com_lists(
                "[2023-11-14 22:30:00 Host:10.0.0.23 UID:1000/0/20 PID:500 FD:0 INO:7 COM:sudo/sh ]#b/a\n"),
            "[2023-11-14 22:30:00 Host:10.0.0.23 UID:0/20/1000 PID:500 FD:0 INO:7 COM:sh/sudo ]#b/a\n");
  EXPECT_EQ(sort_uid_com_lists("\x1b[31m[d Host:h UID:1/0 PID:5(1) FD:0 INO:7 COM:b/a ]#x\n"),
            "\x1b[31m[d Host:h UID:0/1 PID:5(1) FD:0 INO:7 COM:a/b ]#x\n");
}

TEST(HashOrder, LeavesOtherLinesAlone) {
  const std::string data = "text Host: UID:2/1 PID: COM:b/a ]#\n#ls /b/a\n";
  EXPECT_EQ(sort_uid_com_lists(data), data);
}

}  // namespace
