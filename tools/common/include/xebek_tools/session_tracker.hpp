// Terminal sessions rebuilt from terminal input and output: the reads and
// writes the capture marked as terminal I/O, or where the source does not
// mark them (Sebek data), reads on fd 0 and writes on fd 0, 1 or 2. Both
// carry the inode of the file, which for a terminal is its tty. A process's terminal I/O belongs to the
// session of its nearest ancestor (or itself) that already uses that tty,
// so what a shell forks (su, sudo, a nested shell, every command) stays in
// the shell's session; a process with no such ancestor starts a session.
// A session counts once something was typed into it: output alone (a
// daemon writing its stdout to a file) never makes one, and what such a
// would-be session printed before its first input is kept (up to a bound)
// and delivered first when it is confirmed.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "xebek_tools/activity.hpp"
#include "xebek_tools/process_table.hpp"
#include "xebek_tools/typed_lines.hpp"

namespace xebek_tools {

inline constexpr std::size_t kMaxPendingOutput = 1u << 20;  // bytes before the first input
inline constexpr std::size_t kMaxCommands = 1000;

struct Session {
  std::size_t index = 0;  // in the tracker's list (creation order)
  int number = 0;         // 1, 2, ... in order of confirmation; 0 = not a session (yet)
  std::string id;         // "s001-HOST-ttyINODE" once confirmed
  std::uint32_t host = 0;
  std::uint64_t tty_inode = 0;
  std::size_t root = 0;   // process index of the session's first process
  std::uint64_t start_ns = 0, end_ns = 0;
  std::uint64_t bytes_in = 0, bytes_out = 0;
  std::vector<std::uint32_t> uids;  // in order of first appearance
  std::vector<std::string> commands;
  TypedLines typing;
};

struct TerminalEvent {
  const Session* session;
  char kind;  // 'i' input, 'o' output (asciicast's codes)
  std::uint64_t time_ns;
  std::span<const std::uint8_t> data;
};

class SessionListener {
 public:
  virtual ~SessionListener() = default;
  virtual void on_session(const Session&) {}       // just confirmed
  virtual void on_event(const TerminalEvent&) {}   // in capture order per session
  virtual void on_command(const Session&, const std::string&) {}
};

// Hands every call on to several listeners, in order.
class SessionFanout : public SessionListener {
 public:
  explicit SessionFanout(std::vector<SessionListener*> to) : to_(std::move(to)) {}
  void on_session(const Session& s) override {
    for (auto* l : to_) l->on_session(s);
  }
  void on_event(const TerminalEvent& e) override {
    for (auto* l : to_) l->on_event(e);
  }
  void on_command(const Session& s, const std::string& c) override {
    for (auto* l : to_) l->on_command(s, c);
  }

 private:
  std::vector<SessionListener*> to_;
};

class SessionTracker {
 public:
  SessionTracker(ProcessTable& processes, const HostTable& hosts, SessionListener* listener)
      : processes_(processes), hosts_(hosts), listener_(listener) {}

  void set_listener(SessionListener* listener) { listener_ = listener; }

  // `process` is what ProcessTable::observe returned for `a`.
  void observe(const Activity& a, std::int64_t process);

  // A deque: listeners keep references to sessions while later ones start.
  const std::deque<Session>& sessions() const { return sessions_; }
  // The confirmed session a process belongs to: its own, or its nearest
  // ancestor's. kNone when there is none.
  std::int64_t session_of(std::size_t process) const;

 private:
  struct Pending {
    char kind;
    std::uint64_t time_ns;
    std::vector<std::uint8_t> data;
  };
  std::size_t session_for(std::size_t process, std::uint64_t inode, std::uint64_t time_ns);
  void confirm(Session& s);
  void deliver(Session& s, char kind, std::uint64_t time_ns, std::span<const std::uint8_t> data);

  ProcessTable& processes_;
  const HostTable& hosts_;
  SessionListener* listener_;
  std::deque<Session> sessions_;
  std::vector<std::vector<Pending>> pending_;  // per session, until confirmed
  std::vector<std::size_t> pending_bytes_;
  int confirmed_ = 0;
};

// "HOST" with every byte outside [A-Za-z0-9._-] replaced by '_': safe in a
// file name.
std::string file_safe(const std::string& text);

}  // namespace xebek_tools
