#include "xebek_tools/record_conversion.hpp"

#include <cstring>

namespace xebek_tools {

namespace {

Action sebek_action(const sebekd_format::Header& h) {
  switch (static_cast<sebekd_format::RecordType>(h.type)) {
    case sebekd_format::RecordType::Read:
      return (h.length == 0 && h.fd == 0 && h.inode == 0) ? Action::Fork : Action::Read;
    case sebekd_format::RecordType::Write: return Action::Write;
    case sebekd_format::RecordType::Socket: return Action::Socket;
    case sebekd_format::RecordType::Open: return Action::Open;
  }
  return Action::Unknown;
}

void put_ipv4(std::array<std::uint8_t, 16>& out, std::uint32_t host_order) {
  out = {};
  out[0] = static_cast<std::uint8_t>(host_order >> 24);
  out[1] = static_cast<std::uint8_t>(host_order >> 16);
  out[2] = static_cast<std::uint8_t>(host_order >> 8);
  out[3] = static_cast<std::uint8_t>(host_order);
}

// The Sebek socket body names the peer as destination and the honeypot's
// own end as source, for accepted connections as well as made ones.
SocketActivity sebek_socket(std::span<const std::uint8_t> data) {
  SocketActivity s;
  if (data.size() < sebekd_format::kSocketBodySize) return s;
  const sebekd_format::SocketBody b =
      sebekd_format::decode_socket_body(data.first<sebekd_format::kSocketBodySize>());
  s.family = 2;
  s.call = b.call;
  s.proto = b.proto;
  put_ipv4(s.remote_addr, b.dst_ip);
  put_ipv4(s.local_addr, b.src_ip);
  s.remote_port = b.dst_port;
  s.local_port = b.src_port;
  return s;
}

Action native_action(xebekd::EventType t) {
  switch (t) {
    case xebekd::EventType::Read: return Action::Read;
    case xebekd::EventType::Write: return Action::Write;
    case xebekd::EventType::Open: return Action::Open;
    case xebekd::EventType::Socket: return Action::Socket;
    case xebekd::EventType::Fork: return Action::Fork;
    case xebekd::EventType::Exec: return Action::Exec;
    case xebekd::EventType::Loss: return Action::Loss;
    case xebekd::EventType::Close: return Action::Close;
    case xebekd::EventType::ProcVm: return Action::ProcVm;
  }
  return Action::Unknown;
}

}  // namespace

Activity activity_from_sebek(const sebekd_format::StreamRecord& r, std::uint32_t host) {
  const sebekd_format::Header& h = r.header;
  Activity a;
  a.host = host;
  a.action = sebek_action(h);
  a.raw_type = h.type;
  a.time_ns = std::uint64_t{h.time_sec} * 1'000'000'000u +
              std::uint64_t{h.time_usec % 1'000'000u} * 1000u;
  a.pid = h.pid;
  a.tgid = h.pid;  // Sebek knows only the thread id
  a.ppid = h.ppid;
  a.uid = h.uid;
  a.fd = h.fd;
  a.inode = h.inode;
  a.set_comm(std::string_view(h.comm.data(), h.comm.size()));
  a.data = r.data;
  if (a.action == Action::Socket) a.socket = sebek_socket(r.data);
  return a;
}

Activity activity_from_native(const xebekd::NativeEntry& e, std::uint32_t host) {
  const xebekd::Event& ev = e.event;
  Activity a;
  a.host = host;
  a.ring_instance = e.meta.ring_instance;
  a.action = native_action(ev.type);
  a.raw_type = static_cast<std::uint16_t>(ev.type);
  a.time_ns = ev.time_ns;
  a.pid = ev.pid;
  a.tgid = ev.tgid;
  a.ppid = ev.ppid;
  a.uid = ev.uid;
  a.fd = ev.fd;
  a.inode = ev.inode;
  a.set_comm(std::string_view(ev.comm.data(), ev.comm.size()));
  a.data = ev.data;
  a.lost = ev.lost;
  a.native = true;
  if (xebekd::reports_detail(ev)) a.terminal = (ev.flags & xebekd::kFlagTty) != 0;
  if (a.action == Action::Socket) {
    a.socket.family = ev.socket.family;
    a.socket.call = ev.socket.call;
    a.socket.proto = ev.socket.proto;
    a.socket.local_addr = ev.socket.local_addr;
    a.socket.remote_addr = ev.socket.remote_addr;
    a.socket.local_port = ev.socket.local_port;
    a.socket.remote_port = ev.socket.remote_port;
  }
  return a;
}

}  // namespace xebek_tools
