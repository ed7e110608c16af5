// A connection to MariaDB through the C client, and prepared statements
// that run once for a whole array of parameter rows (the server's bulk
// execution), so a batch of records costs a handful of round trips.
// Every failure becomes a DbError whose message is one line saying what was
// being done and what the server or client library answered.
#pragma once

#include <mysql.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sbk_tools::upload {

class DbError : public std::runtime_error {
 public:
  DbError(const std::string& what, unsigned code) : std::runtime_error(what), code_(code) {}
  unsigned code() const { return code_; }  // server or client error number
 private:
  unsigned code_;
};

struct ConnectParams {
  std::string host = "localhost";
  unsigned port = 3306;
  std::string socket;  // empty: the client library's default
  std::string user = "root";
  std::string password;
  std::string database = "walleye_0_3";
};

// One column of parameters for a bulk statement: integers or byte strings.
class ParamColumn {
 public:
  static ParamColumn integers() { return ParamColumn(false); }
  static ParamColumn bytes() { return ParamColumn(true); }
  void push(std::int64_t v) { ints_.push_back(v); }
  void push(std::string_view v) {
    ptrs_.push_back(v.data());
    lengths_.push_back(static_cast<unsigned long>(v.size()));
  }
  std::size_t size() const { return is_bytes_ ? ptrs_.size() : ints_.size(); }
  void clear() { ints_.clear(); ptrs_.clear(); lengths_.clear(); }
  void bind(MYSQL_BIND& b);

 private:
  explicit ParamColumn(bool is_bytes) : is_bytes_(is_bytes) {}
  bool is_bytes_;
  std::vector<long long> ints_;
  std::vector<const char*> ptrs_;  // not owned: valid until the statement ran
  std::vector<unsigned long> lengths_;
};

class Session;

class Statement {
 public:
  Statement(Session& session, std::string sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Executes once per row of `columns` (all the same length) in one round
  // trip; returns the affected rows.
  std::uint64_t execute(std::vector<ParamColumn>& columns);
  // Single execution of the first row, for statements the bulk protocol
  // does not take (INSERT ... SELECT); returns the affected rows.
  std::uint64_t execute_once(std::vector<ParamColumn>& columns);
  // Single execution returning the first column of the first row, if any.
  std::optional<std::int64_t> query_int(std::vector<ParamColumn>& columns);

 private:
  [[noreturn]] void fail(const char* doing);
  void bind(std::vector<ParamColumn>& columns, unsigned rows);
  // Binds the first row of `columns` for one plain execution.
  void bind_single(std::vector<ParamColumn>& columns);

  Session& session_;
  std::string sql_;
  MYSQL_STMT* stmt_ = nullptr;
  std::vector<MYSQL_BIND> binds_;
};

class Session {
 public:
  explicit Session(const ConnectParams& params);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void exec(std::string_view sql);
  // Text query; NULL fields come back as nullopt.
  std::vector<std::vector<std::optional<std::string>>> query(std::string_view sql);
  std::string quote(std::string_view bytes);

  MYSQL* handle() { return mysql_; }
  // "while DOING: <client error> (code)" as a DbError.
  [[noreturn]] void fail(const std::string& doing);
  [[noreturn]] static void fail(const std::string& doing, const char* error, unsigned code);

 private:
  MYSQL* mysql_ = nullptr;
};

}  // namespace sbk_tools::upload
