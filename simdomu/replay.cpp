#include "replay.hpp"

#include <arpa/inet.h>

#include <cstring>


namespace simdomu {

std::optional<ReplayRecord> ReplayMapper::map(const SebekInput& in) {
  const sebekd_format::Header& h = in.header;
  ReplayRecord r;
  xebek_rec& x = r.hdr;
  switch (h.type) {
    case 0:
      x.type = (in.data.empty() && h.fd == 0 && h.inode == 0) ? XEBEK_REC_FORK : XEBEK_REC_READ;
      break;
    case 1: x.type = XEBEK_REC_WRITE; break;
    case 2: x.type = XEBEK_REC_SOCKET; break;
    case 3: x.type = XEBEK_REC_OPEN; break;
    default:
      ++stats_.unknown_type;
      return std::nullopt;
  }
  if (x.type == XEBEK_REC_SOCKET && in.data.size() != sebekd_format::kSocketBodySize) {
    ++stats_.bad_socket_body;
    return std::nullopt;
  }
  // The counter says how many records the client generated in between.
  auto [it, fresh] = next_counter_.try_emplace(in.src_ip, 0u);
  const std::uint32_t gap = h.counter - it->second;
  if (!fresh && gap >= 0x80000000u) {  // behind the expected value
    ++stats_.counter_not_advancing;
    return std::nullopt;
  }
  if (fresh && h.counter >= 0x80000000u) {
    // A capture that starts with a huge counter: take it as the start.
    it->second = h.counter;
  } else {
    r.lost_before = h.counter - it->second;
    stats_.lost += r.lost_before;
  }
  it->second = h.counter + 1;

  x.time_ns = std::uint64_t(h.time_sec) * 1'000'000'000ull + std::uint64_t(h.time_usec) * 1000ull;
  x.pid = h.pid;
  x.tgid = h.pid;  // Sebek does not say; the thread id is the best guess
  x.ppid = h.ppid;
  x.uid = h.uid;
  x.fd = static_cast<std::int32_t>(h.fd);
  x.inode = h.inode;
  std::memcpy(x.comm, h.comm.data(), sebekd_format::kCommSize);
  x.ret = static_cast<std::int64_t>(in.data.size());
  if (x.type == XEBEK_REC_FORK) {
    x.fd = -1;
    x.ret = 0;
  }
  if (x.type == XEBEK_REC_READ || x.type == XEBEK_REC_WRITE) x.flags = XEBEK_RF_SEBEK_CHUNK;
  if (x.type == XEBEK_REC_SOCKET) {
    const sebekd_format::SocketBody b = sebekd_format::decode_socket_body(
        std::span<const std::uint8_t, sebekd_format::kSocketBodySize>(in.data.data(), sebekd_format::kSocketBodySize));
    xebek_sock s{};
    s.family = XEBEK_AF_INET;
    s.call = b.call;
    s.proto = b.proto;
    s.local_port = htons(b.src_port);
    s.remote_port = htons(b.dst_port);
    const std::uint32_t lip = htonl(b.src_ip), rip = htonl(b.dst_ip);
    std::memcpy(s.local_addr, &lip, 4);
    std::memcpy(s.remote_addr, &rip, 4);
    r.payload.resize(sizeof s);
    std::memcpy(r.payload.data(), &s, sizeof s);
  } else {
    r.payload = in.data;
  }
  return r;
}

}  // namespace simdomu
