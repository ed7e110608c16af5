#include "batch_undo.hpp"

#include <sstream>
#include <vector>

#include "mariadb_session.hpp"

namespace sbk_tools::upload {

// Text, one fact per line, so that an operator can read a pending undo:
//   P max_process_id        O max_sys_open_id
//   R process_id max_sys_read_id           (older process given reads)
//   T process_id tmin tmax pmin pmax       (older process's times before)
//   C process_id command_id                (mapping added to an older process)
//   L sbk_loss_rows_before  l src_ip time lost
std::string encode_undo(const UploadBatch& b, std::uint64_t loss_rows_before) {
  std::ostringstream out;
  out << "P " << b.base_max_process_id << "\nO " << b.base_max_sys_open_id << '\n';
  for (const auto& [id, max] : b.base_max_sys_read_id) out << "R " << id << ' ' << max << '\n';
  for (const auto& [id, p] : b.base_process_times)
    out << "T " << id << ' ' << p.time_min << ' ' << p.time_max << ' ' << p.pcap_time_min << ' '
        << p.pcap_time_max << '\n';
  for (const ProcessToComRow& r : b.process_to_com)
    if (r.process_id <= b.base_max_process_id)
      out << "C " << r.process_id << ' ' << r.command_id << '\n';
  if (!b.losses.empty()) {
    out << "L " << loss_rows_before << '\n';
    for (const LossRow& l : b.losses) out << "l " << l.src_ip << ' ' << l.time << ' ' << l.lost << '\n';
  }
  return out.str();
}

void apply_undo(Session& session, std::uint32_t sensor_id, const std::string& undo) {
  const std::string s = " WHERE sensor_id=" + std::to_string(sensor_id);
  std::istringstream in(undo);
  std::string tag;
  std::uint64_t loss_before = 0;
  bool has_losses = false;
  struct Loss { std::uint64_t ip, time; std::int64_t lost; };
  std::vector<Loss> losses;
  while (in >> tag) {
    if (tag == "P") {
      std::uint64_t p;
      in >> p;
      const std::string over = std::to_string(p);
      session.exec("DELETE FROM process" + s + " AND process_id>" + over);
      session.exec("DELETE FROM process_tree" + s + " AND child_process>" + over);
      session.exec("DELETE FROM process_to_com" + s + " AND process_id>" + over);
      session.exec("DELETE FROM sys_read" + s + " AND process_id>" + over);
    } else if (tag == "O") {
      std::uint64_t o;
      in >> o;
      session.exec("DELETE FROM sys_open" + s + " AND sys_open_id>" + std::to_string(o));
    } else if (tag == "R") {
      std::uint64_t id, max;
      in >> id >> max;
      session.exec("DELETE FROM sys_read" + s + " AND process_id=" + std::to_string(id) +
                   " AND sys_read_id>" + std::to_string(max));
    } else if (tag == "T") {
      std::uint64_t id;
      std::int64_t t[4];
      in >> id >> t[0] >> t[1] >> t[2] >> t[3];
      session.exec("UPDATE process SET time_min=" + std::to_string(t[0]) +
                   ",time_max=" + std::to_string(t[1]) + ",pcap_time_min=" + std::to_string(t[2]) +
                   ",pcap_time_max=" + std::to_string(t[3]) + s +
                   " AND process_id=" + std::to_string(id));
    } else if (tag == "C") {
      std::uint64_t p, c;
      in >> p >> c;
      session.exec("DELETE FROM process_to_com" + s + " AND process_id=" + std::to_string(p) +
                   " AND command_id=" + std::to_string(c));
    } else if (tag == "L") {
      in >> loss_before;
      has_losses = true;
    } else if (tag == "l") {
      Loss l{};
      in >> l.ip >> l.time >> l.lost;
      losses.push_back(l);
    } else {
      throw DbError("unreadable pending undo record in xebek_upload_progress (tag '" + tag + "')", 0);
    }
    if (in.fail()) throw DbError("unreadable pending undo record in xebek_upload_progress", 0);
  }
  if (has_losses) {
    // Identical sbk_loss rows cannot be told apart, so taking back any of
    // them restores the same contents.
    auto rows = session.query("SELECT COUNT(*) FROM sbk_loss" + s);
    std::uint64_t now = rows.empty() || !rows[0][0] ? 0 : std::stoull(*rows[0][0]);
    for (auto it = losses.rbegin(); it != losses.rend() && now > loss_before; ++it, --now)
      session.exec("DELETE FROM sbk_loss" + s + " AND src_ip=" + std::to_string(it->ip) +
                   " AND time=" + std::to_string(it->time) +
                   " AND lost=" + std::to_string(it->lost < 0 ? 0 : it->lost) + " LIMIT 1");
  }
}

}  // namespace sbk_tools::upload
