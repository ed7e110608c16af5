// The InnoDB layout on a single server (the fixture's): the same rows as
// the classic layout, a primary key on every table, ids that continue
// exactly after a resume, conflicts retried, a lost server replaced by the
// next one of -s, and the errors of a bad server list.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "batch_commit.hpp"
#include "database_state.hpp"
#include "synthetic_stream.hpp"
#include "upload_progress.hpp"
#include "upload_test_support.hpp"

namespace upload_test {
namespace {

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

const std::vector<std::string> kInnodb = {"--create-schema", "--engine", "innodb"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

void check_vector(const std::string& name) {
  const auto oracle = vectors() / ("oracle_" + name);
  TestDatabase db("innodb_" + name);
  const auto conlog = temp_dir("innodb_" + name) / "upload_conlog.csv";
  const RunResult r = run_upload(db, with({"-i", "10.0.0.254", "-l", conlog.string()}, kInnodb),
                                 vectors() / (name + ".expected.sbk"));
  ASSERT_EQ(r.status, 0) << r.err;
  expect_oracle_tables(db, name);
  EXPECT_EQ(read_file(oracle / "upload_conlog.csv"), read_file(conlog));
  EXPECT_EQ(read_file(oracle / "upload.stderr"), r.err);
}

TEST(UploadInnodb, XVectorMatchesOracle) { check_vector("x"); }
TEST(UploadInnodb, EdgeVectorMatchesOracle) { check_vector("edge"); }

TEST(UploadInnodb, EveryTableIsInnodbWithAPrimaryKey) {
  TestDatabase db("innodb_layout");
  ASSERT_EQ(run_upload(db, with({"-i", "10.0.0.254"}, kInnodb), "").status, 0);
  const std::string where = " FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA='" + db.name() + "'";
  EXPECT_EQ(db.scalar("SELECT COUNT(*)" + where), "10");
  EXPECT_EQ(db.scalar("SELECT COUNT(*)" + where + " AND ENGINE<>'InnoDB'"), "0");
  EXPECT_EQ(db.scalar("SELECT COUNT(*)" + where +
                      " AND NOT EXISTS (SELECT 1 FROM information_schema.STATISTICS s WHERE "
                      "s.TABLE_SCHEMA=t.TABLE_SCHEMA AND s.TABLE_NAME=t.TABLE_NAME AND "
                      "s.INDEX_NAME='PRIMARY')"),
            "0");
  // sbk_loss keeps its four visible columns.
  db.session().exec("INSERT INTO sbk_loss VALUES (1,2,3,4)");
  EXPECT_EQ(db.dump("sbk_loss", {}).rows, (std::vector<Row>{{"1", "2", "3", "4"}}));
}

// Ids continue exactly across runs, from the marks kept with the progress,
// even where the highest rows are gone.
TEST(UploadInnodb, ResumedUploadContinuesTheIds) {
  TestDatabase db("innodb_resume");
  const auto dir = temp_dir("innodb_resume");
  const std::vector<std::string> args = {"-i", "10.0.0.254", "--stream-name", "x"};
  upload_first_x_records(db, 30, with(args, kInnodb));
  ASSERT_EQ(db.scalar("SELECT max_process_id FROM xebek_upload_progress"),
            db.scalar("SELECT MAX(process_id) FROM process"));
  const RunResult r = run_upload(db, args, vectors() / "x.expected.sbk");
  ASSERT_EQ(r.status, 0) << r.err;
  expect_oracle_tables(db, "x");

  // Without the marks, a new process would take the id of the last one.
  db.session().exec("DELETE FROM process WHERE process_id=(SELECT MAX(process_id) FROM process)");
  const std::string mark = db.scalar("SELECT max_process_id FROM xebek_upload_progress");
  write_file(dir / "more.sbk", synthetic_stream(vectors(), 600));
  const RunResult more = run_upload(db, {"-i", "10.0.0.254", "--stream-name", "more"}, dir / "more.sbk");
  ASSERT_EQ(more.status, 0) << more.err;
  EXPECT_NE(db.scalar("SELECT COUNT(*) FROM process WHERE process_id>" + mark), "0");
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM process WHERE process_id=" + mark), "0");
}

// A row lock held by another transaction makes the batch's transaction
// time out: it is rolled back and retried until the lock is released.
TEST(UploadInnodb, LockConflictIsRetried) {
  TestDatabase db("innodb_conflict");
  const std::vector<std::string> args = {"-i", "10.0.0.254", "--stream-name", "x"};
  const std::string stream = upload_first_x_records(db, 30, with(args, kInnodb));

  db.session().exec("SET GLOBAL innodb_lock_wait_timeout=1");
  struct Restore {
    TestDatabase& db;
    ~Restore() { db.session().exec("SET GLOBAL innodb_lock_wait_timeout=50"); }
  } restore{db};
  sbk_tools::upload::Session holder(db.params());
  holder.exec("START TRANSACTION");
  holder.exec("SELECT * FROM xebek_upload_progress FOR UPDATE");
  BackgroundUpload bg(db, args);
  bg.write(stream);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  holder.exec("COMMIT");
  const RunResult r = bg.finish();
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("(error 1205)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("retrying in"), std::string::npos) << r.err;
  expect_oracle_tables(db, "x");
}

// The connection is cut after 40 committed records: the uploader moves to
// the next server of -s (here the same server under its other name) and
// finishes, with no row or connection-log line twice.
TEST(UploadInnodb, LostServerIsReplacedByTheNextOne) {
  TestDatabase db("innodb_failover");
  const auto dir = temp_dir("innodb_failover");
  const auto conlog = dir / "conlog.csv";
  const std::string stream = read_file(vectors() / "x.expected.sbk");
  const auto at = record_offsets(stream);
  BackgroundUpload bg({"-s", "/nonexistent/first.sock," + socket_path() + "," + socket_path(),
                       "-d", db.name(), "-i", "10.0.0.254", "-l", conlog.string(),
                       "--batch-records", "1", "--create-schema", "--engine", "innodb"},
                      db.name());
  bg.write(stream.substr(0, at[40]));
  ASSERT_TRUE(cut_uploader_connection_at(db, "40"));
  bg.write(stream.substr(at[40]));
  const RunResult r = bg.finish();
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("continuing on socket " + socket_path()), std::string::npos) << r.err;
  expect_oracle_tables(db, "x");
  EXPECT_EQ(read_file(vectors() / "oracle_x" / "upload_conlog.csv"), read_file(conlog));
}

// The attempt whose COMMIT went through but whose answer was lost (its
// node died at that moment): the retry, on the next node, finds the
// position already moved to the batch's end and writes nothing again.
// A writer that expects another position is refused.
TEST(UploadInnodb, CommittedBatchIsNotWrittenAgainAndAStaleWriterIsRefused) {
  using namespace sbk_tools::upload;
  TestDatabase db("innodb_lost_answer");
  const std::vector<std::string> args = {"-i", "10.0.0.254", "--stream-name", "x"};
  const std::string stream = upload_first_x_records(db, 30, with(args, kInnodb));
  std::vector<Table> before;
  for (const std::string& t : oracle_tables()) before.push_back(db.dump(t, {}));

  const std::uint32_t sensor = 167772414;
  ClusterConnection connection({db.params()}, [](Session&) {});
  UploadProgress progress(connection.session(), sensor, "x");
  const StreamPosition committed = progress.recover(false);
  ASSERT_EQ(committed.records, 30u);
  // The same 30 records as the lost attempt saw them: from an empty sensor.
  DatabaseCommands commands(connection, sensor);
  LegacyModel model(sensor, Fixes{}, commands, ExistingState{});
  const UploadBatch batch = replay_batch(model, stream, 0, 30);
  ASSERT_TRUE(batch.has_rows());

  bool reported = false;
  make_transaction_commit(connection, sensor, progress, StreamPosition{}, "x")
      ->commit(batch, committed, [&] { reported = true; });
  EXPECT_TRUE(reported);
  for (std::size_t i = 0; i < oracle_tables().size(); ++i)
    expect_tables_equal(before[i], db.dump(oracle_tables()[i], {}), oracle_tables()[i]);

  // A writer whose idea of the position is stale (a second upload of the
  // same stream) is refused, and its rows rolled back.
  StreamPosition elsewhere = committed;
  elsewhere.records += 1;
  try {
    make_transaction_commit(connection, sensor, progress, StreamPosition{}, "x")
        ->commit(batch, elsewhere, [] {});
    ADD_FAILURE() << "a stale writer was let through";
  } catch (const DbError& e) {
    EXPECT_NE(std::string(e.what()).find("moved to byte offset " + std::to_string(committed.offset) +
                                         " by another upload"),
              std::string::npos)
        << e.what();
  }
  connection.session().exec("ROLLBACK");
  for (std::size_t i = 0; i < oracle_tables().size(); ++i)
    expect_tables_equal(before[i], db.dump(oracle_tables()[i], {}), oracle_tables()[i]);
}

TEST(UploadInnodb, NoServerAnswersIsOneLine) {
  const RunResult r = run_upload_with(
      {"-s", "/nonexistent/a.sock,/nonexistent/b.sock", "-d", "x"}, "", "innodb_no_server");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("xebek-upload: no server of -s answers"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/b.sock"), std::string::npos) << r.err;
}

TEST(UploadInnodb, SeveralServersNeedTheInnodbLayout) {
  TestDatabase db("innodb_myisam_list");
  const RunResult r = run_upload_with({"-s", socket_path() + "," + socket_path(), "-d", db.name(),
                                       "--create-schema"},
                                      "", db.name());
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("several servers in -s need the InnoDB layout"), std::string::npos) << r.err;
}

TEST(UploadInnodb, BadServerListAndEngineAreUsageErrors) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-s", "node1:99999"}, {"-s", "a,,b"}, {"-s", "[::1"}, {"--engine", "innodb"},
           {"--create-schema", "--engine", "aria"}}) {
    const RunResult r = run_upload_with(args, "", "innodb_usage");
    EXPECT_EQ(r.status, 2) << args[1];
    EXPECT_EQ(lines(r.err), 1u) << r.err;
  }
}

}  // namespace
}  // namespace upload_test
