#include "mariadb_session.hpp"

#include <errmsg.h>

namespace sbk_tools::upload {

namespace {

// The first words of a statement name it well enough in an error message.
std::string brief(std::string_view sql) {
  std::string s(sql.substr(0, std::min<std::size_t>(sql.size(), 48)));
  for (char& c : s)
    if (c == '\n') c = ' ';
  return sql.size() > 48 ? s + "..." : s;
}

}  // namespace

void ParamColumn::bind(MYSQL_BIND& b) {
  b = MYSQL_BIND{};
  if (is_bytes_) {
    // Column-wise array binding: for variable-length types the buffer is an
    // array of pointers, one per row.
    b.buffer_type = MYSQL_TYPE_BLOB;
    b.buffer = ptrs_.data();
    b.length = lengths_.data();
  } else {
    b.buffer_type = MYSQL_TYPE_LONGLONG;
    b.buffer = ints_.data();
  }
}

Session::Session(const ConnectParams& p) {
  mysql_ = mysql_init(nullptr);
  if (!mysql_) fail("initialising the MariaDB client", "out of memory", 0);
  // A node that does not answer at all (a dead host) must not hold up the
  // failover to the next one for the minutes of a TCP connect timeout.
  const unsigned connect_timeout_seconds = 10;
  mysql_options(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout_seconds);
  const char* socket = p.socket.empty() ? nullptr : p.socket.c_str();
  if (!mysql_real_connect(mysql_, p.host.c_str(), p.user.c_str(), p.password.c_str(),
                          p.database.c_str(), p.port, socket, 0)) {
    const std::string where = p.socket.empty() ? p.host + ":" + std::to_string(p.port)
                                               : p.host + " (socket " + p.socket + ")";
    // A throwing constructor runs no destructor: close the handle here.
    const std::string error = mysql_error(mysql_);
    const unsigned code = mysql_errno(mysql_);
    mysql_close(mysql_);
    mysql_ = nullptr;
    fail("connecting to MariaDB at " + where + " as " + p.user + ", database " + p.database,
         error.c_str(), code);
  }
}

Session::~Session() {
  if (mysql_) mysql_close(mysql_);
}

void Session::fail(const std::string& doing) {
  fail(doing, mysql_error(mysql_), mysql_errno(mysql_));
}

void Session::fail(const std::string& doing, const char* error, unsigned code) {
  std::string msg = doing + ": " + error;
  if (code) msg += " (error " + std::to_string(code) + ")";
  for (char& c : msg)
    if (c == '\n') c = ' ';
  throw DbError(msg, code);
}

void Session::exec(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) fail("running " + brief(sql));
  // Drain a result set if the statement produced one.
  if (MYSQL_RES* res = mysql_store_result(mysql_)) mysql_free_result(res);
}

std::vector<std::vector<std::optional<std::string>>> Session::query(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) fail("running " + brief(sql));
  MYSQL_RES* res = mysql_store_result(mysql_);
  if (!res) {
    if (mysql_field_count(mysql_) != 0) fail("reading the result of " + brief(sql));
    return {};
  }
  std::vector<std::vector<std::optional<std::string>>> rows;
  const unsigned n = mysql_num_fields(res);
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    const unsigned long* len = mysql_fetch_lengths(res);
    auto& out = rows.emplace_back();
    for (unsigned i = 0; i < n; ++i)
      out.push_back(row[i] ? std::optional<std::string>(std::string(row[i], len[i]))
                           : std::nullopt);
  }
  mysql_free_result(res);
  return rows;
}

std::string Session::quote(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  out.resize(mysql_real_escape_string(mysql_, out.data(), bytes.data(),
                                      static_cast<unsigned long>(bytes.size())));
  return "'" + out + "'";
}

Statement::Statement(Session& session, std::string sql) : session_(session), sql_(std::move(sql)) {
  stmt_ = mysql_stmt_init(session_.handle());
  if (!stmt_) session_.fail("preparing " + brief(sql_));
  if (mysql_stmt_prepare(stmt_, sql_.data(), sql_.size()) != 0) {
    const std::string error = mysql_stmt_error(stmt_);
    const unsigned code = mysql_stmt_errno(stmt_);
    mysql_stmt_close(stmt_);  // no destructor runs after a throwing constructor
    stmt_ = nullptr;
    Session::fail("preparing " + brief(sql_), error.c_str(), code);
  }
  binds_.resize(mysql_stmt_param_count(stmt_));
}

Statement::~Statement() {
  if (stmt_) mysql_stmt_close(stmt_);
}

void Statement::fail(const char* doing) {
  Session::fail(std::string(doing) + " " + brief(sql_), mysql_stmt_error(stmt_),
                mysql_stmt_errno(stmt_));
}

void Statement::bind(std::vector<ParamColumn>& columns, unsigned rows) {
  if (columns.size() != binds_.size())
    Session::fail("binding " + brief(sql_),
                  "wrong number of parameter columns (internal error)", 0);
  for (std::size_t i = 0; i < columns.size(); ++i) columns[i].bind(binds_[i]);
  if (mysql_stmt_attr_set(stmt_, STMT_ATTR_ARRAY_SIZE, &rows) != 0) fail("sizing");
  if (!binds_.empty() && mysql_stmt_bind_param(stmt_, binds_.data()) != 0) fail("binding");
}

std::uint64_t Statement::execute(std::vector<ParamColumn>& columns) {
  const unsigned rows = columns.empty() ? 1 : static_cast<unsigned>(columns[0].size());
  if (rows == 0) return 0;
  bind(columns, rows);
  if (mysql_stmt_execute(stmt_) != 0) fail("executing");
  return mysql_stmt_affected_rows(stmt_);
}

void Statement::bind_single(std::vector<ParamColumn>& columns) {
  for (std::size_t i = 0; i < columns.size(); ++i) columns[i].bind(binds_[i]);
  // A single execution: array size 0 switches bulk mode off again.
  unsigned zero = 0;
  if (mysql_stmt_attr_set(stmt_, STMT_ATTR_ARRAY_SIZE, &zero) != 0) fail("sizing");
  if (!binds_.empty()) {
    // Without bulk mode a byte column's buffer is the bytes themselves.
    std::vector<MYSQL_BIND> single = binds_;
    for (std::size_t i = 0; i < single.size(); ++i)
      if (single[i].buffer_type == MYSQL_TYPE_BLOB) {
        single[i].buffer = const_cast<char*>(static_cast<const char* const*>(binds_[i].buffer)[0]);
        single[i].buffer_length = binds_[i].length[0];
      }
    binds_ = single;
    if (mysql_stmt_bind_param(stmt_, binds_.data()) != 0) fail("binding");
  }
}

std::uint64_t Statement::execute_once(std::vector<ParamColumn>& columns) {
  bind_single(columns);
  if (mysql_stmt_execute(stmt_) != 0) fail("executing");
  return mysql_stmt_affected_rows(stmt_);
}

std::optional<std::int64_t> Statement::query_int(std::vector<ParamColumn>& columns) {
  bind_single(columns);
  if (mysql_stmt_execute(stmt_) != 0) fail("executing");
  long long value = 0;
  my_bool is_null = 0;
  MYSQL_BIND out{};
  out.buffer_type = MYSQL_TYPE_LONGLONG;
  out.buffer = &value;
  out.is_null = &is_null;
  if (mysql_stmt_bind_result(stmt_, &out) != 0) fail("reading");
  if (mysql_stmt_store_result(stmt_) != 0) fail("reading");
  const int rc = mysql_stmt_fetch(stmt_);
  mysql_stmt_free_result(stmt_);
  if (rc == 1) fail("fetching");
  if (rc == MYSQL_NO_DATA || is_null) return std::nullopt;
  return value;
}

}  // namespace sbk_tools::upload
