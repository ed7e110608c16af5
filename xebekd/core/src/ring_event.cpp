#include "xebekd/ring_event.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace xebekd {

Event event_from_record(const xebek0::Record& r) {
  Event e;
  const xebek_rec& h = r.hdr;
  e.seq = h.seq;
  e.type = static_cast<EventType>(h.type);  // the consumer admits READ..LOSS only
  e.flags = (h.flags & XEBEK_RF_SEBEK_CHUNK) ? kFlagSebekChunk : 0;
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
  } else {
    e.data = r.payload;
  }
  return e;
}

}  // namespace xebekd
