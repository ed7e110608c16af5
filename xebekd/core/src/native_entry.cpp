#include "xebekd/native_entry.hpp"

#include <cstring>

namespace xebekd::native {
namespace {

constexpr std::uint64_t kNsPerSec = 1'000'000'000ull;

template <class T>
void put(std::vector<std::uint8_t>& out, const T& v) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
  out.insert(out.end(), p, p + sizeof(T));
}

// The entry and its extras, assembled in place and appended at once.
class EntryBytes {
 public:
  template <class T>
  void put(const T& v) {
    std::memcpy(bytes_ + n_, &v, sizeof(T));
    n_ += sizeof(T);
  }
  void append_to(std::vector<std::uint8_t>& out) const { out.insert(out.end(), bytes_, bytes_ + n_); }

 private:
  std::uint8_t bytes_[sizeof(RefEntry) + 8 + 4 + 4 + 4 + 8 + 4 + sizeof(DetailEntry) + 8];
  std::size_t n_ = 0;
};

template <class T>
bool take(std::span<const std::uint8_t> in, std::size_t& pos, T& v) {
  if (in.size() - pos < sizeof(T)) return false;
  std::memcpy(&v, in.data() + pos, sizeof(T));
  pos += sizeof(T);
  return true;
}

bool is_ref_kind(EventType t) {
  return t == EventType::Read || t == EventType::Write || t == EventType::Open || t == EventType::Fork;
}

// What a reference entry's retval is when it does not say.
std::int64_t usual_retval(EventType t, std::uint32_t data_len, std::uint32_t fd) {
  switch (t) {
    case EventType::Read:
    case EventType::Write: return data_len;
    case EventType::Open: return fd;
    default: return 0;
  }
}

DetailEntry detail_entry_of(const EventDetail& d) {
  DetailEntry x{};
  x.xen_time_ns = d.xen_time_ns;
  x.sid = d.sid;
  x.euid = d.euid;
  x.fsuid = d.fsuid;
  x.gid = d.gid;
  x.egid = d.egid;
  x.dev = d.dev;
  x.tty = d.tty;
  x.open_flags = d.open_flags;
  x.mode = d.mode;
  x.sock_type = d.sock_type;
  x.sock_proto = d.sock_proto;
  x.target_pid = d.target_pid;
  x.group = d.group;
  x.not_captured = d.not_captured;
  return x;
}

EventDetail detail_of(const DetailEntry& x) {
  EventDetail d;
  d.xen_time_ns = x.xen_time_ns;
  d.sid = x.sid;
  d.euid = x.euid;
  d.fsuid = x.fsuid;
  d.gid = x.gid;
  d.egid = x.egid;
  d.dev = x.dev;
  d.tty = x.tty;
  d.open_flags = x.open_flags;
  d.mode = x.mode;
  d.sock_type = x.sock_type;
  d.sock_proto = x.sock_proto;
  d.target_pid = x.target_pid;
  d.group = x.group;
  d.not_captured = x.not_captured;
  return d;
}

// Whether `d` is the previous entry's detail but for what a keystroke
// changes (its Xen time, its own group).
bool like_previous(const EventDetail& d, std::uint64_t seq, const DetailContext& ctx) {
  if (!ctx.have) return false;
  EventDetail like = ctx.previous;
  like.xen_time_ns = d.xen_time_ns;
  like.group = seq;
  like.not_captured = 0;
  return d == like;
}

RefFields ref_fields_of(const Event& e, std::uint64_t implied_seq, std::uint64_t stream_rel,
                        const DetailContext& ctx) {
  RefFields f;
  f.entry.kind = static_cast<std::uint8_t>(e.type);
  f.entry.time_ns_rem = static_cast<std::uint16_t>(e.time_ns % 1000);
  f.entry.stream_rel = static_cast<std::uint32_t>(stream_rel);
  f.entry.data_len = static_cast<std::uint32_t>(e.data.size());
  std::uint8_t x = 0;
  if (e.seq != implied_seq) x |= kExtraSeq, f.seq = e.seq;
  if (e.tgid != e.pid) x |= kExtraTgid, f.tgid = e.tgid;
  if (e.inode >> 32) x |= kExtraInodeHigh, f.inode_high = static_cast<std::uint32_t>(e.inode >> 32);
  std::memcpy(f.comm_tail.data(), e.comm.data() + 12, 4);
  if (f.comm_tail != std::array<char, 4>{}) x |= kExtraCommTail;
  if (e.retval != usual_retval(e.type, f.entry.data_len, e.fd)) x |= kExtraRetval, f.retval = e.retval;
  if (e.flags) x |= kExtraFlags, f.flags = e.flags;
  f.detail = e.detail;
  if (e.detail != implied_detail(e)) x |= like_previous(e.detail, e.seq, ctx) ? kExtraDetailLike : kExtraDetail;
  f.entry.extras = x;
  return f;
}

}  // namespace

int sebek_type_of_ref(EventType kind) {
  switch (kind) {
    case EventType::Read:
    case EventType::Fork: return 0;  // a fork marker is a zero-length read
    case EventType::Write: return 1;
    case EventType::Open: return 3;
    default: return -1;
  }
}

Event event_of_ref(const RefFields& f, const sebekd_format::Header& h, std::uint64_t implied_seq) {
  const std::uint8_t x = f.entry.extras;
  Event e;
  e.type = static_cast<EventType>(f.entry.kind);
  e.seq = (x & kExtraSeq) ? f.seq : implied_seq;
  e.time_ns = std::uint64_t(h.time_sec) * kNsPerSec + std::uint64_t(h.time_usec) * 1000 + f.entry.time_ns_rem;
  e.pid = h.pid;
  e.tgid = (x & kExtraTgid) ? f.tgid : h.pid;
  e.ppid = h.ppid;
  e.uid = h.uid;
  e.fd = h.fd;
  e.inode = std::uint64_t(h.inode) | (std::uint64_t((x & kExtraInodeHigh) ? f.inode_high : 0) << 32);
  std::memcpy(e.comm.data(), h.comm.data(), 12);
  if (x & kExtraCommTail) std::memcpy(e.comm.data() + 12, f.comm_tail.data(), 4);
  e.retval = (x & kExtraRetval) ? f.retval : usual_retval(e.type, f.entry.data_len, e.fd);
  e.flags = (x & kExtraFlags) ? f.flags : 0;
  e.detail = (x & (kExtraDetail | kExtraDetailLike)) ? f.detail : implied_detail(e);
  if (x & kExtraDetailLike) e.detail.group = e.seq;
  return e;
}

bool append_ref_entry(const Event& e, std::uint64_t implied_seq, std::uint64_t stream_start,
                      const StreamPlacement& placed, const DetailContext& ctx,
                      std::vector<std::uint8_t>& out) {
  if (!is_ref_kind(e.type) || placed.records == 0 || placed.data_bytes != e.data.size()) return false;
  if (placed.offset < stream_start || placed.offset - stream_start > 0xffffffffull) return false;
  if (e.data.size() > 0xffffffffull) return false;
  if (placed.first.type != sebek_type_of_ref(e.type)) return false;
  const RefFields f = ref_fields_of(e, implied_seq, placed.offset - stream_start, ctx);
  // The stream's fields must give the event back exactly (a time beyond
  // Sebek's 32-bit seconds, bytes after comm's NUL, a socket field set on
  // a read: any of them makes it a full entry).
  if (!same_fields(event_of_ref(f, placed.first, implied_seq), e)) return false;
  EntryBytes b;
  b.put(f.entry);
  const std::uint8_t x = f.entry.extras;
  if (x & kExtraSeq) b.put(f.seq);
  if (x & kExtraTgid) b.put(f.tgid);
  if (x & kExtraInodeHigh) b.put(f.inode_high);
  if (x & kExtraCommTail) b.put(f.comm_tail);
  if (x & kExtraRetval) b.put(f.retval);
  if (x & kExtraFlags) b.put(f.flags);
  if (x & kExtraDetail) b.put(detail_entry_of(f.detail));
  if (x & kExtraDetailLike) b.put(f.detail.xen_time_ns);
  b.append_to(out);
  return true;
}

void append_full_entry(const Event& e, std::vector<std::uint8_t>& out) {
  FullEntry f{};
  f.kind = static_cast<std::uint8_t>(static_cast<std::uint8_t>(e.type) | kEntryFull);
  f.proto = e.socket.proto;
  f.family = e.socket.family;
  f.flags = e.flags;
  f.seq = e.seq;
  f.time_ns = e.time_ns;
  f.pid = e.pid;
  f.tgid = e.tgid;
  f.ppid = e.ppid;
  f.uid = e.uid;
  f.fd = e.fd;
  f.data_len = static_cast<std::uint32_t>(e.data.size());
  f.inode = e.inode;
  f.retval = e.retval;
  std::memcpy(f.comm, e.comm.data(), sizeof f.comm);
  f.call = e.socket.call;
  f.local_port = e.socket.local_port;
  f.remote_port = e.socket.remote_port;
  std::memcpy(f.local_addr, e.socket.local_addr.data(), 16);
  std::memcpy(f.remote_addr, e.socket.remote_addr.data(), 16);
  f.lost = e.lost;
  f.loss_reason = e.loss_reason;
  put(out, f);
  put(out, detail_entry_of(e.detail));
}

namespace {

bool take_detail(std::span<const std::uint8_t> in, std::size_t& pos, EventDetail& d) {
  DetailEntry x;
  if (!take(in, pos, x)) return false;
  d = detail_of(x);
  return true;
}

bool decode_full(std::span<const std::uint8_t> in, std::size_t& pos, DecodedEntry& out,
                 std::uint16_t version) {
  FullEntry f;
  if (!take(in, pos, f)) return false;
  Event& e = out.event;
  e.type = static_cast<EventType>(f.kind & kEntryTypeMask);
  e.socket.proto = f.proto;
  e.socket.family = f.family;
  e.flags = f.flags;
  e.seq = f.seq;
  e.time_ns = f.time_ns;
  e.pid = f.pid;
  e.tgid = f.tgid;
  e.ppid = f.ppid;
  e.uid = f.uid;
  e.fd = f.fd;
  e.inode = f.inode;
  e.retval = f.retval;
  std::memcpy(e.comm.data(), f.comm, sizeof f.comm);
  e.socket.call = f.call;
  e.socket.local_port = f.local_port;
  e.socket.remote_port = f.remote_port;
  std::memcpy(e.socket.local_addr.data(), f.local_addr, 16);
  std::memcpy(e.socket.remote_addr.data(), f.remote_addr, 16);
  e.lost = f.lost;
  e.loss_reason = f.loss_reason;
  if (version == kVersion2) e.detail = implied_detail(e);
  else if (!take_detail(in, pos, e.detail)) return false;
  out.full = true;
  out.data_len = f.data_len;
  return true;
}

bool decode_ref(std::span<const std::uint8_t> in, std::size_t& pos, DecodedEntry& out,
                std::uint16_t version, const DetailContext& ctx) {
  RefFields& f = out.ref;
  if (!take(in, pos, f.entry)) return false;
  const std::uint8_t x = f.entry.extras;
  if (x & ~(version == kVersion2 ? kExtraKnownV2 : kExtraKnown)) return false;
  if ((x & kExtraSeq) && !take(in, pos, f.seq)) return false;
  if ((x & kExtraTgid) && !take(in, pos, f.tgid)) return false;
  if ((x & kExtraInodeHigh) && !take(in, pos, f.inode_high)) return false;
  if ((x & kExtraCommTail) && !take(in, pos, f.comm_tail)) return false;
  if ((x & kExtraRetval) && !take(in, pos, f.retval)) return false;
  if ((x & kExtraFlags) && !take(in, pos, f.flags)) return false;
  if ((x & kExtraDetail) && (x & kExtraDetailLike)) return false;
  if ((x & kExtraDetail) && !take_detail(in, pos, f.detail)) return false;
  if (x & kExtraDetailLike) {
    if (!ctx.have) return false;  // nothing before it in the batch to be like
    f.detail = ctx.previous;
    f.detail.not_captured = 0;
    if (!take(in, pos, f.detail.xen_time_ns)) return false;
  }
  out.full = false;
  out.data_len = f.entry.data_len;
  return is_ref_kind(static_cast<EventType>(f.entry.kind)) && f.entry.time_ns_rem < 1000;
}

}  // namespace

std::size_t decode_entry(std::span<const std::uint8_t> in, DecodedEntry& out, std::uint16_t version,
                         const DetailContext& ctx) {
  if (in.empty() || (version != kVersion && version != kVersion2)) return 0;
  const std::uint8_t kind = in[0];
  const auto type = kind & kEntryTypeMask;
  if (!is_event_type(type)) return 0;
  std::size_t pos = 0;
  out = DecodedEntry{};
  const bool ok =
      (kind & kEntryFull) ? decode_full(in, pos, out, version) : decode_ref(in, pos, out, version, ctx);
  return ok ? pos : 0;
}

}  // namespace xebekd::native
