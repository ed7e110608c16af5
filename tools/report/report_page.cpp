#include "report_page.hpp"

#include "html_text.hpp"
#include "player_assets.hpp"
#include "xebek_tools/json_text.hpp"
#include "xebek_tools/socket_text.hpp"
#include "xebek_tools/tree_view.hpp"

namespace xebek_report {

namespace xt = xebek_tools;

namespace {

std::string session_of(const xt::CaptureModel& m, std::size_t process) {
  const std::int64_t s = m.sessions.session_of(process);
  return s == xt::kNone ? std::string() : m.sessions.sessions()[static_cast<std::size_t>(s)].id;
}

std::string session_link(const std::string& id) {
  return "<a class=\"play\" href=\"#session-" + html(id) + "\" data-session=\"" + html(id) +
         "\">" + html(id) + "</a>";
}

std::string process_label(const xt::CaptureModel& m, std::size_t i) {
  const xt::Process& p = m.processes.at(i);
  return std::to_string(p.tgid) + " " + (p.comms.empty() ? "" : p.comms.back().value);
}

std::string changes(const std::vector<xt::Change>& list) {
  std::string out;
  for (const xt::Change& c : list) out += (out.empty() ? "" : " → ") + c.value;
  return out;
}

void append_summary(std::string& out, const xt::CaptureModel& m) {
  std::size_t confirmed = 0;
  for (const xt::Session& s : m.sessions.sessions()) confirmed += s.number != 0;
  out += "<p>" + std::to_string(m.records) + " records from " + std::to_string(m.hosts.size()) +
         " host(s): ";
  for (std::size_t h = 0; h < m.hosts.size(); ++h)
    out += (h ? ", " : "") + html(m.hosts.name(static_cast<std::uint32_t>(h)));
  out += "; " + std::to_string(confirmed) + " terminal session(s), " +
         std::to_string(m.processes.processes().size()) + " process(es)";
  if (m.lost) out += ", " + std::to_string(m.lost) + " records lost in capture";
  out += ".</p>\n";
}

void append_sessions(std::string& out, const PageInputs& in) {
  const xt::CaptureModel& m = in.model;
  out += "<section id=\"sessions\"><h2>Sessions</h2>\n<table><tr><th>session</th><th>start</th>"
         "<th>end</th><th>host</th><th>tty</th><th>users</th><th>in / out</th>"
         "<th>commands</th></tr>\n";
  for (const xt::Session& s : m.sessions.sessions()) {
    if (!s.number) continue;
    std::string users, commands;
    for (std::uint32_t u : s.uids) {
      if (!users.empty()) users += ',';
      users += std::to_string(u);
    }
    for (const std::string& c : s.commands) commands += "<code>" + html(c) + "</code> ";
    out += "<tr><td>" + session_link(s.id) + "</td><td>" + xt::readable_time(s.start_ns) +
           "</td><td>" + xt::readable_time(s.end_ns) + "</td><td>" + html(m.hosts.name(s.host)) +
           "</td><td>" + std::to_string(s.tty_inode) + "</td><td>" + users + "</td><td>" +
           std::to_string(s.bytes_in) + " / " + std::to_string(s.bytes_out) + " B</td><td>" +
           commands + "</td></tr>\n";
  }
  out += "</table>\n";
  for (const xt::Session& s : m.sessions.sessions()) {
    if (!s.number) continue;
    out += "<div class=\"session\" id=\"session-" + html(s.id) + "\"><h3>" + html(s.id) +
           "</h3>\n<p>first process <a href=\"#proc-" + std::to_string(s.root) + "\">" +
           html(process_label(m, s.root)) + "</a>, cast <a href=\"casts/" + html(s.id) +
           ".cast\">casts/" + html(s.id) + ".cast</a></p>\n";
    if (in.casts.count(s.id))
      out += "<div class=\"player\" data-session=\"" + html(s.id) +
             "\" data-idle-time-limit=\"" + std::to_string(in.idle_time_limit) + "\"></div>\n";
    else
      out += "<p>too large to embed: play the cast file with <code>asciinema play</code></p>\n";
    out += "</div>\n";
  }
  out += "</section>\n";
}

void append_process(std::string& out, const xt::CaptureModel& m, std::size_t i) {
  const xt::Process& p = m.processes.at(i);
  out += "<li><div class=\"proc\" id=\"proc-" + std::to_string(i) + "\"><b>" +
         std::to_string(p.tgid) + "</b> " + html(changes(p.comms)) + " (ppid " +
         std::to_string(p.ppid) + ", uid " + html(changes(p.uids)) + ", start " +
         xt::readable_time(p.start_ns) + ")";
  for (const xt::ExecCall& e : p.execs) {
    std::string argv;
    for (const std::string& a : e.argv) argv += (argv.empty() ? "" : " ") + a;
    out += " <span class=\"argv\" title=\"" + html(e.path) + "\">" + html(argv) + "</span>";
  }
  const std::string sid = session_of(m, i);
  if (!sid.empty()) out += " session " + session_link(sid);
  out += "\n<details><summary>" + std::to_string(p.opens_total) + " file(s), " +
         std::to_string(p.connections_total) + " socket call(s), read " +
         std::to_string(p.bytes_read) + " B, wrote " + std::to_string(p.bytes_written) +
         " B</summary><ul class=\"files\">";
  for (const xt::OpenedFile& f : p.opens)
    out += "<li>" + html(f.path) + " (fd " + std::to_string(f.fd) + ")</li>";
  out += "</ul><ul class=\"connections\">";
  for (const xt::Connection& c : p.connections) {
    const xt::SocketActivity& s = c.socket;
    out += "<li>" + xt::socket_call_name(s.call) + " " + xt::protocol_name(s.proto) + " " +
           xt::local_address(s) + ":" + std::to_string(s.local_port) +
           (xt::is_inbound(s) ? " ← " : " → ") + xt::remote_address(s) + ":" +
           std::to_string(s.remote_port) + "</li>";
  }
  out += "</ul></details></div>\n";
  if (!p.children.empty()) {
    out += "<ul>\n";
    for (std::size_t c : p.children) append_process(out, m, c);
    out += "</ul>\n";
  }
  out += "</li>\n";
}

void append_tree(std::string& out, const xt::CaptureModel& m) {
  out += "<section id=\"tree\" class=\"tree\"><h2>Process tree</h2>\n";
  const auto roots = xt::tree_roots(m);
  for (std::size_t h = 0; h < roots.size(); ++h) {
    out += "<h3>" + html(m.hosts.name(static_cast<std::uint32_t>(h))) + "</h3>\n<ul>\n";
    for (std::size_t r : roots[h]) append_process(out, m, r);
    out += "</ul>\n";
  }
  out += "</section>\n";
}

void append_timeline(std::string& out, const PageInputs& in) {
  const xt::CaptureModel& m = in.model;
  out += "<section id=\"timeline\" class=\"timeline\"><h2>Timeline</h2>\n<table><tr><th>time"
         "</th><th>host</th><th>process</th><th>what</th><th>detail</th></tr>\n";
  for (const TimelineEntry& e : in.timeline.entries()) {
    out += "<tr><td>" + xt::readable_time(e.time_ns) + "</td><td>" + html(m.hosts.name(e.host)) +
           "</td><td>";
    if (e.process != xt::kNone)
      out += "<a href=\"#proc-" + std::to_string(e.process) + "\">" +
             html(process_label(m, static_cast<std::size_t>(e.process))) + "</a>";
    out += "</td><td>" + html(e.what) + "</td><td>" + html(e.detail);
    if (!e.session.empty()) {
      out += ' ';
      out += session_link(e.session);
    }
    out += "</td></tr>\n";
  }
  out += "</table>\n";
  if (in.timeline.left_out())
    out += "<p>" + std::to_string(in.timeline.left_out()) + " later entries left out.</p>\n";
  out += "</section>\n";
}

void append_casts(std::string& out, const PageInputs& in) {
  for (const auto& [id, text] : in.casts) {
    std::string json;
    xt::append_json_string(json, text);
    out += "<script type=\"application/json\" id=\"cast-" + html(id) + "\">" +
           script_safe_json(json) + "</script>\n";
  }
}

}  // namespace

std::string report_page(const PageInputs& in) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<title>Xebek report</title>\n<style>\n";
  out += kPlayerCss;
  out += "\n</style>\n<style>\n";
  out += kReportCss;
  out += "\n</style>\n</head>\n<body>\n<h1>Xebek report</h1>\n";
  append_summary(out, in.model);
  out += "<p><a href=\"#sessions\">Sessions</a> · <a href=\"#tree\">Process tree</a> · "
         "<a href=\"#timeline\">Timeline</a></p>\n";
  append_sessions(out, in);
  append_tree(out, in.model);
  append_timeline(out, in);
  append_casts(out, in);
  out += "<script>\n";
  out += kPlayerJs;
  out += "\n</script>\n<script>\n";
  out += kReportJs;
  out += "\n</script>\n<!-- asciinema-player: Apache License 2.0, see "
         "LICENSE.asciinema-player -->\n</body></html>\n";
  return out;
}

}  // namespace xebek_report
