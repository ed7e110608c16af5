#include "xebek_tools/process_table.hpp"

#include <algorithm>
#include <cstdio>

#include "xebek_tools/json_text.hpp"

namespace xebek_tools {

namespace {

std::string bounded_text(std::span<const std::uint8_t> bytes, std::size_t limit) {
  const std::size_t n = std::min(bytes.size(), limit);
  return valid_utf8(std::string_view(reinterpret_cast<const char*>(bytes.data()), n));
}

// Exec payload: filename NUL argv[0] NUL argv[1] NUL ...
ExecCall parse_exec(const Activity& a) {
  ExecCall call;
  call.time_ns = a.time_ns;
  std::string_view rest(reinterpret_cast<const char*>(a.data.data()), a.data.size());
  bool first = true;
  while (!rest.empty()) {
    const std::size_t nul = rest.find('\0');
    const std::string_view part = rest.substr(0, nul);
    const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(part.data()), part.size());
    if (first) {
      call.path = bounded_text(bytes, kMaxPathLength);
      first = false;
    } else if (call.argv.size() < kMaxArgs) {
      call.argv.push_back(bounded_text(bytes, kMaxArgLength));
    }
    if (nul == std::string_view::npos) break;
    rest.remove_prefix(nul + 1);
  }
  return call;
}

// Most records repeat the last comm and uid: compare before building text.
void note_comm(std::vector<Change>& changes, std::uint64_t time_ns, std::string_view comm) {
  if (!changes.empty() && changes.back().value == comm) return;
  if (changes.size() >= kMaxChanges) return;
  std::string value = valid_utf8(comm);
  if (!changes.empty() && changes.back().value == value) return;
  changes.push_back({time_ns, std::move(value)});
}

void note_uid(std::vector<Change>& changes, std::uint64_t time_ns, std::uint32_t uid) {
  char text[16];
  const int n = std::snprintf(text, sizeof text, "%u", uid);
  const std::string_view value(text, static_cast<std::size_t>(n));
  if (!changes.empty() && changes.back().value == value) return;
  if (changes.size() >= kMaxChanges) return;
  changes.push_back({time_ns, std::string(value)});
}

template <typename T>
void keep_bounded(std::vector<T>& list, std::uint64_t& total, T item) {
  ++total;
  if (list.size() < kMaxListed) list.push_back(std::move(item));
}

}  // namespace

std::string make_entity_id(const std::string& host, std::uint64_t ring_instance,
                           std::uint32_t tgid, std::uint64_t start_ns) {
  char tail[64];
  std::snprintf(tail, sizeof tail, ":%016llx:%u:%llu",
                static_cast<unsigned long long>(ring_instance), tgid,
                static_cast<unsigned long long>(start_ns));
  return host + tail;
}

std::size_t ProcessTable::KeyHash::operator()(const Key& k) const noexcept {
  std::uint64_t h = k.instance * 0x9e3779b97f4a7c15ull;
  h ^= (std::uint64_t{k.host} << 32 | k.tgid) + 0x7f4a7c159e3779b9ull + (h << 6) + (h >> 2);
  return static_cast<std::size_t>(h);
}

std::int64_t ProcessTable::start_process(const Activity& a, bool by_fork) {
  if (processes_.size() >= kMaxProcesses) {
    limit_reached_ = true;
    return kNone;
  }
  Process p;
  p.host = a.host;
  p.ring_instance = a.ring_instance;
  p.tgid = a.tgid;
  p.ppid = a.ppid;
  p.start_ns = a.time_ns;
  p.started_by_fork = by_fork;
  p.entity_id = make_entity_id(hosts_.name(a.host), a.ring_instance, a.tgid, a.time_ns);
  const auto index = static_cast<std::int64_t>(processes_.size());
  processes_.push_back(std::move(p));
  current_[Key{a.host, a.ring_instance, a.tgid}] = static_cast<std::size_t>(index);
  parent_of(static_cast<std::size_t>(index));
  return index;
}

std::int64_t ProcessTable::find_or_start(const Activity& a) {
  // A fork of a new thread (native: pid differs from tgid) is no new process.
  const bool new_process = a.action == Action::Fork && a.pid == a.tgid;
  if (!new_process) {
    auto it = current_.find(Key{a.host, a.ring_instance, a.tgid});
    if (it != current_.end()) return static_cast<std::int64_t>(it->second);
  }
  return start_process(a, new_process);
}

void ProcessTable::note(Process& p, const Activity& a) {
  ++p.records;
  p.last_ns = std::max(p.last_ns, a.time_ns);
  if (a.ppid != 0 && p.ppid == 0) p.ppid = a.ppid;
  note_comm(p.comms, a.time_ns, a.comm());
  if (a.action != Action::Loss) note_uid(p.uids, a.time_ns, a.uid);
  switch (a.action) {
    case Action::Read: p.bytes_read += a.data.size(); break;
    case Action::Write: p.bytes_written += a.data.size(); break;
    case Action::Open:
      keep_bounded(p.opens, p.opens_total,
                   OpenedFile{a.time_ns, bounded_text(a.data, kMaxPathLength), a.fd});
      break;
    case Action::Socket:
      keep_bounded(p.connections, p.connections_total, Connection{a.time_ns, a.socket});
      break;
    case Action::Exec: keep_bounded(p.execs, p.execs_total, parse_exec(a)); break;
    case Action::Fork:
    case Action::Loss:
    case Action::Close:
    case Action::ProcVm:
    case Action::Unknown: break;
  }
}

std::int64_t ProcessTable::observe(const Activity& a) {
  if (a.action == Action::Loss) return kNone;  // no process behind it
  const std::int64_t i = find_or_start(a);
  if (i == kNone) return kNone;
  note(processes_[static_cast<std::size_t>(i)], a);
  return i;
}

bool ProcessTable::is_ancestor_or_self(std::size_t candidate, std::size_t of) const {
  std::int64_t q = static_cast<std::int64_t>(of);
  for (int depth = 0; q != kNone && depth <= kMaxAncestry; ++depth) {
    if (static_cast<std::size_t>(q) == candidate) return true;
    q = processes_[static_cast<std::size_t>(q)].parent;
  }
  // Too deep to tell: treat as related so that no link is made.
  return q != kNone;
}

std::int64_t ProcessTable::parent_of(std::size_t i) {
  Process& p = processes_[i];
  if (p.parent != kNone || p.ppid == 0 || p.ppid == p.tgid) return p.parent;
  auto it = current_.find(Key{p.host, p.ring_instance, p.ppid});
  if (it == current_.end() || is_ancestor_or_self(i, it->second)) return kNone;
  p.parent = static_cast<std::int64_t>(it->second);
  processes_[it->second].children.push_back(i);
  return p.parent;
}

void ProcessTable::link_parents() {
  for (std::size_t i = 0; i < processes_.size(); ++i) parent_of(i);
  // Children in the order they started, whenever their parent was linked.
  for (Process& p : processes_)
    std::stable_sort(p.children.begin(), p.children.end(), [&](std::size_t a, std::size_t b) {
      return processes_[a].start_ns < processes_[b].start_ns;
    });
}

}  // namespace xebek_tools
