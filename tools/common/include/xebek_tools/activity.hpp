// One captured event as every analysis tool sees it, whatever it was read
// from: a Sebek record (pcap or sbk_extract stream) or a native log entry.
// Sebek data lacks exec, thread groups and ring instances; those fields then
// hold what Sebek implies (tgid = pid, instance 0, fork = the zero-length
// read marker).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace xebek_tools {

enum class Action : std::uint8_t { Read, Write, Open, Socket, Fork, Exec, Loss, Close, ProcVm, Unknown };

const char* action_name(Action a);

struct SocketActivity {
  std::uint16_t family = 2;  // AF_INET or AF_INET6
  std::uint16_t call = 0;    // Sebek socketcall numbering
  std::uint8_t proto = 0;    // IPPROTO_*
  std::array<std::uint8_t, 16> local_addr{};   // network order
  std::array<std::uint8_t, 16> remote_addr{};  // network order
  std::uint16_t local_port = 0;
  std::uint16_t remote_port = 0;
};

inline constexpr std::size_t kCommCapacity = 16;

struct Activity {
  std::uint32_t host = 0;  // index into the reader's HostTable
  std::uint64_t ring_instance = 0;
  Action action = Action::Unknown;
  std::uint16_t raw_type = 0;  // the record type as it was read
  std::uint64_t time_ns = 0;   // honeypot wall clock, UTC
  std::uint32_t pid = 0;       // thread id
  std::uint32_t tgid = 0;      // process id
  std::uint32_t ppid = 0;      // parent's process id
  std::uint32_t uid = 0;
  std::uint32_t fd = 0;
  std::uint64_t inode = 0;
  std::array<char, kCommCapacity> comm_bytes{};
  std::uint8_t comm_length = 0;
  std::span<const std::uint8_t> data;  // bytes moved, open path, exec payload
  SocketActivity socket;               // when action == Socket
  std::uint64_t lost = 0;              // when action == Loss
  bool native = false;                 // from a native log (exec and fork are real)
  // Whether the capture marked this read or write as terminal I/O; unset
  // where the source does not say (Sebek data, version-1 guests).
  std::optional<bool> terminal;

  std::string_view comm() const { return {comm_bytes.data(), comm_length}; }
  void set_comm(std::string_view name);
};

}  // namespace xebek_tools
