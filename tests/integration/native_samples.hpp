// Events of every kind, with ordinary and with awkward field values, for
// the native log's round-trip tests. The same list wrote the golden
// version-1 log in tests/data/native-v1/ (with that version's xebekd), so
// the reader of the previous version is checked against it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "xebekd/event.hpp"

namespace native_samples {

using xebekd::Event;
using xebekd::EventType;

// Owns the payloads the events point at.
struct Samples {
  std::vector<std::vector<std::uint8_t>> payloads;
  std::vector<Event> events;

  std::span<const std::uint8_t> keep(std::vector<std::uint8_t> bytes) {
    payloads.push_back(std::move(bytes));
    return payloads.back();
  }
  std::span<const std::uint8_t> keep(const std::string& s) { return keep(std::vector<std::uint8_t>(s.begin(), s.end())); }
};

inline Event base(std::uint64_t seq, EventType type, const char* comm) {
  Event e;
  e.seq = seq;
  e.type = type;
  e.time_ns = 1'700'000'000'123'456'789ull + seq * 1'000'003ull;
  e.pid = 4242;
  e.tgid = 4242;
  e.ppid = 1;
  e.uid = 1000;
  e.fd = 3;
  e.inode = 131'000 + seq;
  std::memcpy(e.comm.data(), comm, std::strlen(comm));
  e.detail = xebekd::implied_detail(e);  // what a version-1 guest reports
  return e;
}

inline std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t seed) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(seed + i * 7);
  return v;
}

// Every kind, in the order the tests expect; seqs 0..n-1.
inline Samples every_kind() {
  Samples s;
  s.payloads.reserve(32);  // spans into it must stay valid
  std::uint64_t seq = 0;
  auto add = [&](Event e) { s.events.push_back(e); };

  Event key = base(seq++, EventType::Read, "bash");
  key.fd = 0;
  key.retval = 1;
  key.data = s.keep("l");
  add(key);

  Event big_read = base(seq++, EventType::Read, "cat");
  big_read.retval = 4000;
  big_read.data = s.keep(pattern(4000, 1));
  add(big_read);

  Event exact = base(seq++, EventType::Write, "dd");  // a multiple of 1320: empty last chunk
  exact.retval = 2640;
  exact.data = s.keep(pattern(2640, 2));
  add(exact);

  Event cut = base(seq++, EventType::Write, "a-long-name-15c");  // comm beyond Sebek's 12
  cut.retval = 100000;  // the syscall moved more than was captured
  cut.flags = 0;
  cut.tgid = 4000;
  cut.inode = 0x1'0000'0005ull;  // beyond Sebek's 32 bits
  cut.data = s.keep(pattern(300, 3));
  add(cut);

  Event chunk = base(seq++, EventType::Read, "sshd");  // a replayed Sebek record
  chunk.flags = xebekd::kFlagSebekChunk;
  chunk.retval = 1320;
  chunk.data = s.keep(pattern(1320, 4));
  add(chunk);

  Event open = base(seq++, EventType::Open, "vi");
  open.retval = 3;
  open.data = s.keep("/etc/shadow");
  add(open);

  Event long_open = base(seq++, EventType::Open, "find");  // longer than one Sebek record
  long_open.retval = 5;
  long_open.fd = 5;
  long_open.data = s.keep(std::string(1500, 'p'));
  add(long_open);

  Event sock4 = base(seq++, EventType::Socket, "nc");
  sock4.socket.family = 2;
  sock4.socket.call = 3;
  sock4.socket.proto = 6;
  sock4.socket.local_addr = {10, 0, 0, 23};
  sock4.socket.remote_addr = {192, 0, 2, 7};
  sock4.socket.local_port = 40000;
  sock4.socket.remote_port = 4444;
  add(sock4);

  Event sock6 = base(seq++, EventType::Socket, "nc6");
  sock6.socket.family = 10;
  sock6.socket.call = 5;
  sock6.socket.proto = 6;
  sock6.socket.local_addr = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  sock6.socket.remote_addr = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  sock6.socket.local_port = 22;
  sock6.socket.remote_port = 51000;
  add(sock6);

  Event fork = base(seq++, EventType::Fork, "bash");
  fork.fd = 0;
  fork.inode = 0;
  add(fork);

  Event exec = base(seq++, EventType::Exec, "bash");
  exec.fd = 0;
  exec.data = s.keep(std::string("/bin/ls\0ls\0-la\0", 15));
  add(exec);

  Event loss = base(seq++, EventType::Loss, "");
  loss.pid = loss.tgid = loss.ppid = loss.uid = loss.fd = 0;
  loss.inode = 0;
  loss.lost = 17;
  loss.loss_reason = 0;
  loss.detail = xebekd::implied_detail(loss);
  add(loss);

  Event odd_time = base(seq++, EventType::Read, "bash");  // beyond Sebek's u32 seconds
  odd_time.time_ns = ~0ull - 5;
  odd_time.retval = 1;
  odd_time.data = s.keep("x");
  add(odd_time);

  Event junk_comm = base(seq++, EventType::Read, "sh");  // bytes after the NUL
  junk_comm.comm[5] = 'z';
  junk_comm.retval = 1;
  junk_comm.data = s.keep("y");
  add(junk_comm);

  Event empty = base(seq++, EventType::Write, "true");
  empty.retval = 0;
  add(empty);

  Event jump = base(seq + 1000, EventType::Read, "bash");  // a gap in seq
  jump.fd = 0;
  jump.retval = 1;
  jump.data = s.keep("\r");
  jump.detail = xebekd::implied_detail(jump);
  add(jump);
  return s;
}

// What a version-2 guest adds: every kind of detail, appended after
// every_kind() (its seqs continue from `first_seq`).
inline void add_version2_kinds(Samples& s, std::uint64_t first_seq) {
  std::uint64_t seq = first_seq;
  auto terminal = [&](EventType type, const char* comm, const char* bytes) {
    Event e = base(seq++, type, comm);
    e.fd = 0;
    e.flags = xebekd::kFlagTty;
    e.data = s.keep(bytes);
    e.retval = static_cast<std::int64_t>(e.data.size());
    e.detail.xen_time_ns = 5'000'000'000ull + e.seq * 777;
    e.detail.sid = 4200;
    e.detail.tty = (136u << 8) | 0u;  // /dev/pts/0
    e.detail.dev = 0x16;
    e.detail.mode = 020620;
    e.detail.open_flags = 02;
    e.detail.gid = e.detail.egid = 1000;
    return e;
  };
  s.events.push_back(terminal(EventType::Read, "su", "hunter2\n"));
  s.events.push_back(terminal(EventType::Read, "su", "x"));  // like the one before
  s.events.push_back(terminal(EventType::Write, "su", "Password: "));

  Event root = base(seq++, EventType::Open, "passwd");  // setuid: euid 0, uid 1000
  root.retval = 4;
  root.fd = 4;
  root.data = s.keep("/etc/shadow");
  root.detail.euid = root.detail.fsuid = 0;
  root.detail.open_flags = 0101;
  root.detail.mode = 0600;
  root.detail.xen_time_ns = 6'000'000'000ull;
  s.events.push_back(root);

  Event failed = base(seq++, EventType::Open, "cat");
  failed.flags = xebekd::kFlagFailed;
  failed.retval = -13;
  failed.fd = 0;
  failed.inode = 0;
  failed.data = s.keep("/root/secret");
  s.events.push_back(failed);

  Event close = base(seq++, EventType::Close, "cat");
  close.detail.dev = 0x801;
  s.events.push_back(close);

  Event vm = base(seq++, EventType::ProcVm, "gdb");
  vm.flags = xebekd::kFlagProcVmWrite;
  vm.retval = 4096;
  vm.detail.target_pid = 777;
  s.events.push_back(vm);

  Event sock = base(seq++, EventType::Socket, "udpd");  // bind(): native only
  sock.socket.family = 2;
  sock.socket.call = 2;
  sock.socket.proto = 17;
  sock.socket.local_addr = {0, 0, 0, 0};
  sock.socket.local_port = 5353;
  sock.detail.sock_type = 2;
  sock.detail.sock_proto = 17;
  s.events.push_back(sock);

  Event joined = base(seq + 3, EventType::Write, "dd");  // pieces seq..seq+3, cut by the guest's cap
  joined.flags = xebekd::kFlagTruncated;
  joined.retval = 9000;
  joined.data = s.keep(pattern(5000, 9));
  joined.detail.group = seq;
  joined.detail.not_captured = 4000;
  s.events.push_back(joined);
}

}  // namespace native_samples
