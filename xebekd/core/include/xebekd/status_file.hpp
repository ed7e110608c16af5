// The daemon's status, as a file that xebekd rewrites atomically (write a
// temporary file, then rename over the old one) and xebekctl reads: no
// socket is needed to ask the daemon anything. The file is INI-style text
// (one [domain-ID] section per domain) so Boost.Program_options parses it
// back; xebekctl turns it into a table or JSON.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace xebekd {

struct DomainStatus {
  std::uint32_t id = 0;
  std::string name;
  std::string state;          // active, failed (isolated), gone
  std::string failure;        // the protocol error that isolated it
  std::string ip;             // Sebek source address
  std::string ip_source;      // config, transport, default
  std::uint32_t control = 0;          // control word xebekd wrote
  std::uint32_t control_applied = 0;  // what the guest echoed
  std::uint64_t records = 0;          // ring records (events) written
  std::uint64_t sebek_records = 0;    // Sebek records written
  std::uint64_t bytes = 0;            // payload bytes received
  std::uint64_t log_bytes = 0;        // bytes appended to the logs
  std::map<std::string, std::uint64_t> lost;             // by reason
  std::uint64_t protocol_errors = 0;
  std::map<std::string, std::uint64_t> errors;           // by kind (non-zero)
  std::uint64_t lag_bytes = 0;        // unread bytes in the ring at last look
  std::uint64_t write_failures = 0;   // batches refused by the disk
  bool disk_full = false;             // waiting for space right now
  std::uint64_t notifications = 0;    // signals received from the guest
  std::uint64_t notify_requests = 0;  // times xebekd asked to be signalled
  std::uint64_t skipped_replayed = 0; // records skipped after a restart
  std::uint64_t rotations = 0;
  std::string stream_log, pcap_log, native_log;
  std::uint64_t cpu_ms = 0;           // xebekd's CPU time spent on this domain
  bool masked = false;                // signals masked (storm), ring polled
  std::uint64_t masks = 0;            // times the channel was masked
  std::uint64_t quota_bytes = 0;      // disk quota per period (0: none)
  std::uint64_t quota_period_s = 0;
  std::uint64_t quota_available = 0;  // bytes left in the current budget
  std::uint64_t dropped_bytes = 0;    // payload bytes not written (quota, floor)
  std::map<std::string, std::uint64_t> faults;  // disk faults by errno name
  std::string last_fault;             // the latest, as one line
};

struct DaemonStatus {
  std::uint64_t pid = 0;
  std::uint64_t updated_unix_ms = 0;
  std::string logdir;
  std::vector<DomainStatus> domains;
};

// Atomic replace of `path` (a fresh temporary file, never through a planted
// name; mode 0640); returns false (errno set) if it could not be written.
bool write_status_file(const std::string& path, const DaemonStatus& s);
// Throws std::runtime_error with a one-line message if unreadable/invalid
// (also when `path` is not a regular file).
DaemonStatus read_status_file(const std::string& path);

std::string status_to_json(const DaemonStatus& s);
std::string status_to_table(const DaemonStatus& s);

}  // namespace xebekd
