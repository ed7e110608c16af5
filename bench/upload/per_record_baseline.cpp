#include "per_record_baseline.hpp"

namespace upload_bench {

using sbk_tools::upload::ParamColumn;
using sbk_tools::upload::Statement;

PerRecordBaseline::PerRecordBaseline(sbk_tools::upload::Session& s, std::uint32_t sensor_id)
    : sensor_id_(sensor_id) {
  auto prep = [&](const char* sql) { return std::make_unique<Statement>(s, sql); };
  check_pid_ = prep("SELECT process_id FROM process WHERE sensor_id=? AND src_ip=? AND pid=?");
  get_new_id_ = prep("SELECT process_id FROM process WHERE sensor_id=? AND src_ip=? AND pid=? "
                     "AND time_max>=? AND time_min<=?");
  add_process_ = prep("INSERT INTO process (sensor_id,src_ip,pcap_time_min,pcap_time_max,"
                      "time_min,time_max,pid) VALUES (?,?,?,?,?,?,?)");
  upd_min_ = prep("UPDATE process SET time_min=? WHERE time_min>? AND sensor_id=? AND process_id=?");
  upd_max_ = prep("UPDATE process SET time_max=? WHERE time_max<? AND sensor_id=? AND process_id=?");
  upd_pmin_ = prep("UPDATE process SET pcap_time_min=? WHERE pcap_time_min>? AND sensor_id=? "
                   "AND process_id=?");
  upd_pmax_ = prep("UPDATE process SET pcap_time_max=? WHERE pcap_time_max<? AND sensor_id=? "
                   "AND process_id=?");
  add_tree_ = prep("INSERT INTO process_tree (sensor_id,child_process,parent_process) VALUES (?,?,?)");
  get_com_ = prep("SELECT command_id FROM command WHERE sensor_id=? AND name=?");
  add_com_ = prep("INSERT INTO command (sensor_id,name) VALUES (?,?)");
  get_p2c_ = prep("SELECT COUNT(*) FROM process_to_com WHERE sensor_id=? AND process_id=? "
                  "AND command_id=?");
  add_p2c_ = prep("INSERT INTO process_to_com (sensor_id,process_id,command_id) VALUES (?,?,?)");
  add_read_ = prep("INSERT INTO sys_read (sensor_id,process_id,uid,pcap_time,time,counter,filed,"
                   "inode,length,data) VALUES (?,?,?,?,?,?,?,?,?,?)");
  add_open_ = prep("INSERT INTO sys_open (sensor_id,process_id,uid,pcap_time,time,counter,filed,"
                   "inode,length,filename) VALUES (?,?,?,?,?,?,?,?,?,?)");
}

std::optional<std::int64_t> PerRecordBaseline::select(Statement& s,
                                                      std::initializer_list<std::int64_t> ints,
                                                      const std::string* text) {
  std::vector<ParamColumn> cols;
  for (std::int64_t v : ints) {
    cols.push_back(ParamColumn::integers());
    cols.back().push(v);
  }
  if (text) {
    cols.push_back(ParamColumn::bytes());
    cols.back().push(*text);
  }
  return s.query_int(cols);
}

void PerRecordBaseline::run(Statement& s, std::initializer_list<std::int64_t> ints,
                            const std::string* bytes) {
  std::vector<ParamColumn> cols;
  for (std::int64_t v : ints) {
    cols.push_back(ParamColumn::integers());
    cols.back().push(v);
  }
  if (bytes) {
    cols.push_back(ParamColumn::bytes());
    cols.back().push(*bytes);
  }
  s.execute(cols);
}

std::optional<std::uint32_t> PerRecordBaseline::add_process(std::uint32_t ip, std::uint32_t pid,
                                                            std::uint32_t ppid,
                                                            std::uint32_t pcap_time,
                                                            std::uint32_t time) {
  const std::int64_t sensor = sensor_id_;
  std::optional<std::uint32_t> id;
  if (auto found = select(*check_pid_, {sensor, ip, pid})) {
    id = static_cast<std::uint32_t>(*found);
    run(*upd_min_, {time, time, sensor, *id});
    run(*upd_max_, {time, time, sensor, *id});
    run(*upd_pmin_, {pcap_time, pcap_time, sensor, *id});
    run(*upd_pmax_, {pcap_time, pcap_time, sensor, *id});
    return id;
  }
  run(*add_process_, {sensor, ip, pcap_time, pcap_time, time, time, pid});
  if (ppid != 0)
    if (auto found = select(*get_new_id_, {sensor, ip, pid, time, time}))
      id = static_cast<std::uint32_t>(*found);
  const auto parent = add_process(ip, ppid, 0, pcap_time, time);
  if (id && parent) run(*add_tree_, {sensor, *id, *parent});
  return id;
}

std::uint32_t PerRecordBaseline::add_command(const std::string& name,
                                             std::optional<std::uint32_t> process_id) {
  const std::int64_t sensor = sensor_id_;
  std::uint32_t id = 0;
  if (auto it = command_cache_.find(name); it != command_cache_.end()) {
    id = it->second;
  } else if (auto found = select(*get_com_, {sensor}, &name)) {
    id = static_cast<std::uint32_t>(*found);
  } else {
    run(*add_com_, {sensor}, &name);
    id = static_cast<std::uint32_t>(select(*get_com_, {sensor}, &name).value_or(0));
    command_cache_[name] = id;
  }
  const std::int64_t key = process_id ? std::int64_t{*process_id} : -1;
  if (p2c_cache_.insert({key, id}).second && process_id &&
      select(*get_p2c_, {sensor, *process_id, id}).value_or(0) == 0)
    run(*add_p2c_, {sensor, *process_id, id});
  return id;
}

void PerRecordBaseline::upload(const sebekd_format::StreamRecord& r) {
  const sebekd_format::Header& h = r.header;
  if (h.type == 1 || h.type > 3) return;
  std::string name;
  for (char c : h.comm)
    if (c) name.push_back(c);
  const auto id = add_process(r.src_ip, h.pid, h.ppid, r.pcap_sec, h.time_sec);
  const std::uint32_t command = add_command(name, id);
  if (!id || !command || h.type == 2) return;
  const std::string data(reinterpret_cast<const char*>(r.data.data()), r.data.size());
  run(h.type == 0 ? *add_read_ : *add_open_,
      {sensor_id_, *id, h.uid, r.pcap_sec, h.time_sec, h.counter, h.fd, h.inode, h.length}, &data);
}

}  // namespace upload_bench
