#include "timeline.hpp"

#include "xebek_tools/json_text.hpp"
#include "xebek_tools/socket_text.hpp"

namespace xebek_report {

namespace xt = xebek_tools;

void Timeline::add(TimelineEntry e) {
  if (entries_.size() >= kMaxTimeline) {
    ++left_out_;
    return;
  }
  entries_.push_back(std::move(e));
}

void Timeline::add_activity(const xt::Activity& a, std::int64_t process) {
  last_time_ns_ = a.time_ns;
  const std::string_view data(reinterpret_cast<const char*>(a.data.data()), a.data.size());
  switch (a.action) {
    case xt::Action::Fork:
      add({a.time_ns, a.host, process, "fork", "child of " + std::to_string(a.ppid), {}});
      break;
    case xt::Action::Exec: {
      const xt::Process& p = model_.processes.at(static_cast<std::size_t>(process));
      std::string argv;
      if (!p.execs.empty())
        for (const std::string& arg : p.execs.back().argv) argv += (argv.empty() ? "" : " ") + arg;
      add({a.time_ns, a.host, process, "exec", argv, {}});
      break;
    }
    case xt::Action::Open:
      add({a.time_ns, a.host, process, "open", xt::valid_utf8(data), {}});
      break;
    case xt::Action::Socket:
      add({a.time_ns, a.host, process, xt::socket_call_name(a.socket.call),
           xt::protocol_name(a.socket.proto) + " " + xt::local_address(a.socket) + ":" +
               std::to_string(a.socket.local_port) + (xt::is_inbound(a.socket) ? " <- " : " -> ") +
               xt::remote_address(a.socket) + ":" + std::to_string(a.socket.remote_port),
           {}});
      break;
    case xt::Action::Loss:
      add({a.time_ns, a.host, process, "loss", std::to_string(a.lost) + " records lost", {}});
      break;
    default: break;
  }
}

void Timeline::on_session(const xt::Session& s) {
  add({s.start_ns, s.host, static_cast<std::int64_t>(s.root), "session",
       "tty " + std::to_string(s.tty_inode), s.id});
}

void Timeline::on_command(const xt::Session& s, const std::string& command) {
  add({last_time_ns_, s.host, xt::kNone, "typed", command, s.id});
}

}  // namespace xebek_report
