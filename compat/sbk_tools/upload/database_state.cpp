#include "database_state.hpp"

namespace sbk_tools::upload {

namespace {

std::uint32_t u32(const std::optional<std::string>& v) {
  return v ? static_cast<std::uint32_t>(std::stoul(*v)) : 0;
}
std::int64_t i64(const std::optional<std::string>& v) { return v ? std::stoll(*v) : 0; }

}  // namespace

ExistingState load_existing_state(Session& session, std::uint32_t sensor_id) {
  const std::string where = " WHERE sensor_id=" + std::to_string(sensor_id);
  ExistingState s;
  for (auto& r : session.query("SELECT process_id, src_ip, pid, time_min, time_max, pcap_time_min,"
                               " pcap_time_max FROM process" + where + " ORDER BY process_id")) {
    ProcessRow p;
    p.process_id = u32(r[0]);
    p.src_ip = u32(r[1]);
    p.pid = u32(r[2]);
    p.time_min = i64(r[3]);
    p.time_max = i64(r[4]);
    p.pcap_time_min = i64(r[5]);
    p.pcap_time_max = i64(r[6]);
    s.processes.push_back(p);
  }
  for (auto& r : session.query("SELECT process_id, command_id FROM process_to_com" + where))
    s.process_to_com.emplace_back(u32(r[0]), u32(r[1]));
  for (auto& r : session.query("SELECT process_id, MAX(sys_read_id) FROM sys_read" + where +
                               " GROUP BY process_id"))
    s.max_sys_read_id[u32(r[0])] = u32(r[1]);
  auto open = session.query("SELECT MAX(sys_open_id) FROM sys_open" + where);
  if (!open.empty()) s.max_sys_open_id = u32(open[0][0]);
  return s;
}

DatabaseCommands::DatabaseCommands(ClusterConnection& connection, std::uint32_t sensor_id)
    : connection_(connection), sensor_id_(sensor_id) {}

void DatabaseCommands::prepare(Session& session) {
  if (select_ && prepared_generation_ == connection_.generation()) return;
  insert_.reset();
  select_.reset();
  select_.emplace(session, "SELECT command_id FROM command WHERE sensor_id=? AND name=?");
  insert_.emplace(session,
                  "INSERT INTO command (sensor_id, command_id, name) "
                  "SELECT ?, COALESCE(MAX(command_id), 0) + 1, ? FROM command WHERE sensor_id=?");
  prepared_generation_ = connection_.generation();
}

std::optional<std::uint32_t> DatabaseCommands::find_once(const std::string& name) {
  std::vector<ParamColumn> p{ParamColumn::integers(), ParamColumn::bytes()};
  p[0].push(std::int64_t{sensor_id_});
  p[1].push(name);
  const auto id = select_->query_int(p);
  if (!id) return std::nullopt;
  return static_cast<std::uint32_t>(*id);
}

std::optional<std::uint32_t> DatabaseCommands::find(const std::string& name) {
  return connection_.with_retry([&](Session& s) {
    prepare(s);
    return find_once(name);
  });
}

std::uint32_t DatabaseCommands::add(const std::string& name) {
  return connection_.with_retry([&](Session& s) {
    prepare(s);
    // After a failover the insert of the failed attempt may have committed.
    if (auto id = find_once(name)) return *id;
    std::vector<ParamColumn> p{ParamColumn::integers(), ParamColumn::bytes(),
                               ParamColumn::integers()};
    p[0].push(std::int64_t{sensor_id_});
    p[1].push(name);
    p[2].push(std::int64_t{sensor_id_});
    insert_->execute_once(p);
    // Read it back by name, as the original does.
    if (auto id = find_once(name)) return *id;
    throw DbError("command '" + name + "' was inserted but cannot be read back", 0);
  });
}

}  // namespace sbk_tools::upload
