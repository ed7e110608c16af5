// xebek-extract on bad input and bad options: one line on stderr naming the
// problem, a non-zero exit, never a crash; on a truncated pcap the records
// before the cut are still written.
#include <gtest/gtest.h>

#include <string>

#include "raw_pcap.hpp"
#include "test_support.hpp"
#include <pcap/pcap.h>

namespace {

using xebek_test::Bytes;
using xebek_test::ProcessResult;

const std::string kExtract = XEBEK_EXTRACT_PATH;

ProcessResult extract(const std::vector<std::string>& args) {
  std::vector<std::string> argv{kExtract};
  argv.insert(argv.end(), args.begin(), args.end());
  // Bad input must fail at once; a few seconds is plenty.
  return xebek_test::run_process(argv, {}, {}, 10);
}

// The error line: exactly one line, prefixed with the program name, which
// contains every one of `words`.
void expect_one_line_error(const ProcessResult& r, const std::vector<std::string>& words) {
  EXPECT_FALSE(r.timed_out) << "still running after the time limit";
  EXPECT_TRUE(r.exited) << "killed by signal " << r.signal;
  EXPECT_NE(r.exit_code, 0);
  const auto lines = xebek_test::split_lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_EQ(r.err.back(), '\n');
  EXPECT_EQ(lines[0].rfind("xebek-extract: ", 0), 0u) << lines[0];
  for (const std::string& w : words) EXPECT_NE(lines[0].find(w), std::string::npos) << "'" << w << "' not in: " << lines[0];
}

TEST(ExtractCli, MissingFile) {
  xebek_test::TempDir dir;
  const std::string path = dir.file("nothing-here.pcap");
  const ProcessResult r = extract({"-f", path});
  expect_one_line_error(r, {path, "No such file"});
  EXPECT_TRUE(r.out.empty());
}

TEST(ExtractCli, UnreadableFile) {
  // A directory cannot be read as a file, even by root (for whom a
  // chmod 000 file would still be readable).
  xebek_test::TempDir dir;
  const ProcessResult r = extract({"-f", dir.path()});
  expect_one_line_error(r, {dir.path()});
  EXPECT_TRUE(r.out.empty());
}

TEST(ExtractCli, NotAPcap) {
  xebek_test::TempDir dir;
  const std::string path = dir.file("notes.txt");
  std::string text = "these are notes, not packets\n";
  text += std::string(100, '.');
  xebek_test::write_bytes(path, Bytes(text.begin(), text.end()));
  const ProcessResult r = extract({"-f", path});
  expect_one_line_error(r, {path, "format"});
  EXPECT_TRUE(r.out.empty());
}

TEST(ExtractCli, EmptyFileAndTruncatedFileHeader) {
  xebek_test::TempDir dir;
  const Bytes whole = xebek_test::read_bytes(xebek_test::vectors_dir() + "/x.pcap");
  for (std::size_t keep : {std::size_t{0}, std::size_t{10}}) {
    SCOPED_TRACE(keep);
    const std::string path = dir.file("short" + std::to_string(keep) + ".pcap");
    xebek_test::write_bytes(path, Bytes(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(keep)));
    const ProcessResult r = extract({"-f", path});
    expect_one_line_error(r, {path});
    EXPECT_TRUE(r.out.empty());
  }
}

TEST(ExtractCli, TruncatedPcapKeepsTheRecordsBeforeTheCut) {
  const std::string vectors = xebek_test::vectors_dir();
  const Bytes whole = xebek_test::read_bytes(vectors + "/x.pcap");
  const Bytes expected = xebek_test::read_bytes(vectors + "/x.expected.sbk");
  const auto frames = xebek_test::read_raw_pcap(vectors + "/x.pcap");
  xebek_test::TempDir dir;
  // Cut inside frame 21's record header, and inside frame 40's data.
  for (std::size_t frame : {std::size_t{20}, std::size_t{39}}) {
    SCOPED_TRACE(frame);
    std::size_t at = 24, stream_bytes = 0;
    for (std::size_t i = 0; i < frame; ++i) {
      at += 16 + frames[i].bytes.size();
      stream_bytes += 12 + frames[i].bytes.size() - 42;  // stream record = prefix + sebek part
    }
    const std::size_t cut = frame == 20 ? at + 7 : at + 16 + 60;
    const std::string path = dir.file("cut" + std::to_string(frame) + ".pcap");
    xebek_test::write_bytes(path, Bytes(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut)));
    const ProcessResult r = extract({"-f", path});
    EXPECT_TRUE(r.exited);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.out, Bytes(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(stream_bytes)));
    // The usual opening and loss lines come first; the error is the last line.
    const auto lines = xebek_test::split_lines(r.err);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back().rfind("xebek-extract: ", 0), 0u) << r.err;
    EXPECT_NE(lines.back().find("truncated"), std::string::npos) << r.err;
    EXPECT_EQ(lines.front(), " opening " + path + ": looking for UDP dst port 1101");
  }
}

TEST(ExtractCli, NonEthernetLinkType) {
  xebek_test::TempDir dir;
  const std::string path = dir.file("raw.pcap");
  xebek_test::write_raw_pcap(path, DLT_RAW, {Bytes(100, 0x45)});
  const ProcessResult r = extract({"-f", path});
  expect_one_line_error(r, {path, "link type", "Ethernet"});
  EXPECT_TRUE(r.out.empty());
}

struct BadOptions {
  std::vector<std::string> args;
  std::vector<std::string> words;  // what the message must name
};

void PrintTo(const BadOptions& b, std::ostream* os) {
  *os << "xebek-extract";
  for (const auto& a : b.args) *os << " " << a;
}

class ExtractBadOptions : public ::testing::TestWithParam<BadOptions> {};

TEST_P(ExtractBadOptions, OneLineErrorAndNonZeroExit) {
  const ProcessResult r = extract(GetParam().args);
  expect_one_line_error(r, GetParam().words);
  EXPECT_TRUE(r.out.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Options, ExtractBadOptions,
    ::testing::Values(BadOptions{{"-z"}, {"z"}},
                      BadOptions{{"--bogus"}, {"bogus"}},
                      BadOptions{{"-f"}, {"f"}},
                      BadOptions{{"-p", "abc", "-f", "x.pcap"}, {"abc", "-p"}},
                      BadOptions{{"-p", "0", "-f", "x.pcap"}, {"'0'", "-p"}},
                      BadOptions{{"-p", "65536", "-f", "x.pcap"}, {"65536", "-p"}},
                      BadOptions{{"-p", "-5", "-f", "x.pcap"}, {"-5"}},
                      BadOptions{{"-p", "1101x", "-f", "x.pcap"}, {"1101x"}},
                      BadOptions{{"-f", "a.pcap", "-i", "eth0"}, {"-f", "-i"}},
                      BadOptions{{"stray-argument"}, {"stray-argument"}}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(ExtractCli, HelpExitsZeroAndListsTheOptions) {
  const ProcessResult r = extract({"-h"});
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 0);
  const std::string out(r.out.begin(), r.out.end());
  for (const char* opt : {"-i <device>", "-f <file>", "-p <port>", "-u <user_name>", "-c <path_name>", "-h"})
    EXPECT_NE(out.find(opt), std::string::npos) << opt;
}

}  // namespace
