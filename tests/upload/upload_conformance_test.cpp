// xebek-upload on the conformance vectors leaves exactly the rows, the
// connection log and the diagnostics that sbk_upload.pl left (oracle_*/).
#include <gtest/gtest.h>

#include "upload_test_support.hpp"

namespace upload_test {
namespace {

void check_vector(const std::string& name) {
  const auto oracle = vectors() / ("oracle_" + name);
  TestDatabase db("conformance_" + name);
  const auto dir = temp_dir("conformance_" + name);
  const auto conlog = dir / "upload_conlog.csv";
  // The oracle's command line, plus the private server and --create-schema.
  const RunResult r = run_upload(
      db, {"-s", "localhost", "-u", "root", "-i", "10.0.0.254", "-l", conlog.string(),
           "--create-schema"},
      vectors() / (name + ".expected.sbk"));
  ASSERT_EQ(r.status, 0) << r.err;
  for (const std::string& table : oracle_tables()) {
    const Table expected = read_tsv(oracle / "db_upload" / (table + ".tsv"));
    // An empty oracle dump has no header; ask for all columns then.
    expect_tables_equal(expected, db.dump(table, expected.header), name + " table " + table);
  }
  EXPECT_EQ(read_file(oracle / "upload_conlog.csv"), read_file(conlog));
  EXPECT_EQ(read_file(oracle / "upload.stderr"), r.err);
}

TEST(UploadConformance, XVectorMatchesOracle) { check_vector("x"); }
TEST(UploadConformance, EdgeVectorMatchesOracle) { check_vector("edge"); }

}  // namespace
}  // namespace upload_test
