#include "batch_writer.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace sbk_tools::upload {

namespace {

std::vector<ParamColumn> int_columns(std::size_t n) {
  return std::vector<ParamColumn>(n, ParamColumn::integers());
}

}  // namespace

BatchWriter::BatchWriter(Session& session, std::uint32_t sensor_id)
    : session_(session),
      sensor_id_(sensor_id),
      insert_process_(session,
                      "INSERT INTO process (sensor_id,process_id,src_ip,time_min,time_max,"
                      "pcap_time_min,pcap_time_max,pid) VALUES (?,?,?,?,?,?,?,?)"),
      insert_tree_(session,
                   "INSERT INTO process_tree (sensor_id,child_process,parent_process) "
                   "VALUES (?,?,?)"),
      insert_p2c_(session,
                  "INSERT INTO process_to_com (sensor_id,process_id,command_id) VALUES (?,?,?)"),
      insert_read_(session,
                   "INSERT INTO sys_read (sensor_id,process_id,sys_read_id,uid,pcap_time,time,"
                   "counter,filed,inode,length,data) VALUES (?,?,?,?,?,?,?,?,?,?,?)"),
      insert_open_(session,
                   "INSERT INTO sys_open (sensor_id,sys_open_id,process_id,uid,pcap_time,time,"
                   "counter,filed,inode,length,filename) VALUES (?,?,?,?,?,?,?,?,?,?,?)"),
      insert_loss_(session, "INSERT INTO sbk_loss (sensor_id,src_ip,time,lost) VALUES (?,?,?,?)") {}

void BatchWriter::write(const UploadBatch& b) {
  const std::int64_t sensor = sensor_id_;
  if (!b.new_processes.empty()) {
    auto c = int_columns(8);
    for (const ProcessRow& p : b.new_processes) {
      c[0].push(sensor); c[1].push(p.process_id); c[2].push(p.src_ip);
      c[3].push(p.time_min); c[4].push(p.time_max);
      c[5].push(p.pcap_time_min); c[6].push(p.pcap_time_max); c[7].push(p.pid);
    }
    insert_process_.execute(c);
  }
  if (!b.changed_processes.empty()) update_times(b.changed_processes);
  if (!b.tree.empty()) {
    auto c = int_columns(3);
    for (const TreeRow& t : b.tree) { c[0].push(sensor); c[1].push(t.child); c[2].push(t.parent); }
    insert_tree_.execute(c);
  }
  if (!b.process_to_com.empty()) {
    auto c = int_columns(3);
    for (const ProcessToComRow& r : b.process_to_com) {
      c[0].push(sensor); c[1].push(r.process_id); c[2].push(r.command_id);
    }
    insert_p2c_.execute(c);
  }
  // sys_read and sys_open share their shape; only the id's place differs.
  auto syscalls = [&](const std::vector<SyscallRow>& rows, Statement& stmt, bool id_first) {
    if (rows.empty()) return;
    auto c = int_columns(10);
    c.push_back(ParamColumn::bytes());
    for (const SyscallRow& r : rows) {
      c[0].push(sensor);
      c[1].push(id_first ? r.id : r.process_id);
      c[2].push(id_first ? r.process_id : r.id);
      c[3].push(r.uid); c[4].push(r.pcap_time); c[5].push(r.time); c[6].push(r.counter);
      c[7].push(r.fd); c[8].push(r.inode); c[9].push(r.length);
      c[10].push(b.payload(r));
    }
    stmt.execute(c);
  };
  syscalls(b.reads, insert_read_, false);
  syscalls(b.opens, insert_open_, true);
  if (!b.losses.empty()) {
    auto c = int_columns(4);
    for (const LossRow& l : b.losses) {
      c[0].push(sensor); c[1].push(l.src_ip); c[2].push(l.time); c[3].push(l.lost);
    }
    insert_loss_.execute(c);
  }
}

// The new times of older processes. A batch widens the times of every
// older process it sees, often hundreds; one UPDATE per row costs the
// server a range optimisation and a statement each, where a multi-row
// INSERT that runs into the primary key updates each row in place with a
// key lookup. Every row exists (the model read or wrote it), so nothing is
// inserted, and the data file's row order stays as it was.
void BatchWriter::update_times(const std::vector<ProcessRow>& rows) {
  // About 60 bytes a row: a statement stays far below max_allowed_packet.
  constexpr std::size_t kRowsPerStatement = 2000;
  const std::string sensor = std::to_string(sensor_id_);
  for (std::size_t first = 0; first < rows.size(); first += kRowsPerStatement) {
    std::string sql =
        "INSERT INTO process (sensor_id,process_id,src_ip,time_min,time_max,pcap_time_min,"
        "pcap_time_max,pid) VALUES ";
    const std::size_t end = std::min(rows.size(), first + kRowsPerStatement);
    for (std::size_t i = first; i < end; ++i) {
      const ProcessRow& p = rows[i];
      if (i != first) sql += ',';
      sql += '(' + sensor + ',' + std::to_string(p.process_id) + ',' + std::to_string(p.src_ip) +
             ',' + std::to_string(p.time_min) + ',' + std::to_string(p.time_max) + ',' +
             std::to_string(p.pcap_time_min) + ',' + std::to_string(p.pcap_time_max) + ',' +
             std::to_string(p.pid) + ')';
    }
    sql += " ON DUPLICATE KEY UPDATE time_min=VALUES(time_min),time_max=VALUES(time_max),"
           "pcap_time_min=VALUES(pcap_time_min),pcap_time_max=VALUES(pcap_time_max)";
    session_.exec(sql);
  }
}

}  // namespace sbk_tools::upload
