#include "upload_test_support.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "sebekd_format/stream.hpp"

namespace upload_test {

namespace fs = std::filesystem;
using sbk_tools::upload::ConnectParams;
using sbk_tools::upload::Session;

namespace {

// The environment wins, so that a run by hand can point elsewhere.
std::string env(const char* name, const char* built_in) {
  const char* v = std::getenv(name);
  return v && *v ? v : built_in;
}

bool is_number(const std::string& s) {
  if (s.empty()) return false;
  std::size_t i = s[0] == '-' ? 1 : 0;
  return i < s.size() && std::all_of(s.begin() + i, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

fs::path vectors() { return env("XEBEK_VECTORS", UPLOAD_TEST_VECTORS); }
fs::path upload_binary() {
  return fs::path(env("XEBEK_BINARY_DIR", UPLOAD_TEST_BINARY_DIR)) / "compat/sbk_tools/upload/xebek-upload";
}
std::string socket_path() { return env("XEBEK_UPLOAD_MARIADB_SOCKET", UPLOAD_TEST_SOCKET); }

void sort_rows(std::vector<Row>& rows) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
      if (a[i] == b[i]) continue;
      if (is_number(a[i]) && is_number(b[i])) return std::stoll(a[i]) < std::stoll(b[i]);
      return a[i] < b[i];
    }
    return a.size() < b.size();
  });
}

Table read_tsv(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  Table t;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    Row row;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= line.size(); ++i)
      if (i == line.size() || line[i] == '\t') {
        row.push_back(line.substr(start, i - start));
        start = i + 1;
      }
    if (first) t.header = row; else t.rows.push_back(row);
    first = false;
  }
  sort_rows(t.rows);
  return t;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path temp_dir(const std::string& test) {
  fs::path dir = fs::path(env("XEBEK_BINARY_DIR", UPLOAD_TEST_BINARY_DIR)) / "tests/upload/work" / test;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<std::string> oracle_tables() {
  return {"command", "process", "process_to_com", "process_tree", "sbk_loss",
          "sys_open", "sys_read", "sys_socket", "sys_write"};
}

ConnectParams fixture_server(const std::string& database) {
  ConnectParams p;
  p.socket = socket_path();
  p.database = database;
  return p;
}

TestDatabase::TestDatabase(const std::string& name) : TestDatabase(name, fixture_server("")) {}

TestDatabase::TestDatabase(const std::string& name, const ConnectParams& server)
    : name_("t_" + name), server_(server) {
  server_.database = "";
  admin_ = std::make_unique<Session>(server_);
  admin_->exec("DROP DATABASE IF EXISTS " + name_);
  admin_->exec("CREATE DATABASE " + name_);
  session_ = std::make_unique<Session>(params());
}

TestDatabase::~TestDatabase() {
  session_.reset();
  try {
    // A fresh connection: the server may have been restarted since.
    Session admin(server_);
    admin.exec("DROP DATABASE IF EXISTS " + name_);
  } catch (...) {
  }
}

ConnectParams TestDatabase::params() const {
  ConnectParams p = server_;
  p.database = name_;
  return p;
}

Table dump_table(Session& session, const std::string& table, const Row& header,
                 const std::string& where) {
  std::string cols;
  for (const std::string& h : header) {
    if (!cols.empty()) cols += ',';
    const bool hex = h.size() > 4 && h.ends_with("_hex");
    cols += hex ? "HEX(`" + h.substr(0, h.size() - 4) + "`)" : "`" + h + "`";
  }
  Table t;
  for (auto& r : session.query("SELECT " + (cols.empty() ? "*" : cols) + " FROM " + table +
                               (where.empty() ? "" : " WHERE " + where))) {
    Row row;
    for (auto& v : r) row.push_back(v.value_or("NULL"));
    t.rows.push_back(row);
  }
  if (!t.rows.empty()) t.header = header;
  sort_rows(t.rows);
  return t;
}

Table TestDatabase::dump(const std::string& table, const Row& header) {
  return dump_table(*session_, table, header);
}

std::string TestDatabase::scalar(const std::string& sql) {
  auto rows = session_->query(sql);
  if (rows.empty() || rows[0].empty()) return "";
  return rows[0][0].value_or("NULL");
}

RunResult run_upload(const TestDatabase& db, const std::vector<std::string>& args,
                     const fs::path& input) {
  std::vector<std::string> all = {"--socket", socket_path(), "-d", db.name()};
  all.insert(all.end(), args.begin(), args.end());
  return run_upload_with(all, input, db.name());
}

RunResult run_upload_with(const std::vector<std::string>& args, const fs::path& input,
                          const std::string& run_name) {
  const fs::path err = temp_dir("run_" + run_name) / "stderr";
  std::string cmd = shell_quote(upload_binary().string());
  for (const std::string& a : args) {
    cmd += ' ';
    cmd += shell_quote(a);
  }
  cmd += " <" + shell_quote(input.empty() ? "/dev/null" : input.string()) + " 2>" +
         shell_quote(err.string());
  const int raw = std::system(cmd.c_str());
  RunResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  r.err = read_file(err);
  return r;
}

void expect_tables_equal(const Table& expected, const Table& actual, const std::string& what) {
  EXPECT_EQ(expected.header, actual.header) << what << ": header";
  const std::size_t n = std::max(expected.rows.size(), actual.rows.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (i >= expected.rows.size() || i >= actual.rows.size() || expected.rows[i] != actual.rows[i]) {
      auto show = [](const std::vector<Row>& rows, std::size_t i) {
        if (i >= rows.size()) return std::string("(no row)");
        std::string s;
        for (const auto& c : rows[i]) {
          if (!s.empty()) s += '\t';
          s += c.substr(0, 60);
        }
        return s;
      };
      ADD_FAILURE() << what << ": " << expected.rows.size() << " rows expected, "
                    << actual.rows.size() << " found; first difference at sorted row " << i
                    << "\n  expected: " << show(expected.rows, i)
                    << "\n  actual:   " << show(actual.rows, i);
      return;
    }
  }
}

}  // namespace upload_test

#include <fcntl.h>
#include <unistd.h>

#include <csignal>

namespace upload_test {

std::vector<std::size_t> record_offsets(const std::string& s) {
  std::vector<std::size_t> out;
  std::size_t at = 0;
  while (at + 68 <= s.size()) {
    out.push_back(at);
    const auto* p = reinterpret_cast<const unsigned char*>(s.data() + at + 64);
    at += 68 + ((std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) | (std::size_t{p[2]} << 8) | p[3]);
  }
  out.push_back(at);
  return out;
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string upload_first_x_records(TestDatabase& db, std::size_t records,
                                   const std::vector<std::string>& args) {
  const std::string stream = read_file(vectors() / "x.expected.sbk");
  const fs::path part = temp_dir("part_" + db.name()) / "part.sbk";
  write_file(part, stream.substr(0, record_offsets(stream).at(records)));
  const RunResult r = run_upload(db, args, part);
  EXPECT_EQ(r.status, 0) << r.err;
  return stream;
}

bool cut_uploader_connection_at(TestDatabase& db, const std::string& records) {
  std::string committed;
  for (int i = 0; i < 500 && committed != records; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    try {
      committed = db.scalar("SELECT committed_records FROM xebek_upload_progress");
    } catch (const std::exception&) {
      // The uploader has not created the table yet.
    }
  }
  EXPECT_EQ(committed, records);
  const std::string id = db.scalar("SELECT id FROM information_schema.processlist WHERE db='" +
                                   db.name() + "' AND id<>CONNECTION_ID()");
  EXPECT_FALSE(id.empty());
  if (committed != records || id.empty()) return false;
  db.session().exec("KILL " + id);
  return true;
}

sbk_tools::upload::UploadBatch replay_batch(sbk_tools::upload::LegacyModel& model,
                                        const std::string& stream, std::size_t first,
                                        std::size_t last) {
  sbk_tools::upload::UploadBatch batch;
  model.begin(batch);
  sebekd_format::StreamDecoder dec;
  dec.feed(std::span(reinterpret_cast<const std::uint8_t*>(stream.data()), stream.size()));
  sebekd_format::StreamRecord rec;
  std::string conlog, diagnostics;
  for (std::size_t i = 0; i < last && dec.next(rec) == sebekd_format::StreamDecoder::Status::Record; ++i)
    i < first ? model.skip(rec) : model.apply(rec, batch, conlog, diagnostics);
  model.complete(batch);
  return batch;
}

void expect_oracle_tables(TestDatabase& db, const std::string& name) {
  expect_oracle_tables(db.session(), name);
}

void expect_oracle_tables(Session& db, const std::string& name) {
  const auto oracle = vectors() / ("oracle_" + name) / "db_upload";
  for (const std::string& table : oracle_tables()) {
    const Table expected = read_tsv(oracle / (table + ".tsv"));
    expect_tables_equal(expected, dump_table(db, table, expected.header), name + " table " + table);
  }
}

BackgroundUpload::BackgroundUpload(const TestDatabase& db, const std::vector<std::string>& args) {
  err_ = temp_dir("bg_" + db.name()) / "stderr";
  std::vector<std::string> argv = {"--socket", socket_path(), "-d", db.name()};
  argv.insert(argv.end(), args.begin(), args.end());
  start(argv);
}

BackgroundUpload::BackgroundUpload(const std::vector<std::string>& args,
                                   const std::string& run_name) {
  err_ = temp_dir("bg_" + run_name) / "stderr";
  start(args);
}

void BackgroundUpload::start(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {upload_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(fds[0], 0);
    const int e = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(e, 2);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> c;
    for (auto& a : argv) c.push_back(a.data());
    c.push_back(nullptr);
    ::execv(c[0], c.data());
    ::_exit(127);
  }
  ::close(fds[0]);
  stdin_fd_ = fds[1];
}

BackgroundUpload::~BackgroundUpload() {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void BackgroundUpload::write(const std::string& bytes) {
  std::signal(SIGPIPE, SIG_IGN);  // the uploader may have quit already
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(stdin_fd_, bytes.data() + done, bytes.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

RunResult BackgroundUpload::finish() {
  ::close(stdin_fd_);
  stdin_fd_ = -1;
  int raw = 0;
  ::waitpid(pid_, &raw, 0);
  pid_ = -1;
  RunResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  r.err = read_file(err_);
  return r;
}

}  // namespace upload_test
