#include "ecs_line.hpp"

#include "xebek_tools/json_text.hpp"
#include "xebek_tools/socket_text.hpp"

namespace xebek_export {

namespace xt = xebek_tools;

namespace {

// ECS event.category and event.type for each action.
const char* category(const xt::Activity& a) {
  switch (a.action) {
    case xt::Action::Open: return "file";
    case xt::Action::Socket: return "network";
    case xt::Action::Read:
    case xt::Action::Write: return a.fd <= 2 ? "session" : "file";
    default: return "process";
  }
}

const char* event_type(const xt::Activity& a) {
  switch (a.action) {
    case xt::Action::Fork: return "start";
    case xt::Action::Exec: return "change";
    case xt::Action::Socket: return "connection";
    case xt::Action::Open: return "access";
    default: return "info";
  }
}

std::string action(const xt::Activity& a) {
  if (a.action == xt::Action::Socket) return xt::socket_call_name(a.socket.call);
  return xt::action_name(a.action);
}

void key(std::string& out, const char* name) {
  out += ", \"";
  out += name;
  out += "\": ";
}

void append_socket(std::string& out, const xt::SocketActivity& s) {
  const bool inbound = xt::is_inbound(s);
  const std::string local = xt::local_address(s), remote = xt::remote_address(s);
  const std::string local_port = std::to_string(s.local_port);
  const std::string remote_port = std::to_string(s.remote_port);
  key(out, "source");
  out += "{\"ip\": \"" + (inbound ? remote : local) + "\", \"port\": " +
         (inbound ? remote_port : local_port) + "}";
  key(out, "destination");
  out += "{\"ip\": \"" + (inbound ? local : remote) + "\", \"port\": " +
         (inbound ? local_port : remote_port) + "}";
  key(out, "network");
  out += "{\"transport\": \"" + xt::protocol_name(s.proto) + "\", \"type\": \"" +
         (s.family == 10 ? "ipv6" : s.family == 2 ? "ipv4" : "unix") + "\", \"direction\": \"" +
         (inbound ? "ingress" : "egress") + "\"}";
}

void append_process(std::string& out, const xt::CaptureModel& model, const xt::Activity& a,
                    std::int64_t process) {
  key(out, "process");
  out += "{\"pid\": " + std::to_string(a.tgid) + ", \"thread\": {\"id\": " +
         std::to_string(a.pid) + "}, \"name\": ";
  xt::append_json_string(out, a.comm());
  out += ", \"parent\": {\"pid\": " + std::to_string(a.ppid);
  if (process != xt::kNone) {
    const xt::Process& p = model.processes.at(static_cast<std::size_t>(process));
    if (p.parent != xt::kNone) {
      out += ", \"entity_id\": ";
      xt::append_json_string(
          out, model.processes.at(static_cast<std::size_t>(p.parent)).entity_id);
    }
    out += "}, \"entity_id\": ";
    xt::append_json_string(out, p.entity_id);
    out += ", \"start\": \"" + xt::iso8601(p.start_ns) + "\"";
    if (!p.execs.empty()) {
      const xt::ExecCall& e = p.execs.back();
      out += ", \"executable\": ";
      xt::append_json_string(out, e.path);
      out += ", \"args\": [";
      for (std::size_t i = 0; i < e.argv.size(); ++i) {
        if (i) out += ", ";
        xt::append_json_string(out, e.argv[i]);
      }
      out += "], \"args_count\": " + std::to_string(e.argv.size());
    }
  } else {
    out += "}";
  }
  if (a.action == xt::Action::Read || a.action == xt::Action::Write) {
    out += ", \"io\": {\"type\": \"";
    out += a.fd <= 2 ? "tty" : "file";
    out += "\", \"total_bytes_captured\": " + std::to_string(a.data.size()) + ", \"text\": ";
    xt::append_json_string(
        out, std::string_view(reinterpret_cast<const char*>(a.data.data()), a.data.size()));
    out += "}";
  }
  out += "}";
}

}  // namespace

void append_ecs_line(std::string& out, const xt::CaptureModel& model, const xt::Activity& a,
                     std::int64_t process) {
  out += "{\"@timestamp\": \"" + xt::iso8601(a.time_ns) + "\", \"event\": {\"kind\": \"event\"" +
         ", \"category\": [\"" + category(a) + "\"], \"type\": [\"" + event_type(a) +
         "\"], \"action\": \"" + action(a) + "\", \"dataset\": \"" +
         (a.native ? "xebek.native" : "xebek.sebek") + "\"}";
  key(out, "host");
  out += "{\"name\": ";
  xt::append_json_string(out, model.hosts.name(a.host));
  out += "}";
  if (a.action != xt::Action::Loss) {
    append_process(out, model, a, process);
    key(out, "user");
    out += "{\"id\": \"" + std::to_string(a.uid) + "\"}";
  }
  if (a.action == xt::Action::Open) {
    key(out, "file");
    out += "{\"path\": ";
    xt::append_json_string(
        out, std::string_view(reinterpret_cast<const char*>(a.data.data()), a.data.size()));
    out += ", \"inode\": \"" + std::to_string(a.inode) + "\"}";
  }
  if (a.action == xt::Action::Socket) append_socket(out, a.socket);
  key(out, "xebek");
  out += "{\"fd\": " + std::to_string(a.fd) + ", \"inode\": " + std::to_string(a.inode) +
         ", \"record_type\": " + std::to_string(a.raw_type);
  if (a.action == xt::Action::Loss) out += ", \"lost\": " + std::to_string(a.lost);
  if (process != xt::kNone) {
    const std::int64_t s = model.sessions.session_of(static_cast<std::size_t>(process));
    if (s != xt::kNone) {
      out += ", \"session\": ";
      xt::append_json_string(out, model.sessions.sessions()[static_cast<std::size_t>(s)].id);
    }
  }
  out += "}}\n";
}

}  // namespace xebek_export
