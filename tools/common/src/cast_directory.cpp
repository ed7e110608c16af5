#include "xebek_tools/cast_directory.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>

namespace xebek_tools {

namespace {

// A cast's buffer is written out when it grows past this.
constexpr std::size_t kCastFlushAt = 1u << 16;

std::string join_uids(const std::vector<std::uint32_t>& uids) {
  std::string out;
  for (std::uint32_t u : uids) {
    if (!out.empty()) out += ',';
    out += std::to_string(u);
  }
  return out;
}

}  // namespace

std::string cast_title(const std::string& host, const Session& s) {
  std::string title = host + " tty:" + std::to_string(s.tty_inode) + " uid:" + join_uids(s.uids);
  if (!s.commands.empty()) title += " " + s.commands.front();
  return title;
}

CastDirectory::Cast& CastDirectory::cast_of(const Session& s) {
  return casts_[static_cast<std::size_t>(s.number - 1)];
}

void CastDirectory::on_session(const Session& s) {
  if (casts_.size() < static_cast<std::size_t>(s.number)) casts_.resize(s.number);
  Cast& c = cast_of(s);
  c.session = &s;
  c.path = dir_ + "/" + file_name(s);
}

void CastDirectory::write_header(Cast& c) {
  std::string header = "{\"version\": 2, \"width\": " + std::to_string(options_.width) +
                       ", \"height\": " + std::to_string(options_.height) +
                       ", \"timestamp\": " + std::to_string(c.base_ns / 1'000'000'000u);
  if (options_.idle_time_limit) {
    char limit[32];
    std::snprintf(limit, sizeof limit, "%.3f", *options_.idle_time_limit);
    header += std::string(", \"idle_time_limit\": ") + limit;
  }
  header += ", \"title\": ";
  append_json_string(header, cast_title(hosts_.name(c.session->host), *c.session));
  header += "}\n";
  c.buffer.insert(0, header);
  c.header_written = true;
}

void CastDirectory::on_event(const TerminalEvent& e) {
  Cast& c = cast_of(*e.session);
  if (!c.has_events) {
    c.base_ns = c.last_ns = e.time_ns;
    c.has_events = true;
  }
  c.last_ns = std::max(c.last_ns, e.time_ns);
  char time[40];
  std::snprintf(time, sizeof time, "[%.6f, \"%c\", ",
                static_cast<double>(c.last_ns - c.base_ns) / 1e9, e.kind);
  c.buffer += time;
  if (e.kind == 'i')
    c.carry_in.append_json(c.buffer, e.data);
  else
    append_output(c, e.data);
  c.buffer += "]\n";
  if (c.buffer.size() >= kCastFlushAt) {
    if (!c.header_written) write_header(c);
    write_out(c);
  }
}

void CastDirectory::append_output(Cast& c, std::span<const std::uint8_t> data) {
  if (!options_.terminal_newlines) {
    c.carry_out.append_json(c.buffer, data);
    return;
  }
  std::vector<std::uint8_t> shown;
  shown.reserve(data.size() + data.size() / 8);
  for (std::uint8_t b : data) {
    if (b == '\n' && !c.output_ended_in_cr) shown.push_back('\r');
    shown.push_back(b);
    c.output_ended_in_cr = b == '\r';
  }
  c.carry_out.append_json(c.buffer, shown);
}

void CastDirectory::on_command(const Session& s, const std::string&) {
  Cast& c = cast_of(s);
  if (!c.header_written && c.has_events) {
    write_header(c);
    write_out(c);
  }
}

bool CastDirectory::write_out(Cast& c) {
  if (!error_.empty()) return false;
  std::FILE* f = std::fopen(c.path.c_str(), c.file_created ? "ab" : "wb");
  bool ok = f != nullptr;
  if (ok) ok = std::fwrite(c.buffer.data(), 1, c.buffer.size(), f) == c.buffer.size();
  if (f && std::fclose(f) != 0) ok = false;
  if (!ok) {
    error_ = c.path + ": " + std::strerror(errno);
    return false;
  }
  c.file_created = true;
  c.buffer.clear();
  return true;
}

bool CastDirectory::flush_all(bool final) {
  for (Cast& c : casts_) {
    if (!c.session || !c.has_events) continue;
    if (!c.header_written && !final) continue;
    if (!c.header_written) write_header(c);
    if (!c.buffer.empty() && !write_out(c)) return false;
  }
  return error_.empty();
}

}  // namespace xebek_tools
