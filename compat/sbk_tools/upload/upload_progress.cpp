#include "upload_progress.hpp"

#include "batch_undo.hpp"
#include "mariadb_session.hpp"

namespace xebek::upload {

UploadProgress::UploadProgress(Session& session, std::uint32_t sensor_id, std::string stream)
    : session_(session), sensor_id_(sensor_id), stream_(std::move(stream)) {
  where_ = " WHERE sensor_id=" + std::to_string(sensor_id_) + " AND stream=" + session_.quote(stream_);
}

StreamPosition UploadProgress::recover(bool from_start) {
  const std::string sensor = std::to_string(sensor_id_);
  // A pending undo of any stream of this sensor: the sensor's tables are
  // shared, so the half-written batch must go before anything is read.
  for (auto& row : session_.query("SELECT stream, pending_undo FROM xebek_upload_progress "
                                  "WHERE sensor_id=" + sensor + " AND pending_undo IS NOT NULL")) {
    apply_undo(session_, sensor_id_, *row[1]);
    session_.exec("UPDATE xebek_upload_progress SET pending_undo=NULL WHERE sensor_id=" + sensor +
                  " AND stream=" + session_.quote(*row[0]));
  }
  if (from_start) session_.exec("DELETE FROM xebek_upload_progress" + where_);
  session_.exec("INSERT IGNORE INTO xebek_upload_progress (sensor_id, stream) VALUES (" + sensor +
                "," + session_.quote(stream_) + ")");
  StreamPosition pos;
  auto rows = session_.query(
      "SELECT committed_offset, committed_records, first_prefix, last_prefix "
      "FROM xebek_upload_progress" + where_);
  if (!rows.empty()) {
    pos.offset = std::stoull(rows[0][0].value_or("0"));
    pos.records = std::stoull(rows[0][1].value_or("0"));
    pos.first_prefix = rows[0][2].value_or("");
    pos.last_prefix = rows[0][3].value_or("");
  }
  return pos;
}

void UploadProgress::begin_batch(const std::string& undo) {
  session_.exec("UPDATE xebek_upload_progress SET pending_undo=" + session_.quote(undo) + where_);
}

void UploadProgress::commit(const StreamPosition& p) {
  session_.exec("UPDATE xebek_upload_progress SET committed_offset=" + std::to_string(p.offset) +
                ",committed_records=" + std::to_string(p.records) +
                ",first_prefix=" + session_.quote(p.first_prefix) +
                ",last_prefix=" + session_.quote(p.last_prefix) + ",pending_undo=NULL" + where_);
}

}  // namespace xebek::upload
