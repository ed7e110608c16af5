// What the upload tests share: a fresh database per test on the private
// MariaDB server that the ctest fixture started, running the xebek-upload
// binary, and reading tables back in the form of the oracle's TSV dumps.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "legacy_model.hpp"
#include "mariadb_session.hpp"

namespace upload_test {

using Row = std::vector<std::string>;

struct Table {
  Row header;              // empty for an empty dump
  std::vector<Row> rows;   // sorted (see sort_rows)
};

std::filesystem::path vectors();
std::filesystem::path upload_binary();
std::string socket_path();

// Sorts rows by their columns, numerically where both values are numbers.
// The oracle lists rows in the server's scan order; the primary key makes
// every row unique, so sorted lists are equal exactly when the tables are.
void sort_rows(std::vector<Row>& rows);

// A TSV dump as the oracle's db_upload/*.tsv: header row, tab-separated.
Table read_tsv(const std::filesystem::path& path);

// The private server of the fixture, database `database`.
sbk_tools::upload::ConnectParams fixture_server(const std::string& database);

// `table`'s rows in the oracle's form: the columns of `header` (NAME_hex
// is HEX(NAME); empty: all), NULL as "NULL", only rows matching `where`
// (an SQL condition, or empty); an empty Table when there are none.
Table dump_table(sbk_tools::upload::Session& session, const std::string& table, const Row& header,
                 const std::string& where = "");

// A database created empty for one test (named after it) and dropped after,
// on the fixture's server or on `server` (a cluster node: the database
// appears on every node).
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& name);
  TestDatabase(const std::string& name, const sbk_tools::upload::ConnectParams& server);
  ~TestDatabase();
  const std::string& name() const { return name_; }
  sbk_tools::upload::ConnectParams params() const;
  sbk_tools::upload::Session& session() { return *session_; }
  // The table in the oracle's form: the columns of `header` (NAME_hex is
  // HEX(NAME)), NULL as "NULL", or an empty Table when it has no rows.
  Table dump(const std::string& table, const Row& header);
  std::string scalar(const std::string& sql);

 private:
  std::string name_;
  sbk_tools::upload::ConnectParams server_;
  std::unique_ptr<sbk_tools::upload::Session> admin_, session_;
};

struct RunResult {
  int status = -1;
  std::string err;
};

// Runs xebek-upload against `db` with `args`, stdin from `input` (or
// /dev/null when empty).
RunResult run_upload(const TestDatabase& db, const std::vector<std::string>& args,
                     const std::filesystem::path& input);
// Runs xebek-upload with exactly `args` (the server and database included).
RunResult run_upload_with(const std::vector<std::string>& args, const std::filesystem::path& input,
                          const std::string& run_name);

std::string read_file(const std::filesystem::path& path);
std::filesystem::path temp_dir(const std::string& test);

// The names of the walleye tables the oracle dumped.
std::vector<std::string> oracle_tables();

// Fails the current test (with the first difference) unless equal.
void expect_tables_equal(const Table& expected, const Table& actual, const std::string& what);

}  // namespace upload_test

namespace upload_test {

// Byte offsets where each record of an sbk stream starts, plus its end.
std::vector<std::size_t> record_offsets(const std::string& stream);
void write_file(const std::filesystem::path& path, const std::string& bytes);

// Uploads the first `records` records of x.expected.sbk into `db` with
// `args` (which must succeed) and returns the whole x stream.
std::string upload_first_x_records(TestDatabase& db, std::size_t records,
                                   const std::vector<std::string>& args);

// Waits (up to 10 s) until the stream uploaded into `db` has `records`
// records committed, then kills the uploader's connection (the one other
// connection to `db`). False, with a test failure, when either fails.
bool cut_uploader_connection_at(TestDatabase& db, const std::string& records);

// The batch `model` builds from records [first, last) of `stream`, the
// records before `first` skipped as already uploaded; completed, ready for
// a writer.
sbk_tools::upload::UploadBatch replay_batch(sbk_tools::upload::LegacyModel& model,
                                        const std::string& stream, std::size_t first,
                                        std::size_t last);

// Every oracle table of `name` (x or edge) compared with `db`.
void expect_oracle_tables(TestDatabase& db, const std::string& name);
void expect_oracle_tables(sbk_tools::upload::Session& db, const std::string& name);

// xebek-upload running in the background with its stdin on a pipe.
class BackgroundUpload {
 public:
  BackgroundUpload(const TestDatabase& db, const std::vector<std::string>& args);
  // With exactly `args` (the server and database included).
  BackgroundUpload(const std::vector<std::string>& args, const std::string& run_name);
  ~BackgroundUpload();
  void write(const std::string& bytes);
  RunResult finish();  // closes stdin, waits

 private:
  void start(const std::vector<std::string>& argv);

  int pid_ = -1, stdin_fd_ = -1;
  std::filesystem::path err_;
};

}  // namespace upload_test
