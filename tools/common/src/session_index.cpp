#include "xebek_tools/session_index.hpp"

#include "xebek_tools/json_text.hpp"

namespace xebek_tools {

namespace {

std::string joined(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string uid_list(const Session& s) {
  std::string out;
  for (std::uint32_t u : s.uids) {
    if (!out.empty()) out += ',';
    out += std::to_string(u);
  }
  return out;
}

}  // namespace

void append_index_text(std::string& out, const CaptureModel& model) {
  out += "session\tstart\tend\thost\ttty\tusers\tbytes_in\tbytes_out\tfile\troot_entity_id\t"
         "commands\n";
  for (const Session& s : model.sessions.sessions()) {
    if (s.number == 0) continue;
    const Process& root = model.processes.at(s.root);
    out += s.id + "\t" + readable_time(s.start_ns) + "\t" + readable_time(s.end_ns) + "\t" +
           model.hosts.name(s.host) + "\t" + std::to_string(s.tty_inode) + "\t" + uid_list(s) +
           "\t" + std::to_string(s.bytes_in) + "\t" + std::to_string(s.bytes_out) + "\t" + s.id +
           ".cast\t" + root.entity_id + "\t" + joined(s.commands, " ; ") + "\n";
  }
}

void append_session_json(std::string& out, const CaptureModel& model, const Session& s) {
  const Process& root = model.processes.at(s.root);
  out += "{\"session\": ";
  append_json_string(out, s.id);
  out += ", \"file\": ";
  append_json_string(out, s.id + ".cast");
  out += ", \"start\": \"" + iso8601(s.start_ns) + "\", \"end\": \"" + iso8601(s.end_ns) +
         "\", \"host\": ";
  append_json_string(out, model.hosts.name(s.host));
  out += ", \"tty_inode\": " + std::to_string(s.tty_inode) + ", \"users\": [";
  for (std::size_t i = 0; i < s.uids.size(); ++i)
    out += (i ? ", " : "") + std::to_string(s.uids[i]);
  out += "], \"bytes_in\": " + std::to_string(s.bytes_in) +
         ", \"bytes_out\": " + std::to_string(s.bytes_out) + ", \"root_entity_id\": ";
  append_json_string(out, root.entity_id);
  out += ", \"root_pid\": " + std::to_string(root.tgid) + ", \"commands\": [";
  for (std::size_t i = 0; i < s.commands.size(); ++i) {
    if (i) out += ", ";
    append_json_string(out, s.commands[i]);
  }
  out += "]}";
}

void append_index_json(std::string& out, const CaptureModel& model) {
  out += "{\"sessions\": [";
  bool first = true;
  for (const Session& s : model.sessions.sessions()) {
    if (s.number == 0) continue;
    out += first ? "\n  " : ",\n  ";
    first = false;
    append_session_json(out, model, s);
  }
  out += "\n]}\n";
}

}  // namespace xebek_tools
