// xebek-extract on the reference captures prints the stream the original
// sbk_extract printed, byte for byte, and the same stderr lines (its
// wall-clock dates masked as in the oracle files).
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <regex>
#include <string>

#include "test_support.hpp"

namespace {

using xebek_test::Bytes;

const std::string kExtract = XEBEK_EXTRACT_PATH;

// sbk_extract's loss lines carry the wall-clock time "YYYY/MM/DD hh:mm:ss";
// masks them and checks that each one is the current UTC time.
std::vector<std::string> mask_dates(const std::string& err, std::time_t before, std::time_t after) {
  static const std::regex date(R"((\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2}))");
  std::vector<std::string> out;
  for (const std::string& line : xebek_test::split_lines(err)) {
    std::smatch m;
    if (std::regex_search(line, m, date)) {
      std::tm tm{};
      tm.tm_year = std::stoi(m[1]) - 1900;
      tm.tm_mon = std::stoi(m[2]) - 1;
      tm.tm_mday = std::stoi(m[3]);
      tm.tm_hour = std::stoi(m[4]);
      tm.tm_min = std::stoi(m[5]);
      tm.tm_sec = std::stoi(m[6]);
      const std::time_t t = timegm(&tm);
      EXPECT_GE(t, before) << line;
      EXPECT_LE(t, after) << line;
    }
    out.push_back(std::regex_replace(line, date, "YYYY/MM/DD hh:mm:ss"));
  }
  return out;
}

class ExtractVectors : public ::testing::TestWithParam<std::string> {};

TEST_P(ExtractVectors, StreamAndStderrMatchTheOriginal) {
  const std::string name = GetParam();
  const std::string vectors = xebek_test::vectors_dir();
  // The oracle ran "sbk_extract -f conformance/NAME.pcap" and its stderr
  // names the file that way.
  xebek_test::TempDir dir;
  std::filesystem::create_directory_symlink(vectors, dir.file("conformance"));
  const std::time_t before = std::time(nullptr);
  const auto r = xebek_test::run_process({kExtract, "-f", "conformance/" + name + ".pcap"}, dir.path());
  const std::time_t after = std::time(nullptr);
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const Bytes expected = xebek_test::read_bytes(vectors + "/" + name + ".expected.sbk");
  EXPECT_EQ(r.out.size(), expected.size());
  EXPECT_TRUE(r.out == expected) << "the stream differs from " << name << ".expected.sbk";
  const auto oracle = xebek_test::split_lines(
      xebek_test::read_text(vectors + "/oracle_" + name + "/sbk_extract.stderr.norm"));
  EXPECT_EQ(mask_dates(r.err, before, after), oracle);
}

TEST_P(ExtractVectors, AnotherPortFindsNothingButTheOpeningLine) {
  const std::string path = xebek_test::vectors_dir() + "/" + GetParam() + ".pcap";
  const auto r = xebek_test::run_process({kExtract, "-p", "2000", "-f", path});
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(xebek_test::split_lines(r.err),
            std::vector<std::string>{" opening " + path + ": looking for UDP dst port 2000"});
}

INSTANTIATE_TEST_SUITE_P(Vectors, ExtractVectors, ::testing::Values("x", "edge"),
                         [](const auto& info) { return info.param; });

}  // namespace
