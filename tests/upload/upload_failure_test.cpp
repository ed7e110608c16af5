// Database failures and bad input: one clear line and a non-zero exit; a
// rerun resumes after the last committed record without writing any row
// twice, also after a batch that was only partly written.
#include <gtest/gtest.h>

#include "batch_undo.hpp"
#include "batch_writer.hpp"
#include "database_state.hpp"
#include "upload_progress.hpp"
#include "upload_test_support.hpp"

namespace upload_test {
namespace {

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(UploadFailures, UnreachableServerIsOneLine) {
  const auto dir = temp_dir("fail_unreachable");
  const std::string cmd = upload_binary().string() +
                          " --socket /nonexistent/mysqld.sock -d x </dev/null 2>" +
                          (dir / "err").string();
  const int raw = std::system(cmd.c_str());
  const std::string err = read_file(dir / "err");
  EXPECT_NE(raw, 0);
  EXPECT_EQ(lines(err), 1u) << err;
  EXPECT_NE(err.find("xebek-upload: connecting to MariaDB"), std::string::npos) << err;
  EXPECT_NE(err.find("/nonexistent/mysqld.sock"), std::string::npos) << err;
}

TEST(UploadFailures, MissingTableIsOneLine) {
  TestDatabase db("fail_missing_table");
  ASSERT_EQ(run_upload(db, {"--create-schema", "-i", "10.0.0.254"}, "").status, 0);
  db.session().exec("DROP TABLE sys_read");
  const RunResult r = run_upload(db, {"-i", "10.0.0.254"}, vectors() / "x.expected.sbk");
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("lacks the walleye_0_3 table(s) sys_read"), std::string::npos) << r.err;
}

TEST(UploadFailures, LostConnectionThenResumeWithoutDuplicates) {
  TestDatabase db("fail_lost_connection");
  const auto dir = temp_dir("fail_lost_connection");
  const auto conlog = dir / "conlog.csv";
  const std::string stream = read_file(vectors() / "x.expected.sbk");
  const auto at = record_offsets(stream);
  const std::vector<std::string> args = {"-i", "10.0.0.254", "-l", conlog.string(),
                                         "--batch-records", "1"};
  {
    auto bg_args = args;
    bg_args.push_back("--create-schema");
    BackgroundUpload bg(db, bg_args);
    bg.write(stream.substr(0, at[40]));
    ASSERT_TRUE(cut_uploader_connection_at(db, "40"));
    bg.write(stream.substr(at[40]));
    const RunResult r = bg.finish();
    EXPECT_NE(r.status, 0);
    const std::string last = r.err.substr(r.err.rfind('\n', r.err.size() - 2) + 1);
    EXPECT_NE(last.find("xebek-upload: "), std::string::npos) << r.err;
    EXPECT_NE(last.find("40 records (byte offset " + std::to_string(at[40])), std::string::npos)
        << r.err;
    EXPECT_NE(last.find("run again to resume"), std::string::npos) << r.err;
  }
  const RunResult again = run_upload(db, args, vectors() / "x.expected.sbk");
  ASSERT_EQ(again.status, 0) << again.err;
  expect_oracle_tables(db, "x");
  EXPECT_EQ(read_file(vectors() / "oracle_x" / "upload_conlog.csv"), read_file(conlog));
}

// A batch written but never committed (the uploader died in the middle):
// the next run takes it back, then uploads from the committed record on.
TEST(UploadFailures, HalfWrittenBatchIsTakenBack) {
  using namespace sbk_tools::upload;
  TestDatabase db("fail_half_batch");
  const std::vector<std::string> args = {"-i", "10.0.0.254", "--stream-name", "x"};
  auto first = args;
  first.push_back("--create-schema");
  const std::string stream = upload_first_x_records(db, 30, first);
  const auto at = record_offsets(stream);

  // Records 30..69 written as one batch, never committed.
  const std::uint32_t sensor = 167772414;
  {
    ClusterConnection connection({db.params()}, [](Session&) {});
    Session& s = connection.session();
    UploadProgress progress(s, sensor, "x");
    ASSERT_EQ(progress.recover(false).offset, at[30]);
    DatabaseCommands commands(connection, sensor);
    LegacyModel model(sensor, Fixes{}, commands, load_existing_state(s, sensor));
    const UploadBatch batch = replay_batch(model, stream, 30, 70);
    progress.begin_batch(encode_undo(batch, 0));
    BatchWriter(s, sensor).write(batch);
  }
  ASSERT_NE(db.scalar("SELECT COUNT(*) FROM process"), "7");  // half written indeed

  const RunResult r = run_upload(db, args, vectors() / "x.expected.sbk");
  ASSERT_EQ(r.status, 0) << r.err;
  expect_oracle_tables(db, "x");
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM xebek_upload_progress WHERE pending_undo IS NOT NULL"), "0");
}

TEST(UploadFailures, RerunOfACompleteStreamWritesNothing) {
  TestDatabase db("fail_rerun");
  ASSERT_EQ(run_upload(db, {"-i", "10.0.0.254", "--create-schema"}, vectors() / "edge.expected.sbk").status, 0);
  const RunResult r = run_upload(db, {"-i", "10.0.0.254"}, vectors() / "edge.expected.sbk");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  expect_oracle_tables(db, "edge");
}

TEST(UploadFailures, TruncatedStreamNamesOffsetAndKeepsEarlierRecords) {
  TestDatabase db("fail_truncated");
  TestDatabase reference("fail_truncated_ref");
  const auto dir = temp_dir("fail_truncated");
  const std::string stream = read_file(vectors() / "x.expected.sbk");
  const auto at = record_offsets(stream);
  write_file(dir / "cut.sbk", stream.substr(0, at[50] + 30));
  write_file(dir / "whole50.sbk", stream.substr(0, at[50]));
  const RunResult r = run_upload(db, {"-i", "10.0.0.254", "--create-schema"}, dir / "cut.sbk");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("byte offset " + std::to_string(at[50]) + ": truncated"), std::string::npos)
      << r.err;
  ASSERT_EQ(run_upload(reference, {"-i", "10.0.0.254", "--create-schema"}, dir / "whole50.sbk").status, 0);
  for (const std::string& t : oracle_tables()) {
    Table expected = reference.dump(t, {});
    expect_tables_equal(expected, db.dump(t, {}), "truncated " + t);
  }
  EXPECT_NE(db.scalar("SELECT COUNT(*) FROM sys_read"), "0");
}

TEST(UploadFailures, GarbageStreamNamesOffset) {
  TestDatabase db("fail_garbage");
  const auto dir = temp_dir("fail_garbage");
  std::string stream = read_file(vectors() / "x.expected.sbk");
  const auto at = record_offsets(stream);
  stream[at[10] + 12 + 5] = 9;  // Sebek version 9 in record 10
  write_file(dir / "bad.sbk", stream);
  const RunResult r = run_upload(db, {"-i", "10.0.0.254", "--create-schema"}, dir / "bad.sbk");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("byte offset " + std::to_string(at[10]) + ":"), std::string::npos) << r.err;
  // The records before the bad one are there, none after it.
  const auto* c = reinterpret_cast<const unsigned char*>(stream.data() + at[10] + 12 + 8);
  const unsigned counter10 = (c[0] << 24) | (c[1] << 16) | (c[2] << 8) | c[3];
  EXPECT_NE(db.scalar("SELECT COUNT(*) FROM sys_read"), "0");
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM sys_read WHERE counter>=" + std::to_string(counter10)), "0");
}

}  // namespace
}  // namespace upload_test
