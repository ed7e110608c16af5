#include "xebek_tools/tree_view.hpp"

#include "xebek_tools/json_text.hpp"
#include "xebek_tools/socket_text.hpp"

namespace xebek_tools {

namespace {

std::string session_id(const CaptureModel& model, std::size_t index) {
  const std::int64_t s = model.sessions.session_of(index);
  return s == kNone ? std::string() : model.sessions.sessions()[static_cast<std::size_t>(s)].id;
}

std::string changes_text(const std::vector<Change>& changes) {
  std::string out;
  for (const Change& c : changes) {
    if (!out.empty()) out += " -> ";
    out += c.value;
  }
  return out;
}

std::string connection_text(const Connection& c) {
  const SocketActivity& s = c.socket;
  return socket_call_name(s.call) + " " + protocol_name(s.proto) + " " + local_address(s) + ":" +
         std::to_string(s.local_port) + (is_inbound(s) ? " <- " : " -> ") + remote_address(s) +
         ":" + std::to_string(s.remote_port);
}

void append_more(std::string& out, const std::string& indent, std::uint64_t total,
                 std::size_t listed, const char* what) {
  if (total > listed)
    out += indent + "  ... " + std::to_string(total - listed) + " more " + what + "\n";
}

void append_node_text(std::string& out, const CaptureModel& model, std::size_t index, int depth) {
  const Process& p = model.processes.at(index);
  const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
  out += indent + "- " + std::to_string(p.tgid) + " " + changes_text(p.comms) + " (ppid " +
         std::to_string(p.ppid) + ") uid " + changes_text(p.uids) + " start " +
         readable_time(p.start_ns) + (p.started_by_fork ? " fork" : " first seen") + "\n";
  out += indent + "  entity " + p.entity_id;
  const std::string sid = session_id(model, index);
  if (!sid.empty()) out += " session " + sid;
  out += "\n";
  for (const ExecCall& e : p.execs) {
    out += indent + "  exec " + e.path;
    for (const std::string& a : e.argv) out += " " + a;
    out += "\n";
  }
  append_more(out, indent, p.execs_total, p.execs.size(), "execs");
  for (const OpenedFile& f : p.opens)
    out += indent + "  open " + f.path + " fd " + std::to_string(f.fd) + "\n";
  append_more(out, indent, p.opens_total, p.opens.size(), "opens");
  for (const Connection& c : p.connections) out += indent + "  " + connection_text(c) + "\n";
  append_more(out, indent, p.connections_total, p.connections.size(), "socket calls");
  out += indent + "  read " + std::to_string(p.bytes_read) + " B, wrote " +
         std::to_string(p.bytes_written) + " B\n";
  for (std::size_t child : p.children) append_node_text(out, model, child, depth + 1);
}

void append_changes_json(std::string& out, const std::vector<Change>& changes) {
  out += "[";
  for (std::size_t i = 0; i < changes.size(); ++i) {
    out += i ? ", {\"time\": \"" : "{\"time\": \"";
    out += iso8601(changes[i].time_ns) + "\", \"value\": ";
    append_json_string(out, changes[i].value);
    out += "}";
  }
  out += "]";
}

void append_node_json(std::string& out, const CaptureModel& model, std::size_t index) {
  out += "{";
  append_process_fields_json(out, model, index);
  out += ", \"children\": [";
  const Process& p = model.processes.at(index);
  for (std::size_t i = 0; i < p.children.size(); ++i) {
    if (i) out += ", ";
    append_node_json(out, model, p.children[i]);
  }
  out += "]}";
}

}  // namespace

std::vector<std::vector<std::size_t>> tree_roots(const CaptureModel& model) {
  std::vector<std::vector<std::size_t>> roots(model.hosts.size());
  const auto& procs = model.processes.processes();
  for (std::size_t i = 0; i < procs.size(); ++i)
    if (procs[i].parent == kNone) roots[procs[i].host].push_back(i);
  return roots;
}

void append_process_fields_json(std::string& out, const CaptureModel& model, std::size_t index) {
  const Process& p = model.processes.at(index);
  out += "\"entity_id\": ";
  append_json_string(out, p.entity_id);
  out += ", \"pid\": " + std::to_string(p.tgid) + ", \"ppid\": " + std::to_string(p.ppid);
  out += ", \"parent_entity_id\": ";
  if (p.parent == kNone)
    out += "null";
  else
    append_json_string(out, model.processes.at(static_cast<std::size_t>(p.parent)).entity_id);
  out += ", \"start\": \"" + iso8601(p.start_ns) + "\", \"started_by\": \"" +
         (p.started_by_fork ? "fork" : "first record") + "\", \"comm\": ";
  append_changes_json(out, p.comms);
  out += ", \"uid\": ";
  append_changes_json(out, p.uids);
  out += ", \"exec\": [";
  for (std::size_t i = 0; i < p.execs.size(); ++i) {
    const ExecCall& e = p.execs[i];
    out += i ? ", {\"time\": \"" : "{\"time\": \"";
    out += iso8601(e.time_ns) + "\", \"path\": ";
    append_json_string(out, e.path);
    out += ", \"argv\": [";
    for (std::size_t k = 0; k < e.argv.size(); ++k) {
      if (k) out += ", ";
      append_json_string(out, e.argv[k]);
    }
    out += "]}";
  }
  out += "], \"files\": [";
  for (std::size_t i = 0; i < p.opens.size(); ++i) {
    const OpenedFile& f = p.opens[i];
    out += i ? ", {\"time\": \"" : "{\"time\": \"";
    out += iso8601(f.time_ns) + "\", \"path\": ";
    append_json_string(out, f.path);
    out += ", \"fd\": " + std::to_string(f.fd) + "}";
  }
  out += "], \"connections\": [";
  for (std::size_t i = 0; i < p.connections.size(); ++i) {
    const SocketActivity& s = p.connections[i].socket;
    out += i ? ", {\"time\": \"" : "{\"time\": \"";
    out += iso8601(p.connections[i].time_ns) + "\", \"call\": \"" + socket_call_name(s.call) +
           "\", \"protocol\": \"" + protocol_name(s.proto) + "\", \"local_ip\": \"" +
           local_address(s) + "\", \"local_port\": " + std::to_string(s.local_port) +
           ", \"remote_ip\": \"" + remote_address(s) +
           "\", \"remote_port\": " + std::to_string(s.remote_port) + "}";
  }
  out += "], \"execs_total\": " + std::to_string(p.execs_total) +
         ", \"files_total\": " + std::to_string(p.opens_total) +
         ", \"connections_total\": " + std::to_string(p.connections_total) +
         ", \"bytes_read\": " + std::to_string(p.bytes_read) +
         ", \"bytes_written\": " + std::to_string(p.bytes_written) + ", \"session\": ";
  const std::string sid = session_id(model, index);
  if (sid.empty())
    out += "null";
  else
    append_json_string(out, sid);
}

void append_tree_text(std::string& out, const CaptureModel& model) {
  const auto roots = tree_roots(model);
  for (std::size_t h = 0; h < roots.size(); ++h) {
    out += "host " + model.hosts.name(static_cast<std::uint32_t>(h)) + "\n";
    for (std::size_t r : roots[h]) append_node_text(out, model, r, 1);
  }
}

void append_tree_json(std::string& out, const CaptureModel& model) {
  const auto roots = tree_roots(model);
  out += "{\"hosts\": [";
  for (std::size_t h = 0; h < roots.size(); ++h) {
    out += h ? ",\n  {\"host\": " : "\n  {\"host\": ";
    append_json_string(out, model.hosts.name(static_cast<std::uint32_t>(h)));
    out += ", \"processes\": [";
    for (std::size_t i = 0; i < roots[h].size(); ++i) {
      out += i ? ",\n    " : "\n    ";
      append_node_json(out, model, roots[h][i]);
    }
    out += "]}";
  }
  out += "\n]}\n";
}

}  // namespace xebek_tools
