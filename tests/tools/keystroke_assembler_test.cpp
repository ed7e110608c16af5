// Keystroke lines as sbk_ks_log.pl builds them (spec section 5), and the
// one deliberate difference: sorted UID and COM lists.
#include <gtest/gtest.h>

#include "ks_log_printer.hpp"
#include "sbk_tools/keystroke_assembler.hpp"
#include "support/make_record.hpp"

namespace {

using sbk_tools::KeystrokeAssembler;
using sbk_tools::KeystrokeLine;
using xebek_test::make_record;
using xebek_test::RecordSpec;

std::string mapped(std::string_view raw) {
  std::string s;
  sbk_tools::append_mapped_keystrokes(s, raw);
  return s;
}

TEST(KeystrokeMapping, TerminalKeys) {
  EXPECT_EQ(mapped("\x1b[A\x1b[B\x1b[C\x1b[D"), "[U-ARROW][D-ARROW][R-ARROW][L-ARROW]");
  EXPECT_EQ(mapped("\x1b[3~\x1b[5~\x1b[6~"), "[DEL][PAGE-U][PAGE-D]");
  EXPECT_EQ(mapped("ab\x7f" "c"), "ab[BS]c");
  EXPECT_EQ(mapped("\x1b\x1b[A"), "[ESC][U-ARROW]");
  EXPECT_EQ(mapped("\x1b[4~"), "[ESC][4~");
  EXPECT_EQ(mapped("x\x1b"), "x[ESC]");
}

TEST(KeystrokeMapping, ScrubsEverythingOutsidePrintableAscii) {
  EXPECT_EQ(mapped("a\tb\r\n\x01\x80\xff~ "), "ab~ ");
}

struct Fixture : testing::Test {
  KeystrokeAssembler a;
  KeystrokeLine line;
  bool add(const RecordSpec& s, const std::string& data) {
    const auto r = make_record(s, data);
    return a.add(r, s.comm, line);
  }
};

TEST_F(Fixture, LineEndsOnlyWithARecordHoldingNewlineOrReturn) {
  RecordSpec s;
  EXPECT_FALSE(add(s, "l"));
  EXPECT_FALSE(add(s, "s"));
  EXPECT_TRUE(add(s, "\r"));
  EXPECT_EQ(line.text, "ls");
  EXPECT_EQ(a.pending_keys(), 0u);
  // "\r\n" typed as two reads: the "\n" alone is an empty line.
  EXPECT_TRUE(add(s, "\n"));
  EXPECT_EQ(line.text, "");
}

TEST_F(Fixture, MultiByteReadWithSeveralNewlinesIsOneLine) {
  EXPECT_TRUE(add({}, "ab\ncd\n"));
  EXPECT_EQ(line.text, "abcd");
}

TEST_F(Fixture, KeysSeparateHostPidInodeAndFd) {
  RecordSpec base;
  RecordSpec other_ip = base, other_pid = base, other_inode = base, other_fd = base;
  other_ip.ip = 0x0a000018;
  other_pid.pid = 99;
  other_inode.inode = 0;  // a fork marker's key
  other_fd.fd = 1;
  EXPECT_FALSE(add(base, "a"));
  EXPECT_FALSE(add(other_ip, "b"));
  EXPECT_FALSE(add(other_pid, "c"));
  EXPECT_FALSE(add(other_inode, "d"));
  EXPECT_FALSE(add(other_fd, "e"));
  EXPECT_EQ(a.pending_keys(), 5u);
  EXPECT_TRUE(add(other_inode, "\n"));
  EXPECT_EQ(line.text, "d");
  EXPECT_TRUE(add(base, "\n"));
  EXPECT_EQ(line.text, "a");
}

TEST_F(Fixture, UidsSortNumericallyAndComsByByte) {
  RecordSpec s;
  for (auto [uid, comm] : {std::pair{1000u, "sudo"}, {0u, "sh"}, {20u, "Zsh"}, {1000u, "sh"}}) {
    s.uid = uid;
    s.comm = comm;
    EXPECT_FALSE(add(s, "x"));
  }
  EXPECT_TRUE(add(s, "\n"));
  EXPECT_EQ(line.uids, "0/20/1000");
  EXPECT_EQ(line.coms, "Zsh/sh/sudo");
  // The lists start again after each line.
  s.uid = 5;
  s.comm = "bash";
  EXPECT_TRUE(add(s, "\n"));
  EXPECT_EQ(line.uids, "5");
  EXPECT_EQ(line.coms, "bash");
}

TEST(KsLogPrinter, FormatUsesTheFlushingRecordAndIgnoresOtherRecords) {
  sbk_tools::KsLogPrinter p;
  std::string out;
  RecordSpec s;
  p.on_record(make_record(s, "i"), out);
  RecordSpec write = s;
  write.type = 1;
  p.on_record(make_record(write, "\n"), out);  // a write never ends a line
  RecordSpec big = s;
  p.on_record(make_record(big, std::string(101, '\n')), out);  // not a keystroke read
  EXPECT_EQ(out, "");
  s.time_sec += 61;
  s.fd = 0;
  p.on_record(make_record(s, "d\r"), out);
  EXPECT_EQ(out,
            "[2023-11-14 22:14:21 Host:10.0.0.23 UID:0 PID:1234 FD:0 INO:3 COM:bash ]#id\n");
}

}  // namespace
