#include "walleye_schema.hpp"

#include <set>
#include <string_view>

#include "mariadb_session.hpp"

namespace sbk_tools::upload {

namespace {

// The classic layout is MyISAM, because it puts AUTO_INCREMENT on the
// second column of a composite primary key (ids count per sensor, sys_read
// ids per process), which only MyISAM accepts. The InnoDB layout is derived
// from it (see for_engine) so that both keep the same columns and keys.
const char* const kDdl[] = {
    R"(CREATE TABLE process (
  sensor_id INT UNSIGNED NOT NULL,
  process_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  src_ip INT UNSIGNED NOT NULL,
  time_min INT NOT NULL,
  time_max INT NOT NULL,
  pcap_time_min INT NOT NULL,
  pcap_time_max INT NOT NULL,
  pid INT UNSIGNED NOT NULL,
  PRIMARY KEY (sensor_id, process_id),
  KEY (sensor_id, time_min), KEY (sensor_id, time_max),
  KEY (sensor_id, src_ip), KEY (sensor_id, pid)
) ENGINE=MyISAM)",
    R"(CREATE TABLE process_tree (
  sensor_id INT UNSIGNED NOT NULL,
  child_process INT UNSIGNED NOT NULL,
  parent_process INT UNSIGNED NOT NULL,
  to_be_deleted TINYINT NOT NULL DEFAULT 0,
  PRIMARY KEY (sensor_id, child_process, parent_process)
) ENGINE=MyISAM)",
    R"(CREATE TABLE command (
  sensor_id INT UNSIGNED NOT NULL,
  command_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name TINYTEXT NOT NULL,
  PRIMARY KEY (sensor_id, command_id)
) ENGINE=MyISAM)",
    R"(CREATE TABLE process_to_com (
  sensor_id INT UNSIGNED NOT NULL,
  process_id INT UNSIGNED NOT NULL,
  command_id INT UNSIGNED NOT NULL,
  to_be_deleted TINYINT NOT NULL DEFAULT 0,
  PRIMARY KEY (sensor_id, command_id, process_id)
) ENGINE=MyISAM)",
    R"(CREATE TABLE sys_open (
  sensor_id INT UNSIGNED NOT NULL,
  sys_open_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  process_id INT UNSIGNED NOT NULL,
  uid INT NOT NULL,
  pcap_time INT NULL,
  time INT NOT NULL,
  counter INT UNSIGNED NOT NULL,
  filed INT UNSIGNED NOT NULL,
  inode INT UNSIGNED NOT NULL,
  length INT UNSIGNED NOT NULL,
  to_be_deleted TINYINT NOT NULL DEFAULT 0,
  filename TINYTEXT NOT NULL,
  PRIMARY KEY (sensor_id, sys_open_id)
) ENGINE=MyISAM)",
    R"(CREATE TABLE sys_read (
  sensor_id INT UNSIGNED NOT NULL,
  process_id INT UNSIGNED NOT NULL,
  sys_read_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  uid INT NOT NULL,
  pcap_time INT NULL,
  time INT NOT NULL,
  counter INT UNSIGNED NOT NULL,
  filed INT UNSIGNED NOT NULL,
  inode INT UNSIGNED NOT NULL,
  length INT UNSIGNED NOT NULL,
  data BLOB NOT NULL,
  to_be_deleted TINYINT NOT NULL DEFAULT 0,
  PRIMARY KEY (sensor_id, process_id, sys_read_id)
) ENGINE=MyISAM)",
    R"(CREATE TABLE sys_write (
  sensor_id INT UNSIGNED NOT NULL,
  process_id INT UNSIGNED NOT NULL,
  sys_write_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  uid INT NOT NULL,
  pcap_time INT NULL,
  time INT NOT NULL,
  counter INT UNSIGNED NOT NULL,
  filed INT UNSIGNED NOT NULL,
  inode INT UNSIGNED NOT NULL,
  length INT UNSIGNED NOT NULL,
  data BLOB NOT NULL,
  to_be_deleted TINYINT NOT NULL DEFAULT 0,
  PRIMARY KEY (sensor_id, process_id, sys_write_id)
) ENGINE=MyISAM)",
    R"(CREATE TABLE sys_socket (
  sensor_id INT UNSIGNED NOT NULL,
  sys_socket_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  process_id INT UNSIGNED NOT NULL,
  pcap_time INT NULL,
  time INT NOT NULL,
  uid INT NOT NULL,
  counter INT UNSIGNED NOT NULL,
  filed INT UNSIGNED NOT NULL,
  inode INT UNSIGNED NOT NULL,
  flow_id INT UNSIGNED NOT NULL,
  `call` SMALLINT NOT NULL,
  type TINYTEXT NOT NULL,
  to_be_deleted TINYINT NOT NULL DEFAULT 0,
  PRIMARY KEY (sensor_id, sys_socket_id)
) ENGINE=MyISAM)",
};

// sbk_loss has no key in the classic layout (identical rows can occur);
// Galera needs a primary key on every table, so the InnoDB layout adds one
// as an INVISIBLE column: SELECT * and INSERTs naming the four columns see
// the table exactly as before.
const char* const kSbkLossDdl[] = {
    R"(CREATE TABLE sbk_loss (
  sensor_id INT UNSIGNED NOT NULL,
  src_ip INT UNSIGNED NOT NULL,
  time INT NOT NULL,
  lost INT UNSIGNED NOT NULL
) ENGINE=MyISAM)",
    R"(CREATE TABLE sbk_loss (
  sensor_id INT UNSIGNED NOT NULL,
  src_ip INT UNSIGNED NOT NULL,
  time INT NOT NULL,
  lost INT UNSIGNED NOT NULL,
  sbk_loss_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT INVISIBLE,
  PRIMARY KEY (sbk_loss_id)
) ENGINE=InnoDB)",
};

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// The InnoDB form of a classic table: InnoDB accepts AUTO_INCREMENT only on
// the first column of a key, and xebek-upload assigns every id itself, so
// the attribute is dropped; columns, types and keys stay.
std::string for_engine(const char* classic_ddl, Engine engine) {
  std::string ddl = classic_ddl;
  if (engine == Engine::innodb) {
    replace_all(ddl, " AUTO_INCREMENT", "");
    replace_all(ddl, "ENGINE=MyISAM", "ENGINE=InnoDB");
  }
  return ddl;
}

}  // namespace

const std::vector<std::string>& walleye_tables() {
  static const std::vector<std::string> names = {
      "process", "process_tree", "command", "process_to_com", "sys_open",
      "sys_read", "sys_write", "sys_socket", "sbk_loss"};
  return names;
}

void create_walleye_tables(Session& session, Engine engine) {
  for (const char* ddl : kDdl) session.exec(for_engine(ddl, engine));
  session.exec(kSbkLossDdl[engine == Engine::innodb ? 1 : 0]);
}

Engine detect_engine(Session& session) {
  auto rows = session.query(
      "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA=DATABASE() "
      "AND TABLE_NAME='process'");
  return !rows.empty() && rows[0][0] && *rows[0][0] == "InnoDB" ? Engine::innodb : Engine::myisam;
}

void require_walleye_tables(Session& session, const std::string& database) {
  std::set<std::string> present;
  for (auto& row : session.query("SHOW TABLES"))
    if (row[0]) present.insert(*row[0]);
  std::string missing;
  for (const std::string& t : walleye_tables())
    if (!present.contains(t)) missing += (missing.empty() ? "" : ", ") + t;
  if (!missing.empty())
    throw DbError("database " + database + " lacks the walleye_0_3 table(s) " + missing +
                      " (create them with --create-schema)",
                  1146);
}

void ensure_progress_table(Session& session, Engine engine) {
  // One row per sensor and input stream: how far the stream is uploaded,
  // the 68-byte prefixes of its first and last uploaded records (to
  // recognise the same stream again), and while a batch is being written
  // into MyISAM tables, how to take it back. The InnoDB layout commits the
  // rows and this row in one transaction, and keeps the sensor's id
  // high-water marks here too, so that ids continue exactly after a resume
  // on any node.
  const std::string innodb_columns =
      "  max_process_id INT UNSIGNED NOT NULL DEFAULT 0,\n"
      "  max_sys_open_id INT UNSIGNED NOT NULL DEFAULT 0,\n";
  session.exec(std::string(R"(CREATE TABLE IF NOT EXISTS xebek_upload_progress (
  sensor_id INT UNSIGNED NOT NULL,
  stream VARCHAR(255) NOT NULL,
  committed_offset BIGINT UNSIGNED NOT NULL DEFAULT 0,
  committed_records BIGINT UNSIGNED NOT NULL DEFAULT 0,
  first_prefix VARBINARY(68) NULL,
  last_prefix VARBINARY(68) NULL,
  pending_undo MEDIUMBLOB NULL,
)") + (engine == Engine::innodb ? innodb_columns : "") +
               "  PRIMARY KEY (sensor_id, stream)\n) ENGINE=" +
               (engine == Engine::innodb ? "InnoDB" : "MyISAM"));
}

}  // namespace sbk_tools::upload
