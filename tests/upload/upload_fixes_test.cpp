// The three defects of sbk_upload.pl: kept by default (the conformance
// tests pin the default rows), fixed behind an option. Each test runs both
// ways and checks the rows that differ.
#include <gtest/gtest.h>

#include "upload_test_support.hpp"

namespace upload_test {
namespace {

const std::vector<std::string> kBase = {"-i", "10.0.0.254", "--create-schema"};

std::vector<std::string> with(std::vector<std::string> extra) {
  extra.insert(extra.begin(), kBase.begin(), kBase.end());
  return extra;
}

// edge: 10.0.0.25's first record is pid 1 (init) with parent pid 0 and
// counter 0; the original loses it.
TEST(UploadFixes, Ppid0FirstRecordLostByDefault) {
  TestDatabase db("fix_ppid0_default");
  const RunResult r = run_upload(db, with({}), vectors() / "edge.expected.sbk");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM sys_read WHERE process_id=7 AND counter=0"), "0");
  EXPECT_NE(r.err.find("reconnecting to the datbase"), std::string::npos);
}

TEST(UploadFixes, Ppid0FirstRecordKeptWithOption) {
  TestDatabase db("fix_ppid0_fixed");
  const RunResult r =
      run_upload(db, with({"--keep-ppid0-record"}), vectors() / "edge.expected.sbk");
  ASSERT_EQ(r.status, 0) << r.err;
  // The kept record becomes the process's first read; the later one moves up.
  EXPECT_EQ(db.scalar("SELECT GROUP_CONCAT(CONCAT(sys_read_id,':',counter,':',HEX(data)) "
                      "ORDER BY sys_read_id) FROM sys_read WHERE process_id=7"),
            "1:0:73,2:1:0A");
  EXPECT_EQ(db.scalar("SELECT pid FROM process WHERE process_id=7"), "1");
  EXPECT_EQ(r.err.find("cannot be null"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("reconnecting"), std::string::npos) << r.err;
  // Nothing else changes: every other sys_read row is the oracle's.
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM sys_read WHERE process_id<>7"), "29");
}

TEST(UploadFixes, SbkLossEmptyByDefault) {
  TestDatabase db("fix_loss_default");
  const RunResult r = run_upload(db, with({}), vectors() / "x.expected.sbk");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("1700000003: host 167772183: lost 1"), std::string::npos);
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM sbk_loss"), "0");
}

TEST(UploadFixes, SbkLossWrittenWithOption) {
  TestDatabase db("fix_loss_fixed");
  const RunResult r = run_upload(db, with({"--write-sbk-loss"}), vectors() / "x.expected.sbk");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(db.scalar("SELECT GROUP_CONCAT(CONCAT_WS(',',sensor_id,src_ip,time,lost)) "
                      "FROM sbk_loss"),
            "167772414,167772183,1700000003,1");
}

TEST(UploadFixes, DuplicateCounterReportedAsLostMinusOneByDefault) {
  TestDatabase db("fix_dup_default");
  const RunResult r = run_upload(db, with({"--write-sbk-loss"}), vectors() / "edge.expected.sbk");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("1700001008: host 167772183: lost -1\n"), std::string::npos) << r.err;
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM sbk_loss"), "2");
}

TEST(UploadFixes, DuplicateCounterNotLostWithOption) {
  TestDatabase db("fix_dup_fixed");
  const RunResult r = run_upload(db, with({"--write-sbk-loss", "--duplicate-counter-not-lost"}),
                                 vectors() / "edge.expected.sbk");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("lost -1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1700001008: host 167772183: lost 6\n"), std::string::npos) << r.err;
  EXPECT_EQ(db.scalar("SELECT GROUP_CONCAT(CONCAT_WS(',',src_ip,time,lost)) FROM sbk_loss"),
            "167772183,1700001008,6");
}

}  // namespace
}  // namespace upload_test
