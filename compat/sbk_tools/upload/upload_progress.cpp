#include "upload_progress.hpp"

#include "batch_undo.hpp"
#include "mariadb_session.hpp"

namespace sbk_tools::upload {

UploadProgress::UploadProgress(Session& session, std::uint32_t sensor_id, std::string stream)
    : session_(&session), sensor_id_(sensor_id), stream_(std::move(stream)) {
  where_ = " WHERE sensor_id=" + std::to_string(sensor_id_) + " AND stream=" + session.quote(stream_);
}

StreamPosition UploadProgress::recover(bool from_start) {
  const std::string sensor = std::to_string(sensor_id_);
  // A pending undo of any stream of this sensor: the sensor's tables are
  // shared, so the half-written batch must go before anything is read.
  for (auto& row : session_->query("SELECT stream, pending_undo FROM xebek_upload_progress "
                                   "WHERE sensor_id=" + sensor + " AND pending_undo IS NOT NULL")) {
    apply_undo(*session_, sensor_id_, *row[1]);
    session_->exec("UPDATE xebek_upload_progress SET pending_undo=NULL WHERE sensor_id=" + sensor +
                   " AND stream=" + session_->quote(*row[0]));
  }
  // Reset rather than deleted: on the InnoDB layout the row also carries
  // the sensor's id marks, which must survive.
  if (from_start)
    session_->exec("UPDATE xebek_upload_progress SET committed_offset=0,committed_records=0,"
                   "first_prefix=NULL,last_prefix=NULL" + where_);
  session_->exec("INSERT IGNORE INTO xebek_upload_progress (sensor_id, stream) VALUES (" + sensor +
                 "," + session_->quote(stream_) + ")");
  return read("");
}

StreamPosition UploadProgress::read(const std::string& suffix) {
  StreamPosition pos;
  auto rows = session_->query(
      "SELECT committed_offset, committed_records, first_prefix, last_prefix "
      "FROM xebek_upload_progress" + where_ + suffix);
  if (!rows.empty()) {
    pos.offset = std::stoull(rows[0][0].value_or("0"));
    pos.records = std::stoull(rows[0][1].value_or("0"));
    pos.first_prefix = rows[0][2].value_or("");
    pos.last_prefix = rows[0][3].value_or("");
  }
  return pos;
}

void UploadProgress::begin_batch(const std::string& undo) {
  session_->exec("UPDATE xebek_upload_progress SET pending_undo=" + session_->quote(undo) + where_);
}

void UploadProgress::commit(const StreamPosition& p) {
  session_->exec("UPDATE xebek_upload_progress SET committed_offset=" + std::to_string(p.offset) +
                 ",committed_records=" + std::to_string(p.records) +
                 ",first_prefix=" + session_->quote(p.first_prefix) +
                 ",last_prefix=" + session_->quote(p.last_prefix) + ",pending_undo=NULL" + where_);
}

StreamPosition UploadProgress::read_for_update() { return read(" FOR UPDATE"); }

bool UploadProgress::advance(const StreamPosition& from, const StreamPosition& to,
                             const IdMarks& marks) {
  // The condition makes a second writer of the same stream (on any node)
  // fail instead of interleaving: its row is no longer where it expects.
  const std::string sql =
      "UPDATE xebek_upload_progress SET committed_offset=" + std::to_string(to.offset) +
      ",committed_records=" + std::to_string(to.records) +
      ",first_prefix=" + session_->quote(to.first_prefix) +
      ",last_prefix=" + session_->quote(to.last_prefix) +
      ",max_process_id=" + std::to_string(marks.max_process_id) +
      ",max_sys_open_id=" + std::to_string(marks.max_sys_open_id) + where_ +
      " AND committed_offset=" + std::to_string(from.offset) +
      " AND committed_records=" + std::to_string(from.records);
  session_->exec(sql);
  return mysql_affected_rows(session_->handle()) == 1;
}

IdMarks UploadProgress::id_marks() {
  IdMarks m;
  auto rows = session_->query("SELECT MAX(max_process_id), MAX(max_sys_open_id) "
                              "FROM xebek_upload_progress WHERE sensor_id=" +
                              std::to_string(sensor_id_));
  if (!rows.empty()) {
    m.max_process_id = static_cast<std::uint32_t>(std::stoul(rows[0][0].value_or("0")));
    m.max_sys_open_id = static_cast<std::uint32_t>(std::stoul(rows[0][1].value_or("0")));
  }
  return m;
}

}  // namespace sbk_tools::upload
