// Truncated and garbage streams: each tool prints everything the complete
// records before the bad one produce (exactly what it prints for the good
// prefix alone), then names the bad record's byte offset on stderr and exits
// with status 1. The originals print garbage instead.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/run_process.hpp"
#include "support/stream_bytes.hpp"

namespace {

using xebek_test::read_file;
using xebek_test::record_offsets;
using xebek_test::run_process;
using xebek_test::vectors_dir;

struct Tool {
  std::string name;
  std::vector<std::string> argv;
};

std::vector<Tool> tools() {
  return {{"xebek-ks-log", {XEBEK_KS_LOG}},
          {"xebek-diag", {XEBEK_DIAG}},
          {"xebek-viewer", {XEBEK_VIEWER, "-v", "-V"}}};
}

std::string stream(const std::string& v) { return read_file(vectors_dir() + "/" + v + ".expected.sbk"); }

void expect_bad_at(const Tool& tool, const std::string& bytes, std::size_t good_end,
                   std::size_t bad_offset, const std::string& reason_part) {
  const auto good = run_process(tool.argv, bytes.substr(0, good_end));
  ASSERT_EQ(good.exit_code, 0) << good.err;
  const auto bad = run_process(tool.argv, bytes);
  EXPECT_EQ(bad.exit_code, 1) << tool.name << " cut/garbage at " << bad_offset;
  EXPECT_EQ(bad.out, good.out) << tool.name << ": output before byte " << bad_offset;
  const std::string prefix = tool.name + ": stdin: byte offset " + std::to_string(bad_offset) + ": ";
  EXPECT_TRUE(bad.err.starts_with(prefix)) << bad.err;
  EXPECT_NE(bad.err.find(reason_part), std::string::npos) << bad.err;
}

TEST(ToolsBadInput, TruncatedInHeaderOrDataKeepsEarlierOutput) {
  for (const std::string v : {"x", "edge"}) {
    const std::string s = stream(v);
    const auto at = record_offsets(s);
    ASSERT_EQ(at.back(), s.size());
    for (const Tool& tool : tools()) {
      // Every 7th record keeps the run short while covering all kinds.
      for (std::size_t i = 0; i + 1 < at.size(); i += 7) {
        const std::size_t start = at[i], len = at[i + 1] - at[i];
        expect_bad_at(tool, s.substr(0, start + 1), start, start, "truncated record header");
        expect_bad_at(tool, s.substr(0, start + 67), start, start, "truncated record header");
        if (len > 69)
          expect_bad_at(tool, s.substr(0, start + 68 + (len - 68) / 2), start, start,
                        "truncated record data");
      }
    }
  }
}

TEST(ToolsBadInput, WrongVersionIsGarbage) {
  std::string s = stream("x");
  const auto at = record_offsets(s);
  const std::size_t k = at[20];
  s[k + 12 + 4] = 0x00;
  s[k + 12 + 5] = 0x02;  // Sebek v2 in a v3 stream: the boundaries are lost
  for (const Tool& tool : tools()) expect_bad_at(tool, s, k, k, "version 2");
}

TEST(ToolsBadInput, ImpossibleLengthIsGarbage) {
  std::string s = stream("edge");
  const auto at = record_offsets(s);
  const std::size_t k = at[9];
  for (int i = 0; i < 4; ++i) s[k + 64 + i] = '\xff';
  for (const Tool& tool : tools()) expect_bad_at(tool, s, k, k, "data length 4294967295");
}

TEST(ToolsBadInput, TrailingJunkAfterValidStream) {
  const std::string good = stream("x");
  const std::string s = good + std::string(200, '\xab');
  for (const Tool& tool : tools()) expect_bad_at(tool, s, good.size(), good.size(), "version");
}

TEST(ToolsBadInput, BadSecondFileIsNamedAndFirstFileFullyPrinted) {
  const std::string dir = testing::TempDir() + "/bad_second_file";
  std::filesystem::create_directories(dir);
  const std::string s = stream("x");
  const auto at = record_offsets(s);
  const std::string first = dir + "/a.sbk", second = dir + "/b.sbk";
  xebek_test::write_file(first, s.substr(0, at[30]));
  xebek_test::write_file(second, s.substr(at[30], at[40] - at[30] + 10));
  const auto whole = run_process({XEBEK_DIAG}, s.substr(0, at[40]));
  const auto r = run_process({XEBEK_DIAG, first, second});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, whole.out);
  EXPECT_EQ(r.err, "xebek-diag: " + second + ": byte offset " + std::to_string(at[40] - at[30]) +
                       ": truncated record header (10 of 68 bytes)\n");
}

TEST(ToolsBadInput, MissingFileIsReported) {
  const auto r = run_process({XEBEK_KS_LOG, "/nonexistent/sebek.sbk"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "xebek-ks-log: /nonexistent/sebek.sbk: No such file or directory\n");
}

TEST(ToolsBadInput, EmptyInputIsNotAnError) {
  for (const Tool& tool : tools()) {
    const auto r = run_process(tool.argv);
    EXPECT_EQ(r.exit_code, 0) << tool.name;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "");
  }
}

}  // namespace
