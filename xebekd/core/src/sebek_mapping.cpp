#include "xebekd/sebek_mapping.hpp"

#include <string_view>

#include "sebekd_format/split.hpp"

namespace xebekd {

const char* event_type_name(EventType t) {
  switch (t) {
    case EventType::Read: return "read";
    case EventType::Write: return "write";
    case EventType::Open: return "open";
    case EventType::Socket: return "socket";
    case EventType::Fork: return "fork";
    case EventType::Exec: return "exec";
    case EventType::Loss: return "loss";
  }
  return "unknown";
}

sebek::Comm sebek_comm(const std::array<char, kNativeCommSize>& comm) {
  std::size_t n = 0;
  while (n < comm.size() && comm[n] != '\0') ++n;
  return sebek::make_comm(std::string_view(comm.data(), n));
}

namespace {

constexpr std::uint16_t kAfInet = 2;

sebek::Header base_header(const Event& e, std::uint32_t magic, std::uint16_t type) {
  sebek::Header h;
  h.magic = magic;
  h.type = type;
  // Sebek's fields are u32: the wall clock seconds and the inode number are
  // truncated exactly as the client's assignments truncate them.
  h.time_sec = static_cast<std::uint32_t>(e.time_ns / 1'000'000'000ull);
  h.time_usec = static_cast<std::uint32_t>((e.time_ns % 1'000'000'000ull) / 1000);
  h.ppid = e.ppid;
  h.pid = e.pid;
  h.uid = e.uid;
  h.fd = e.fd;
  h.inode = static_cast<std::uint32_t>(e.inode);
  h.comm = sebek_comm(e.comm);
  return h;
}

std::uint32_t ipv4_of(const std::array<std::uint8_t, 16>& a) {
  return (std::uint32_t{a[0]} << 24) | (std::uint32_t{a[1]} << 16) |
         (std::uint32_t{a[2]} << 8) | std::uint32_t{a[3]};
}

}  // namespace

std::uint32_t SebekMapper::record_count(const Event& e) {
  switch (e.type) {
    case EventType::Read:
    case EventType::Write:
      return (e.flags & kFlagSebekChunk)
                 ? 1
                 : static_cast<std::uint32_t>(sebek::chunk_count(e.data.size()));
    case EventType::Open:
    case EventType::Fork:
      return 1;
    case EventType::Socket:
      return e.socket.family == kAfInet ? 1 : 0;
    case EventType::Exec:
    case EventType::Loss:
      return 0;
  }
  return 0;
}

std::uint32_t SebekMapper::map(const Event& e, const Emit& emit) {
  switch (e.type) {
    case EventType::Loss:
      // A reported loss of more than 2^32 records wraps the u32 counter just
      // as the client's counter would have.
      counter_ += static_cast<std::uint32_t>(e.lost);
      return 0;
    case EventType::Exec:
      return 0;
    case EventType::Read:
    case EventType::Write: {
      const std::uint16_t type = e.type == EventType::Read ? 0 : 1;
      sebek::Header h = base_header(e, magic_, type);
      if (e.flags & kFlagSebekChunk) {
        h.counter = counter_++;
        h.length = static_cast<std::uint32_t>(e.data.size());
        emit(SebekRecord{h, e.data});
        return 1;
      }
      std::uint32_t n = 0;
      sebek::split_like_sebek(h, e.data, counter_, [&](const sebek::Chunk& c) {
        emit(SebekRecord{c.header, c.data});
        ++n;
      });
      return n;
    }
    case EventType::Open: {
      sebek::Header h = base_header(e, magic_, 3);
      // The client copies at most one record's worth of path (d_path into a
      // 1320-byte buffer); a longer native path stays whole in the native log.
      auto path = e.data.first(std::min(e.data.size(), std::size_t{1320}));
      h.counter = counter_++;
      h.length = static_cast<std::uint32_t>(path.size());
      emit(SebekRecord{h, path});
      return 1;
    }
    case EventType::Fork: {
      sebek::Header h = base_header(e, magic_, 0);
      h.fd = 0;
      h.inode = 0;
      h.counter = counter_++;
      h.length = 0;
      emit(SebekRecord{h, {}});
      return 1;
    }
    case EventType::Socket: {
      if (e.socket.family != kAfInet) return 0;
      sebek::Header h = base_header(e, magic_, 2);
      sebek::SocketBody b;
      b.dst_ip = ipv4_of(e.socket.remote_addr);
      b.dst_port = e.socket.remote_port;
      b.src_ip = ipv4_of(e.socket.local_addr);
      b.src_port = e.socket.local_port;
      b.call = e.socket.call;
      b.proto = e.socket.proto;
      sebek::encode_socket_body(b, socket_body_);
      h.counter = counter_++;
      h.length = sebek::kSocketBodySize;
      emit(SebekRecord{h, socket_body_});
      return 1;
    }
  }
  return 0;
}

}  // namespace xebekd
