#include "walleye_schema.hpp"

#include <set>

#include "mariadb_session.hpp"

namespace xebek::upload {

namespace {

// MyISAM, because the layout puts AUTO_INCREMENT on the second column of a
// composite primary key (ids count per sensor, sys_read ids per process),
// which only MyISAM accepts.
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
    R"(CREATE TABLE sbk_loss (
  sensor_id INT UNSIGNED NOT NULL,
  src_ip INT UNSIGNED NOT NULL,
  time INT NOT NULL,
  lost INT UNSIGNED NOT NULL
) ENGINE=MyISAM)",
};

}  // namespace

const std::vector<std::string>& walleye_tables() {
  static const std::vector<std::string> names = {
      "process", "process_tree", "command", "process_to_com", "sys_open",
      "sys_read", "sys_write", "sys_socket", "sbk_loss"};
  return names;
}

void create_walleye_tables(Session& session) {
  for (const char* ddl : kDdl) session.exec(ddl);
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

void ensure_progress_table(Session& session) {
  // One row per sensor and input stream: how far the stream is uploaded,
  // the 68-byte prefixes of its first and last uploaded records (to
  // recognise the same stream again), and while a batch is being written, how to take it back.
  session.exec(R"(CREATE TABLE IF NOT EXISTS xebek_upload_progress (
  sensor_id INT UNSIGNED NOT NULL,
  stream VARCHAR(255) NOT NULL,
  committed_offset BIGINT UNSIGNED NOT NULL DEFAULT 0,
  committed_records BIGINT UNSIGNED NOT NULL DEFAULT 0,
  first_prefix VARBINARY(68) NULL,
  last_prefix VARBINARY(68) NULL,
  pending_undo MEDIUMBLOB NULL,
  PRIMARY KEY (sensor_id, stream)
) ENGINE=MyISAM)");
}

}  // namespace xebek::upload
