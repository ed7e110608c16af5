// xebek-ks-log, xebek-viewer and xebek-diag on both golden streams give
// exactly what sbk_ks_log.pl, sbk_viewer.pl and sbk_diag.pl printed
// (tests/vectors/oracle_*), read from a file and from stdin. The only
// normalisation is the order inside the UID and COM lists of keystroke
// lines (sorted by Xebek, Perl hash order in the originals), and Xebek's
// own output must already be in that sorted order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/hash_order.hpp"
#include "support/run_process.hpp"

namespace {

using xebek_test::read_file;
using xebek_test::run_process;
using xebek_test::sort_uid_com_lists;
using xebek_test::vectors_dir;

struct Case {
  std::string vector;        // x or edge
  std::string tool;          // binary path
  std::vector<std::string> options;
  std::string oracle;        // file name in oracle_<vector>/
  bool lists = false;        // output holds UID/COM lists
};

std::string case_name(const testing::TestParamInfo<Case>& info) {
  std::string n = info.param.vector + "_" + info.param.oracle;
  for (char& c : n)
    if (c == '.') c = '_';
  return n;
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (std::string v : {"x", "edge"}) {
    cases.push_back({v, XEBEK_KS_LOG, {}, "ks_log.txt", true});
    cases.push_back({v, XEBEK_DIAG, {}, "diag.txt", false});
    cases.push_back({v, XEBEK_VIEWER, {}, "viewer.txt", false});
    cases.push_back({v, XEBEK_VIEWER, {"-v"}, "viewer_v.txt", true});
    cases.push_back({v, XEBEK_VIEWER, {"-V"}, "viewer_V.txt", false});
    cases.push_back({v, XEBEK_VIEWER, {"-v", "-V"}, "viewer_vV.txt", true});
  }
  return cases;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.vector << "/" << c.oracle; }

class ToolsConformance : public testing::TestWithParam<Case> {};

void expect_matches_oracle(const Case& c, const std::string& out) {
  const std::string oracle =
      read_file(vectors_dir() + "/oracle_" + c.vector + "/" + c.oracle);
  ASSERT_FALSE(oracle.empty());
  if (c.lists) {
    EXPECT_EQ(out, sort_uid_com_lists(out)) << "UID/COM lists must be sorted";
    EXPECT_EQ(out, sort_uid_com_lists(oracle));
  } else {
    EXPECT_EQ(out, oracle);
  }
}

TEST_P(ToolsConformance, FileArgumentMatchesOracle) {
  const Case& c = GetParam();
  std::vector<std::string> argv{c.tool};
  argv.insert(argv.end(), c.options.begin(), c.options.end());
  argv.push_back(vectors_dir() + "/" + c.vector + ".expected.sbk");
  const auto r = run_process(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  expect_matches_oracle(c, r.out);
}

TEST_P(ToolsConformance, StdinMatchesOracle) {
  const Case& c = GetParam();
  std::vector<std::string> argv{c.tool};
  argv.insert(argv.end(), c.options.begin(), c.options.end());
  const auto r =
      run_process(argv, read_file(vectors_dir() + "/" + c.vector + ".expected.sbk"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  expect_matches_oracle(c, r.out);
}

INSTANTIATE_TEST_SUITE_P(Vectors, ToolsConformance, testing::ValuesIn(all_cases()), case_name);

// The chain an operator runs: Xebek's extractor on the capture, piped into
// Xebek's tools, reproduces what the original chain printed.
TEST(ToolsConformanceChain, ExtractedFromPcapMatchesOracle) {
  for (std::string v : {"x", "edge"}) {
    const auto extracted = run_process({XEBEK_EXTRACT, "-f", vectors_dir() + "/" + v + ".pcap"});
    ASSERT_EQ(extracted.exit_code, 0) << extracted.err;
    const auto ks = run_process({XEBEK_KS_LOG}, extracted.out);
    EXPECT_EQ(ks.exit_code, 0);
    EXPECT_EQ(ks.out, sort_uid_com_lists(read_file(vectors_dir() + "/oracle_" + v + "/ks_log.txt")))
        << v;
    const auto diag = run_process({XEBEK_DIAG}, extracted.out);
    EXPECT_EQ(diag.out, read_file(vectors_dir() + "/oracle_" + v + "/diag.txt")) << v;
  }
}

}  // namespace
