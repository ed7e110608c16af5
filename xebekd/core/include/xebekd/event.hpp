// One captured event in its native (lossless) form, independent of how it
// travelled: this is what the consumer hands to xebekd after validating a
// ring record, what the native log stores, and what the Sebek mapping reads.
// Every field the guest reported is kept, even those Sebek cannot carry.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace xebekd {

enum class EventType : std::uint16_t {
  Read = 1,
  Write = 2,
  Open = 3,
  Socket = 4,
  Fork = 5,
  Exec = 6,
  Loss = 7,  // the guest dropped `lost` records (ring full, ...) before this one
  Close = 8,   // close of fd: its file's lifetime ends (no Sebek type)
  ProcVm = 9,  // process_vm_readv/writev of detail.target_pid (no Sebek type)
};
inline constexpr std::uint16_t kEventTypeFirst = 1;
inline constexpr std::uint16_t kEventTypeLast = 9;
inline constexpr bool is_event_type(unsigned v) { return v >= kEventTypeFirst && v <= kEventTypeLast; }

// Socket operations, in Sebek's socketcall numbering so that the mapping to
// the 15-byte Sebek body is the identity (connect 3, listen 4, accept 5,
// sendto 11, recvfrom 12, sendmsg 16, recvmsg 17; others exist natively).
using SocketCall = std::uint16_t;

inline constexpr std::size_t kNativeCommSize = 16;

struct SocketInfo {
  std::uint16_t family = 0;  // AF_INET (2) or AF_INET6 (10); AF_UNIX (1) for socketpair
  SocketCall call = 0;
  std::uint8_t proto = 0;    // IPPROTO_*
  // Addresses in network byte order; IPv4 uses the first 4 bytes.
  std::array<std::uint8_t, 16> local_addr{};
  std::array<std::uint8_t, 16> remote_addr{};
  std::uint16_t local_port = 0;   // host order
  std::uint16_t remote_port = 0;  // host order
  friend bool operator==(const SocketInfo&, const SocketInfo&) = default;
};

// Producer flag: this read/write payload is already one Sebek-sized chunk
// that the producer timed on its own (as the Sebek client times every
// 1320-byte chunk); xebekd writes it as exactly one Sebek record instead of
// splitting it again. Replays of Sebek captures set it on split records.
inline constexpr std::uint32_t kFlagSebekChunk = 1u << 0;
// The payload is shorter than what the syscall moved: detail.not_captured
// bytes are in no record (the guest's cap, or pieces that never arrived).
inline constexpr std::uint32_t kFlagTruncated = 1u << 1;
// Terminal input (read) or output (write) of detail.tty.
inline constexpr std::uint32_t kFlagTty = 1u << 2;
// The operation failed; retval is -errno (opens, connects).
inline constexpr std::uint32_t kFlagFailed = 1u << 3;
// ProcVm: the caller wrote the target's memory (else read it).
inline constexpr std::uint32_t kFlagProcVmWrite = 1u << 4;

// What ring protocol version 2 reports beyond Sebek's fields. A
// version-1 guest reports none of it: zero, but euid and fsuid equal uid
// and group equals seq (implied_detail()).
struct EventDetail {
  std::uint64_t xen_time_ns = 0;  // Xen system time: the guest cannot set it
  std::uint32_t sid = 0;          // session id
  std::uint32_t euid = 0;
  std::uint32_t fsuid = 0;
  std::uint32_t gid = 0;
  std::uint32_t egid = 0;
  std::uint32_t dev = 0;          // device of the inode's filesystem
  std::uint32_t tty = 0;          // terminal (device number), 0 none
  std::uint32_t open_flags = 0;   // O_* as opened / of the file
  std::uint32_t mode = 0;         // open: creation mode; else i_mode
  std::uint16_t sock_type = 0;    // SOCK_*
  std::uint16_t sock_proto = 0;   // IPPROTO_*
  std::uint32_t target_pid = 0;   // ProcVm: whose memory
  std::uint64_t group = 0;        // seq of the first record of the payload
  std::uint64_t not_captured = 0; // kFlagTruncated: bytes no record carries
  friend bool operator==(const EventDetail&, const EventDetail&) = default;
};

struct Event {
  std::uint64_t seq = 0;  // per-ring sequence number (dense, starts at 0)
  EventType type = EventType::Read;
  std::uint32_t flags = 0;
  std::uint64_t time_ns = 0;  // guest wall clock (UTC) after the syscall
  std::uint32_t pid = 0;      // thread id (Sebek's "pid")
  std::uint32_t tgid = 0;
  std::uint32_t ppid = 0;
  std::uint32_t uid = 0;
  std::uint32_t fd = 0;
  std::uint64_t inode = 0;
  std::int64_t retval = 0;
  std::array<char, kNativeCommSize> comm{};  // NUL-padded, may be full
  SocketInfo socket;
  std::uint64_t lost = 0;          // Loss: how many records were dropped
  std::uint32_t loss_reason = 0;   // Loss: the producer's reason code
  EventDetail detail;
  std::span<const std::uint8_t> data;  // payload: bytes read/written, path, argv
};

// The detail a version-1 guest implies for an event: nothing but the ids
// Sebek assumed (effective = real) and a group of its own.
inline EventDetail implied_detail(const Event& e) {
  EventDetail d;
  d.euid = e.uid;
  d.fsuid = e.uid;
  d.group = e.seq;
  return d;
}

// Whether the guest reported the detail itself (ring version 2), rather
// than it being implied: a version-2 guest stamps every record with Xen
// system time, which counts from Xen's boot and is never 0.
inline bool reports_detail(const Event& e) { return e.detail.xen_time_ns != 0; }

// Whether two events agree in every field but the payload.
inline bool same_fields(const Event& a, const Event& b) {
  return a.seq == b.seq && a.type == b.type && a.flags == b.flags && a.time_ns == b.time_ns &&
         a.pid == b.pid && a.tgid == b.tgid && a.ppid == b.ppid && a.uid == b.uid && a.fd == b.fd &&
         a.inode == b.inode && a.retval == b.retval && a.comm == b.comm && a.socket == b.socket &&
         a.lost == b.lost && a.loss_reason == b.loss_reason && a.detail == b.detail;
}

}  // namespace xebekd
