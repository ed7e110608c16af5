#include "xebek_tools/session_tracker.hpp"

#include <algorithm>
#include <cstdio>

namespace xebek_tools {

namespace {

bool is_terminal_input(const Activity& a) {
  if (a.action != Action::Read || a.data.empty()) return false;
  return a.terminal ? *a.terminal : a.fd == 0;
}

// Without the capture's mark, a write to fd 0, 1 or 2: a shell's line
// editor writes to its stdin, and a guest that finds the fd of a terminal
// by its file names the lowest of the dups. Output alone never confirms a
// session, so a stdout that is a file adds nothing.
bool is_terminal_output(const Activity& a) {
  if (a.action != Action::Write || a.data.empty()) return false;
  return a.terminal ? *a.terminal : a.fd <= 2;
}

}  // namespace

std::string file_safe(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) c = '_';
  }
  if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
  return out;
}

std::size_t SessionTracker::session_for(std::size_t process, std::uint64_t inode,
                                        std::uint64_t time_ns) {
  std::int64_t q = static_cast<std::int64_t>(process);
  for (int depth = 0; q != kNone && depth <= kMaxAncestry; ++depth) {
    const Process& p = processes_.at(static_cast<std::size_t>(q));
    if (p.session != kNone && p.tty_inode == inode) {
      Process& self = processes_.at(process);
      if (self.session == kNone) {
        self.session = p.session;
        self.tty_inode = inode;
      }
      return static_cast<std::size_t>(p.session);
    }
    q = processes_.parent_of(static_cast<std::size_t>(q));
  }
  Session s;
  s.index = sessions_.size();
  s.host = processes_.at(process).host;
  s.tty_inode = inode;
  s.root = process;
  s.start_ns = s.end_ns = time_ns;
  sessions_.push_back(std::move(s));
  pending_.emplace_back();
  pending_bytes_.push_back(0);
  Process& self = processes_.at(process);
  // A process keeps the first session it joined; later ttys are found
  // through their own roots.
  if (self.session == kNone) {
    self.session = static_cast<std::int64_t>(sessions_.size() - 1);
    self.tty_inode = inode;
  }
  return sessions_.size() - 1;
}

void SessionTracker::confirm(Session& s) {
  s.number = ++confirmed_;
  char num[16];
  std::snprintf(num, sizeof num, "s%03d", s.number);
  s.id = std::string(num) + "-" + file_safe(hosts_.name(s.host)) + "-tty" +
         std::to_string(s.tty_inode);
  if (listener_) listener_->on_session(s);
  for (const Pending& p : pending_[s.index])
    if (listener_) listener_->on_event({&s, p.kind, p.time_ns, p.data});
  pending_[s.index].clear();
  pending_[s.index].shrink_to_fit();
}

void SessionTracker::deliver(Session& s, char kind, std::uint64_t time_ns,
                             std::span<const std::uint8_t> data) {
  if (s.number == 0) {
    if (pending_bytes_[s.index] + data.size() > kMaxPendingOutput) return;
    pending_bytes_[s.index] += data.size();
    pending_[s.index].push_back({kind, time_ns, {data.begin(), data.end()}});
    return;
  }
  if (listener_) listener_->on_event({&s, kind, time_ns, data});
}

void SessionTracker::observe(const Activity& a, std::int64_t process) {
  if (process == kNone) return;
  const bool input = is_terminal_input(a);
  if (!input && !is_terminal_output(a)) return;
  Session& s = sessions_[session_for(static_cast<std::size_t>(process), a.inode, a.time_ns)];
  s.start_ns = std::min(s.start_ns, a.time_ns);
  s.end_ns = std::max(s.end_ns, a.time_ns);
  if (std::find(s.uids.begin(), s.uids.end(), a.uid) == s.uids.end() && s.uids.size() < kMaxChanges)
    s.uids.push_back(a.uid);
  if (input) {
    s.bytes_in += a.data.size();
    if (s.number == 0) confirm(s);
    deliver(s, 'i', a.time_ns, a.data);
    std::vector<std::string> lines;
    s.typing.feed(a.data, lines);
    for (std::string& line : lines) {
      if (s.commands.size() >= kMaxCommands) break;
      s.commands.push_back(std::move(line));
      if (listener_) listener_->on_command(s, s.commands.back());
    }
  } else {
    s.bytes_out += a.data.size();
    deliver(s, 'o', a.time_ns, a.data);
  }
}

std::int64_t SessionTracker::session_of(std::size_t process) const {
  std::int64_t q = static_cast<std::int64_t>(process);
  for (int depth = 0; q != kNone && depth <= kMaxAncestry; ++depth) {
    const Process& p = processes_.at(static_cast<std::size_t>(q));
    if (p.session != kNone && sessions_[static_cast<std::size_t>(p.session)].number != 0)
      return p.session;
    q = p.parent;
  }
  return kNone;
}

}  // namespace xebek_tools
