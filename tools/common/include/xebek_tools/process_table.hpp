// The processes of every host seen in the capture, with what each did:
// the comms and uids it had, what it executed, the files it opened, the
// connections it made or accepted and the bytes it read and wrote. A
// process is one (host, ring instance, tgid) from its start: a fork record
// starts a new one under that tgid (pid reuse), otherwise the first record
// seen starts it (Sebek data without a fork marker).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "xebek_tools/activity.hpp"
#include "xebek_tools/host_table.hpp"

namespace xebek_tools {

// How much of each list a process keeps; the totals go on counting.
inline constexpr std::size_t kMaxListed = 256;
inline constexpr std::size_t kMaxChanges = 16;   // comms, uids
inline constexpr std::size_t kMaxArgs = 64;
inline constexpr std::size_t kMaxArgLength = 1024;
inline constexpr std::size_t kMaxPathLength = 4096;
// Bound on the processes tracked; past it, records of new processes are
// left out of the tree (a note says so).
inline constexpr std::size_t kMaxProcesses = 500'000;
// Bound on every walk up the ancestry (a hostile capture may make ppids loop).
inline constexpr int kMaxAncestry = 64;

inline constexpr std::int64_t kNone = -1;

struct Change {
  std::uint64_t time_ns = 0;
  std::string value;
};

struct ExecCall {
  std::uint64_t time_ns = 0;
  std::string path;
  std::vector<std::string> argv;
};

struct OpenedFile {
  std::uint64_t time_ns = 0;
  std::string path;
  std::uint32_t fd = 0;
};

struct Connection {
  std::uint64_t time_ns = 0;
  SocketActivity socket;
};

struct Process {
  std::uint32_t host = 0;
  std::uint64_t ring_instance = 0;
  std::uint32_t tgid = 0;
  std::uint32_t ppid = 0;
  std::uint64_t start_ns = 0;
  bool started_by_fork = false;
  std::uint64_t last_ns = 0;
  std::string entity_id;
  std::int64_t parent = kNone;
  std::vector<std::size_t> children;
  std::vector<Change> comms;
  std::vector<Change> uids;
  std::vector<ExecCall> execs;
  std::vector<OpenedFile> opens;
  std::vector<Connection> connections;
  std::uint64_t execs_total = 0, opens_total = 0, connections_total = 0;
  std::uint64_t bytes_read = 0, bytes_written = 0, records = 0;
  // The terminal session this process itself used: the tty's inode and
  // the session's index (kNone when it never used a terminal).
  std::uint64_t tty_inode = 0;
  std::int64_t session = kNone;
};

// "HOST:INSTANCE:TGID:START": the domain or honeypot address, the ring
// instance in 16 hex digits (0 for Sebek data), the process id and its start
// in ns since the epoch. Every tool derives it the same way.
std::string make_entity_id(const std::string& host, std::uint64_t ring_instance,
                           std::uint32_t tgid, std::uint64_t start_ns);

class ProcessTable {
 public:
  explicit ProcessTable(const HostTable& hosts) : hosts_(hosts) {}

  // Records `a` against its process; returns the process's index, or kNone
  // when the process limit is reached.
  std::int64_t observe(const Activity& a);

  const std::vector<Process>& processes() const { return processes_; }
  Process& at(std::size_t i) { return processes_[i]; }
  const Process& at(std::size_t i) const { return processes_[i]; }
  // The parent, linked on demand (a parent may show up after its child);
  // never links a process below one of its own descendants.
  std::int64_t parent_of(std::size_t i);
  // Links every process whose parent is known by now.
  void link_parents();
  bool limit_reached() const { return limit_reached_; }

 private:
  struct Key {
    std::uint32_t host;
    std::uint64_t instance;
    std::uint32_t tgid;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept;
  };

  std::int64_t find_or_start(const Activity& a);
  std::int64_t start_process(const Activity& a, bool by_fork);
  void note(Process& p, const Activity& a);
  bool is_ancestor_or_self(std::size_t candidate, std::size_t of) const;

  const HostTable& hosts_;
  std::vector<Process> processes_;
  std::unordered_map<Key, std::size_t, KeyHash> current_;
  bool limit_reached_ = false;
};

}  // namespace xebek_tools
