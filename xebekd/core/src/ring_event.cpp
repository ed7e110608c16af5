#include "xebekd/ring_event.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace xebekd {
namespace {

std::uint32_t flags_of(std::uint16_t rf) {
  std::uint32_t f = 0;
  if (rf & XEBEK_RF_SEBEK_CHUNK) f |= kFlagSebekChunk;
  if (rf & XEBEK_RF_TRUNCATED) f |= kFlagTruncated;
  if (rf & XEBEK_RF_TTY) f |= kFlagTty;
  if (rf & XEBEK_RF_FAILED) f |= kFlagFailed;
  return f;
}

EventDetail detail_of(const xebek_rec& h) {
  EventDetail d;
  d.xen_time_ns = h.xen_time_ns;
  d.sid = h.sid;
  d.euid = h.euid;
  d.fsuid = h.fsuid;
  d.gid = h.gid;
  d.egid = h.egid;
  d.dev = h.dev;
  d.tty = h.tty;
  d.open_flags = h.open_flags;
  d.mode = h.mode;
  d.sock_type = h.sock_type;
  d.sock_proto = h.sock_proto;
  d.group = h.group;
  d.not_captured = (h.flags & XEBEK_RF_TRUNCATED) ? h.not_captured : 0;
  return d;
}

}  // namespace

Event event_from_record(const xebek0::Record& r) {
  Event e;
  const xebek_rec& h = r.hdr;
  e.seq = h.seq;
  e.type = static_cast<EventType>(h.type);  // the consumer admits known types only
  e.flags = flags_of(h.flags);
  e.time_ns = h.time_ns;
  e.pid = h.pid;
  e.tgid = h.tgid;
  e.ppid = h.ppid;
  e.uid = h.uid;
  // Sebek's fd field is unsigned; "no fd" (-1) becomes 0 like Sebek's
  // records that have none (fork markers).
  e.fd = h.fd < 0 ? 0u : static_cast<std::uint32_t>(h.fd);
  e.inode = h.inode;
  e.retval = h.ret;
  std::memcpy(e.comm.data(), h.comm, kNativeCommSize);
  e.detail = detail_of(h);
  if (h.type == XEBEK_REC_SOCKET) {
    e.socket.family = r.sock.family;
    e.socket.call = r.sock.call;
    e.socket.proto = r.sock.proto;
    std::memcpy(e.socket.local_addr.data(), r.sock.local_addr, 16);
    std::memcpy(e.socket.remote_addr.data(), r.sock.remote_addr, 16);
    e.socket.local_port = ntohs(r.sock.local_port);
    e.socket.remote_port = ntohs(r.sock.remote_port);
  } else if (h.type == XEBEK_REC_LOSS) {
    e.lost = r.loss.count;
    e.loss_reason = r.loss.reason;
  } else if (h.type == XEBEK_REC_PROCVM) {
    e.detail.target_pid = r.procvm.target_pid;
    if (r.procvm.write) e.flags |= kFlagProcVmWrite;
  } else {
    e.data = r.payload;
  }
  return e;
}

}  // namespace xebekd
