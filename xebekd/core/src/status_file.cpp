#include "xebekd/status_file.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xebek/ring.h"

#include "xebek0/control_mode.hpp"

namespace po = boost::program_options;

namespace xebekd {
namespace {

// Values are written on one line; names come from the guest (sim registry)
// so anything that could break a line or the format is replaced.
std::string clean(const std::string& v) {
  std::string out;
  for (char c : v) out += (c >= 0x20 && c < 0x7f && c != '#' && c != '[') ? c : '?';
  return out;
}

std::string json_string(const std::string& v) {
  std::string out = "\"";
  for (unsigned char c : v) {
    if (c == '"' || c == '\\') { out += '\\'; out += char(c); }
    else if (c < 0x20 || c >= 0x7f) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", c); out += b; }
    else out += char(c);
  }
  return out + "\"";
}

}  // namespace

bool write_status_file(const std::string& path, const DaemonStatus& s) {
  std::ostringstream o;
  o << "# xebekd status, rewritten atomically; read it with xebekctl status\n";
  o << "pid=" << s.pid << "\nupdated_unix_ms=" << s.updated_unix_ms << "\nlogdir=" << clean(s.logdir)
    << "\n";
  for (const DomainStatus& d : s.domains) {
    o << "\n[domain-" << d.id << "]\n";
    o << "name=" << clean(d.name) << "\nstate=" << clean(d.state) << "\nfailure=" << clean(d.failure)
      << "\nip=" << d.ip << "\nip_source=" << d.ip_source << "\ncontrol=" << d.control
      << "\ncontrol_applied=" << d.control_applied << "\nrecords=" << d.records
      << "\nsebek_records=" << d.sebek_records << "\nbytes=" << d.bytes << "\nlog_bytes=" << d.log_bytes
      << "\nprotocol_errors=" << d.protocol_errors << "\nlag_bytes=" << d.lag_bytes
      << "\nwrite_failures=" << d.write_failures << "\ndisk_full=" << (d.disk_full ? 1 : 0)
      << "\nnotifications=" << d.notifications << "\nnotify_requests=" << d.notify_requests
      << "\nskipped_replayed=" << d.skipped_replayed << "\nrotations=" << d.rotations
      << "\nstream_log=" << clean(d.stream_log) << "\npcap_log=" << clean(d.pcap_log)
      << "\nnative_log=" << clean(d.native_log) << "\ncpu_ms=" << d.cpu_ms << "\nmasked=" << (d.masked ? 1 : 0)
      << "\nmasks=" << d.masks << "\nquota_bytes=" << d.quota_bytes << "\nquota_period_s=" << d.quota_period_s
      << "\nquota_available=" << d.quota_available << "\ndropped_bytes=" << d.dropped_bytes
      << "\nlast_fault=" << clean(d.last_fault) << "\n";
    for (const auto& [k, v] : d.lost) o << "lost." << k << "=" << v << "\n";
    for (const auto& [k, v] : d.errors) o << "error." << k << "=" << v << "\n";
    for (const auto& [k, v] : d.faults) o << "fault." << clean(k) << "=" << v << "\n";
  }
  const std::string text = o.str();
  const std::string tmp = path + ".tmp";
  // A fresh file every time: O_EXCL|O_NOFOLLOW never write through a
  // symlink or file someone planted under that name.
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
  if (fd < 0) return false;
  const ssize_t w = ::write(fd, text.data(), text.size());
  const int err = errno;
  ::close(fd);
  if (w != static_cast<ssize_t>(text.size())) {
    ::unlink(tmp.c_str());
    errno = w < 0 ? err : ENOSPC;
    return false;
  }
  return ::rename(tmp.c_str(), path.c_str()) == 0;
}

DaemonStatus read_status_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw std::runtime_error("status file " + path + " is not a regular file");
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read status file " + path + " (is xebekd running?)");
  po::options_description none;
  po::parsed_options parsed(nullptr);
  try {
    parsed = po::parse_config_file(in, none, /*allow_unregistered=*/true);
  } catch (const po::error& e) {
    throw std::runtime_error("invalid status file " + path + ": " + e.what());
  }
  DaemonStatus s;
  std::map<std::uint32_t, DomainStatus> doms;
  auto num = [&](const std::string& v) -> std::uint64_t {
    try { return std::stoull(v); } catch (...) {
      throw std::runtime_error("invalid status file " + path + ": bad number \"" + v + "\"");
    }
  };
  for (const auto& opt : parsed.options) {
    const std::string& key = opt.string_key;
    const std::string val = opt.value.empty() ? "" : opt.value[0];
    if (key == "pid") { s.pid = num(val); continue; }
    if (key == "updated_unix_ms") { s.updated_unix_ms = num(val); continue; }
    if (key == "logdir") { s.logdir = val; continue; }
    if (!key.starts_with("domain-")) continue;
    const auto dot = key.find('.');
    if (dot == std::string::npos) continue;
    const std::uint32_t id = static_cast<std::uint32_t>(num(key.substr(7, dot - 7)));
    DomainStatus& d = doms[id];
    d.id = id;
    const std::string k = key.substr(dot + 1);
    if (k == "name") d.name = val;
    else if (k == "state") d.state = val;
    else if (k == "failure") d.failure = val;
    else if (k == "ip") d.ip = val;
    else if (k == "ip_source") d.ip_source = val;
    else if (k == "control") d.control = static_cast<std::uint32_t>(num(val));
    else if (k == "control_applied") d.control_applied = static_cast<std::uint32_t>(num(val));
    else if (k == "records") d.records = num(val);
    else if (k == "sebek_records") d.sebek_records = num(val);
    else if (k == "bytes") d.bytes = num(val);
    else if (k == "log_bytes") d.log_bytes = num(val);
    else if (k == "protocol_errors") d.protocol_errors = num(val);
    else if (k == "lag_bytes") d.lag_bytes = num(val);
    else if (k == "write_failures") d.write_failures = num(val);
    else if (k == "disk_full") d.disk_full = num(val) != 0;
    else if (k == "notifications") d.notifications = num(val);
    else if (k == "notify_requests") d.notify_requests = num(val);
    else if (k == "skipped_replayed") d.skipped_replayed = num(val);
    else if (k == "rotations") d.rotations = num(val);
    else if (k == "stream_log") d.stream_log = val;
    else if (k == "pcap_log") d.pcap_log = val;
    else if (k == "native_log") d.native_log = val;
    else if (k == "cpu_ms") d.cpu_ms = num(val);
    else if (k == "masked") d.masked = num(val) != 0;
    else if (k == "masks") d.masks = num(val);
    else if (k == "quota_bytes") d.quota_bytes = num(val);
    else if (k == "quota_period_s") d.quota_period_s = num(val);
    else if (k == "quota_available") d.quota_available = num(val);
    else if (k == "dropped_bytes") d.dropped_bytes = num(val);
    else if (k == "last_fault") d.last_fault = val;
    else if (k.starts_with("fault.")) d.faults[k.substr(6)] = num(val);
    else if (k.starts_with("lost.")) d.lost[k.substr(5)] = num(val);
    else if (k.starts_with("error.")) d.errors[k.substr(6)] = num(val);
  }
  for (auto& [id, d] : doms) s.domains.push_back(std::move(d));
  return s;
}

std::string status_to_json(const DaemonStatus& s) {
  std::ostringstream o;
  o << "{\"pid\":" << s.pid << ",\"updated_unix_ms\":" << s.updated_unix_ms
    << ",\"logdir\":" << json_string(s.logdir) << ",\"domains\":[";
  bool first = true;
  for (const DomainStatus& d : s.domains) {
    o << (first ? "" : ",") << "\n {\"id\":" << d.id << ",\"name\":" << json_string(d.name)
      << ",\"state\":" << json_string(d.state) << ",\"failure\":" << json_string(d.failure)
      << ",\"ip\":" << json_string(d.ip) << ",\"ip_source\":" << json_string(d.ip_source)
      << ",\"enabled\":" << ((d.control & XEBEK_CTL_ENABLE) ? "true" : "false")
      << ",\"mode\":" << json_string(xebek0::mode_to_string(d.control))
      << ",\"control\":" << d.control << ",\"control_applied\":" << d.control_applied
      << ",\"records\":" << d.records << ",\"sebek_records\":" << d.sebek_records
      << ",\"bytes\":" << d.bytes << ",\"log_bytes\":" << d.log_bytes << ",\"lost\":{";
    bool f2 = true;
    for (const auto& [k, v] : d.lost) { o << (f2 ? "" : ",") << json_string(k) << ":" << v; f2 = false; }
    o << "},\"protocol_errors\":" << d.protocol_errors << ",\"errors\":{";
    f2 = true;
    for (const auto& [k, v] : d.errors) { o << (f2 ? "" : ",") << json_string(k) << ":" << v; f2 = false; }
    o << "},\"lag_bytes\":" << d.lag_bytes << ",\"write_failures\":" << d.write_failures
      << ",\"disk_full\":" << (d.disk_full ? "true" : "false") << ",\"notifications\":" << d.notifications
      << ",\"notify_requests\":" << d.notify_requests << ",\"skipped_replayed\":" << d.skipped_replayed
      << ",\"rotations\":" << d.rotations << ",\"cpu_ms\":" << d.cpu_ms
      << ",\"masked\":" << (d.masked ? "true" : "false") << ",\"masks\":" << d.masks
      << ",\"quota\":{\"bytes\":" << d.quota_bytes << ",\"period_s\":" << d.quota_period_s
      << ",\"available\":" << d.quota_available << "},\"dropped_bytes\":" << d.dropped_bytes
      << ",\"faults\":{";
    f2 = true;
    for (const auto& [k, v] : d.faults) { o << (f2 ? "" : ",") << json_string(k) << ":" << v; f2 = false; }
    o << "},\"last_fault\":" << json_string(d.last_fault) << ",\"logs\":{\"stream\":" << json_string(d.stream_log)
      << ",\"pcap\":" << json_string(d.pcap_log) << ",\"native\":" << json_string(d.native_log) << "}}";
    first = false;
  }
  o << "\n]}\n";
  return o.str();
}

namespace {

// The table's text columns, each as wide as its longest value (and never
// narrower than the usual one), so that no name is cut: two domains
// hp-192.168.56.10 and hp-192.168.56.101 must stay apart.
struct TableWidths {
  int name = 16, state = 8, ip = 15, mode = 28;
};

int wider(int width, const std::string& text) { return std::max(width, static_cast<int>(text.size())); }

TableWidths table_widths(const DaemonStatus& s) {
  TableWidths w;
  for (const DomainStatus& d : s.domains) {
    w.name = wider(w.name, d.name);
    w.state = wider(w.state, d.state);
    w.ip = wider(w.ip, d.ip);
    w.mode = wider(w.mode, xebek0::mode_to_string(d.control));
  }
  return w;
}

}  // namespace

std::string status_to_table(const DaemonStatus& s) {
  std::ostringstream o;
  const TableWidths w = table_widths(s);
  std::vector<char> line(256 + static_cast<std::size_t>(w.name + w.state + w.ip + w.mode));
  std::snprintf(line.data(), line.size(), "%-4s %-*s %-*s %-*s %-3s %-*s %10s %12s %8s %8s %10s\n", "id",
                w.name, "name", w.state, "state", w.ip, "ip", "on", w.mode, "mode", "records", "bytes", "lost",
                "errors", "lag");
  o << line.data();
  for (const DomainStatus& d : s.domains) {
    std::uint64_t lost = 0;
    for (const auto& [k, v] : d.lost) lost += v;
    std::snprintf(line.data(), line.size(), "%-4u %-*s %-*s %-*s %-3s %-*s %10llu %12llu %8llu %8llu %10llu\n",
                  d.id, w.name, d.name.c_str(), w.state, d.state.c_str(), w.ip, d.ip.c_str(),
                  (d.control & XEBEK_CTL_ENABLE) ? "yes" : "no", w.mode, xebek0::mode_to_string(d.control).c_str(),
                  (unsigned long long)d.records, (unsigned long long)d.bytes, (unsigned long long)lost,
                  (unsigned long long)d.protocol_errors, (unsigned long long)d.lag_bytes);
    o << line.data();
    for (const auto& [k, v] : d.lost)
      if (v) o << "     lost " << k << ": " << v << "\n";
    for (const auto& [k, v] : d.errors) o << "     protocol error " << k << ": " << v << "\n";
    if (!d.failure.empty()) o << "     isolated: " << d.failure << "\n";
    if (d.disk_full) o << "     waiting for disk space (" << d.write_failures << " refused batches)\n";
    for (const auto& [k, v] : d.faults) o << "     disk fault " << k << ": " << v << "\n";
    if (!d.last_fault.empty()) o << "     last disk fault: " << d.last_fault << "\n";
    if (d.quota_bytes)
      o << "     quota " << d.quota_bytes << " bytes per " << d.quota_period_s << " s, " << d.quota_available
        << " available\n";
    if (d.masked) o << "     signals masked (storm), ring polled; masked " << d.masks << " times\n";
    o << "     cpu " << d.cpu_ms << " ms\n";
  }
  return o.str();
}

}  // namespace xebekd
