#include "native_log_v1.hpp"

#include <cstring>

#include "xebekd/crc32c.hpp"

namespace xebekd::native {

std::uint32_t v1_data_len(std::span<const std::uint8_t, sizeof(NativeV1Fixed)> fixed) {
  std::uint32_t n;
  std::memcpy(&n, fixed.data() + offsetof(NativeV1Fixed, data_len), sizeof n);
  return n;
}

std::optional<V1Entry> parse_v1_fixed(std::span<const std::uint8_t, sizeof(NativeV1Fixed)> fixed,
                                      std::uint32_t trailer) {
  NativeV1Fixed f;
  std::memcpy(&f, fixed.data(), sizeof f);
  if (f.magic != kV1Magic) return std::nullopt;
  if (f.total_len != sizeof f + std::uint64_t(f.data_len) + kV1TrailerSize) return std::nullopt;
  if (crc32c(fixed) != trailer) return std::nullopt;
  const bool checkpoint = f.type == kV1Checkpoint;
  if (!checkpoint && !is_event_type(f.type)) return std::nullopt;

  V1Entry v;
  v.checkpoint = checkpoint;
  v.size = f.total_len;
  Event& e = v.entry.event;
  e.type = checkpoint ? EventType::Loss : static_cast<EventType>(f.type);
  e.seq = f.seq;
  e.socket.family = f.family;
  e.flags = f.flags;
  e.pid = f.pid;
  e.tgid = f.tgid;
  e.ppid = f.ppid;
  e.uid = f.uid;
  e.fd = f.fd;
  e.inode = f.inode;
  e.retval = f.retval;
  e.time_ns = f.time_ns;
  std::memcpy(e.comm.data(), f.comm, sizeof f.comm);
  e.socket.call = f.call;
  e.socket.proto = f.proto;
  e.socket.local_port = f.local_port;
  e.socket.remote_port = f.remote_port;
  std::memcpy(e.socket.local_addr.data(), f.local_addr, 16);
  std::memcpy(e.socket.remote_addr.data(), f.remote_addr, 16);
  e.lost = f.lost;
  e.loss_reason = f.loss_reason;
  e.detail = implied_detail(e);
  NativeMeta& m = v.entry.meta;
  m.recv_time_ns = f.recv_time_ns;
  m.domid = f.domid;
  m.first_counter = f.first_counter;
  m.sebek_records = f.sebek_records;
  m.next_counter = f.next_counter;
  m.stream_end = f.stream_end;
  m.pcap_end = f.pcap_end;
  m.ring_instance = f.ring_instance;
  v.entry.version = 1;
  // A checkpoint written before anything else carried seq ~0 and no flag.
  const bool has_seq = !checkpoint || (f.flags & kV1CheckpointHasSeq) || f.seq != ~0ull;
  if (has_seq) v.state.last_seq = f.seq;
  v.state.ring_instance = f.ring_instance;
  v.state.next_counter = f.next_counter;
  v.state.stream_end = f.stream_end;
  v.state.pcap_end = f.pcap_end;
  return v;
}

std::optional<V1Entry> parse_v1_entry(std::span<const std::uint8_t> b) {
  if (b.size() < sizeof(NativeV1Fixed) + kV1TrailerSize) return std::nullopt;
  const auto fixed = b.first<sizeof(NativeV1Fixed)>();
  const std::uint64_t data_len = v1_data_len(fixed);
  if (b.size() - sizeof(NativeV1Fixed) - kV1TrailerSize < data_len) return std::nullopt;
  std::uint32_t trailer;
  std::memcpy(&trailer, b.data() + sizeof(NativeV1Fixed) + data_len, sizeof trailer);
  auto v = parse_v1_fixed(fixed, trailer);
  if (v) v->entry.event.data = b.subspan(sizeof(NativeV1Fixed), data_len);
  return v;
}

}  // namespace xebekd::native
