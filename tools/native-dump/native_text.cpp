#include "native_text.hpp"

#include <arpa/inet.h>

#include <cinttypes>
#include <cstdio>

namespace native_dump {
namespace {

const char* type_name(xebekd::EventType t) {
  switch (t) {
    case xebekd::EventType::Read: return "read";
    case xebekd::EventType::Write: return "write";
    case xebekd::EventType::Open: return "open";
    case xebekd::EventType::Socket: return "socket";
    case xebekd::EventType::Fork: return "fork";
    case xebekd::EventType::Exec: return "exec";
    case xebekd::EventType::Loss: return "loss";
    case xebekd::EventType::Close: return "close";
    case xebekd::EventType::ProcVm: return "process_vm";
  }
  return "unknown";
}

void append_escaped(std::string& out, const std::uint8_t* p, std::size_t n) {
  out += '"';
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t c = p[i];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += char(c);
    } else {
      char b[5];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    }
  }
  out += '"';
}

std::string address(std::uint16_t family, const std::array<std::uint8_t, 16>& a, std::uint16_t port) {
  if (family == 1) return "unix";  // a socketpair's end: no address
  char text[INET6_ADDRSTRLEN] = "?";
  if (family == 2) ::inet_ntop(AF_INET, a.data(), text, sizeof text);
  else if (family == 10) ::inet_ntop(AF_INET6, a.data(), text, sizeof text);
  char out[INET6_ADDRSTRLEN + sizeof "[]:65535"];
  if (family == 10) std::snprintf(out, sizeof out, "[%s]:%u", text, unsigned{port});
  else std::snprintf(out, sizeof out, "%s:%u", text, unsigned{port});
  return out;
}

void append_field(std::string& out, const char* name, std::uint64_t v) {
  out += ' ';
  out += name;
  out += '=';
  out += std::to_string(v);
}

// The fields of ring protocol version 2. The flags by name, so that a
// reader need not know their bits.
void append_detail(std::string& out, const xebekd::Event& e) {
  const xebekd::EventDetail& d = e.detail;
  if (e.flags & xebekd::kFlagTty) out += " tty_io=1";
  if (e.flags & xebekd::kFlagFailed) out += " failed=1";
  if (e.flags & xebekd::kFlagTruncated) out += " truncated=1";
  append_field(out, "euid", d.euid);
  append_field(out, "fsuid", d.fsuid);
  append_field(out, "gid", d.gid);
  append_field(out, "egid", d.egid);
  append_field(out, "sid", d.sid);
  append_field(out, "tty", d.tty);
  append_field(out, "dev", d.dev);
  append_field(out, "open_flags", d.open_flags);
  append_field(out, "mode", d.mode);
  append_field(out, "xen_time_ns", d.xen_time_ns);
  append_field(out, "group", d.group);
  if (e.flags & xebekd::kFlagTruncated) append_field(out, "not_captured", d.not_captured);
  if (e.type == xebekd::EventType::Socket) {
    append_field(out, "sock_type", d.sock_type);
    append_field(out, "sock_proto", d.sock_proto);
  }
  if (e.type == xebekd::EventType::ProcVm) {
    append_field(out, "target_pid", d.target_pid);
    out += (e.flags & xebekd::kFlagProcVmWrite) ? " vm=write" : " vm=read";
  }
}

}  // namespace

void append_entry_line(std::string& out, const xebekd::NativeEntry& n, const TextOptions& opt) {
  const xebekd::Event& e = n.event;
  char time[64];
  std::snprintf(time, sizeof time, "%" PRIu64 ".%09" PRIu64, std::uint64_t(e.time_ns / 1'000'000'000u),
                std::uint64_t(e.time_ns % 1'000'000'000u));
  out += "seq=" + std::to_string(e.seq) + " type=" + type_name(e.type) + " time=" + time;
  append_field(out, "recv_ns", n.meta.recv_time_ns);
  append_field(out, "domid", n.meta.domid);
  append_field(out, "pid", e.pid);
  append_field(out, "tgid", e.tgid);
  append_field(out, "ppid", e.ppid);
  append_field(out, "uid", e.uid);
  append_field(out, "fd", e.fd);
  append_field(out, "inode", e.inode);
  out += " ret=" + std::to_string(e.retval);
  out += " comm=";
  std::size_t clen = 0;
  while (clen < e.comm.size() && e.comm[clen]) ++clen;
  append_escaped(out, reinterpret_cast<const std::uint8_t*>(e.comm.data()), clen);
  append_field(out, "flags", e.flags);
  append_detail(out, e);
  append_field(out, "sebek_records", n.meta.sebek_records);
  append_field(out, "stream_end", n.meta.stream_end);
  if (e.type == xebekd::EventType::Socket) {
    append_field(out, "call", e.socket.call);
    append_field(out, "proto", e.socket.proto);
    out += " local=" + address(e.socket.family, e.socket.local_addr, e.socket.local_port);
    out += " remote=" + address(e.socket.family, e.socket.remote_addr, e.socket.remote_port);
  }
  if (e.type == xebekd::EventType::Loss) {
    append_field(out, "lost", e.lost);
    append_field(out, "reason", e.loss_reason);
  }
  append_field(out, "data_len", e.data.size());
  if (opt.data && !e.data.empty()) {
    out += " data=";
    append_escaped(out, e.data.data(), e.data.size());
  }
  out += '\n';
}

}  // namespace native_dump
