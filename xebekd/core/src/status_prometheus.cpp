#include "xebekd/status_prometheus.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <string_view>

#include "xebek/ring.h"

#include "xebek0/control_mode.hpp"
#include "xebekd/prometheus_text.hpp"

namespace xebekd {
namespace {

// A per-domain metric with one sample per domain.
struct DomainMetric {
  std::string_view name, type, help;
  std::string (*value)(const DomainStatus&);
};

std::string num(std::uint64_t v) { return std::to_string(v); }
std::string flag(bool v) { return v ? "1" : "0"; }

// clang-format off
const std::array kDomainMetrics{
  DomainMetric{"xebekd_domain_records_total", "counter", "Ring records (guest events) written to the logs.",
    [](const DomainStatus& d) { return num(d.records); }},
  DomainMetric{"xebekd_domain_sebek_records_total", "counter", "Sebek records written to the stream.",
    [](const DomainStatus& d) { return num(d.sebek_records); }},
  DomainMetric{"xebekd_domain_payload_bytes_total", "counter", "Payload bytes received from the guest.",
    [](const DomainStatus& d) { return num(d.bytes); }},
  DomainMetric{"xebekd_domain_log_bytes_total", "counter", "Bytes appended to the domain's logs.",
    [](const DomainStatus& d) { return num(d.log_bytes); }},
  DomainMetric{"xebekd_domain_protocol_errors_total", "counter", "Protocol errors of the guest's ring, all kinds.",
    [](const DomainStatus& d) { return num(d.protocol_errors); }},
  DomainMetric{"xebekd_domain_lag_bytes", "gauge", "Unread bytes in the ring at xebekd's last look.",
    [](const DomainStatus& d) { return num(d.lag_bytes); }},
  DomainMetric{"xebekd_domain_disk_full", "gauge", "1 while xebekd waits for disk space to write this domain's batch.",
    [](const DomainStatus& d) { return flag(d.disk_full); }},
  DomainMetric{"xebekd_domain_write_failures_total", "counter", "Batches the disk refused (retried later).",
    [](const DomainStatus& d) { return num(d.write_failures); }},
  DomainMetric{"xebekd_domain_quota_bytes", "gauge", "Disk quota per period in bytes (0: no quota).",
    [](const DomainStatus& d) { return num(d.quota_bytes); }},
  DomainMetric{"xebekd_domain_quota_period_seconds", "gauge", "Length of the quota period.",
    [](const DomainStatus& d) { return num(d.quota_period_s); }},
  DomainMetric{"xebekd_domain_quota_available_bytes", "gauge", "Bytes left in the current quota budget.",
    [](const DomainStatus& d) { return num(d.quota_available); }},
  DomainMetric{"xebekd_domain_dropped_bytes_total", "counter",
    "Payload bytes consumed but not written (over quota or below the free-space floor).",
    [](const DomainStatus& d) { return num(d.dropped_bytes); }},
  DomainMetric{"xebekd_domain_capture_enabled", "gauge", "1 if xebekd asked the guest to capture.",
    [](const DomainStatus& d) { return flag((d.control & XEBEK_CTL_ENABLE) != 0); }},
  DomainMetric{"xebekd_domain_control_applied", "gauge", "1 if the guest echoed the control word xebekd wrote.",
    [](const DomainStatus& d) { return flag(d.control == d.control_applied); }},
  DomainMetric{"xebekd_domain_notifications_total", "counter", "Signals received from the guest.",
    [](const DomainStatus& d) { return num(d.notifications); }},
  DomainMetric{"xebekd_domain_notify_requests_total", "counter", "Times xebekd asked the guest to signal.",
    [](const DomainStatus& d) { return num(d.notify_requests); }},
  DomainMetric{"xebekd_domain_signals_masked", "gauge", "1 while the guest's signals are masked (storm) and the ring polled.",
    [](const DomainStatus& d) { return flag(d.masked); }},
  DomainMetric{"xebekd_domain_masks_total", "counter", "Times the guest's channel was masked for a signal storm.",
    [](const DomainStatus& d) { return num(d.masks); }},
  DomainMetric{"xebekd_domain_skipped_replayed_records_total", "counter",
    "Records skipped after a restart as already written.",
    [](const DomainStatus& d) { return num(d.skipped_replayed); }},
  DomainMetric{"xebekd_domain_rotations_total", "counter", "Log rotations.",
    [](const DomainStatus& d) { return num(d.rotations); }},
  DomainMetric{"xebekd_domain_cpu_seconds_total", "counter", "xebekd's CPU time spent on this domain.",
    [](const DomainStatus& d) { return milliseconds_as_seconds(d.cpu_ms); }},
};
// clang-format on

// A per-domain counter with one sample per key of a map in the status.
struct KeyedDomainCounter {
  std::string_view name, label, help;
  std::map<std::string, std::uint64_t> DomainStatus::*counts;
};

const std::array kKeyedDomainCounters{
    KeyedDomainCounter{"xebekd_domain_lost_records_total", "reason", "Records lost, by reason.",
                       &DomainStatus::lost},
    KeyedDomainCounter{"xebekd_domain_protocol_errors_by_kind_total", "kind",
                       "Protocol errors of the guest's ring, by kind.", &DomainStatus::errors},
    KeyedDomainCounter{"xebekd_domain_disk_faults_total", "errno", "Disk faults writing this domain's logs, by errno name.",
                       &DomainStatus::faults},
};

// The states xebekd reports; one 0/1 sample each, so a state change keeps
// the series.
constexpr std::array<std::string_view, 3> kDomainStates{"active", "failed", "gone"};

std::vector<PrometheusLabel> domain_labels(const DomainStatus& d) {
  return {{"domain", d.name}, {"domid", std::to_string(d.id)}};
}

std::vector<PrometheusLabel> with(std::vector<PrometheusLabel> labels, std::string_view name, std::string value) {
  labels.push_back({name, std::move(value)});
  return labels;
}

void append_daemon_metrics(std::string& out, const DaemonStatus& s) {
  append_family_header(out, "xebekd_process_id", "gauge", "Process id of the xebekd that wrote the status.");
  append_sample(out, "xebekd_process_id", {}, num(s.pid));
  append_family_header(out, "xebekd_status_updated_timestamp_seconds", "gauge",
                       "When xebekd last wrote its status (Unix time).");
  append_sample(out, "xebekd_status_updated_timestamp_seconds", {}, milliseconds_as_seconds(s.updated_unix_ms));
  append_family_header(out, "xebekd_domains", "gauge", "Domains in the status, by state.");
  for (const std::string_view state : kDomainStates) {
    std::uint64_t n = 0;
    for (const DomainStatus& d : s.domains) n += d.state == state;
    append_sample(out, "xebekd_domains", {{"state", std::string(state)}}, num(n));
  }
}

void append_domain_info(std::string& out, const DaemonStatus& s) {
  if (s.domains.empty()) return;
  append_family_header(out, "xebekd_domain_info", "gauge",
                       "Always 1; the domain's Sebek source address, where it came from, and its capture mode.");
  for (const DomainStatus& d : s.domains) {
    auto labels = domain_labels(d);
    labels.push_back({"ip", d.ip});
    labels.push_back({"ip_source", d.ip_source});
    labels.push_back({"mode", xebek0::mode_to_string(d.control)});
    append_sample(out, "xebekd_domain_info", labels, "1");
  }
  append_family_header(out, "xebekd_domain_state", "gauge", "1 for the domain's current state, 0 for the others.");
  for (const DomainStatus& d : s.domains)
    for (const std::string_view state : kDomainStates)
      append_sample(out, "xebekd_domain_state", with(domain_labels(d), "state", std::string(state)),
                    flag(d.state == state));
}

void append_domain_metric(std::string& out, const DaemonStatus& s, const DomainMetric& m) {
  if (s.domains.empty()) return;
  append_family_header(out, m.name, m.type, m.help);
  for (const DomainStatus& d : s.domains) append_sample(out, m.name, domain_labels(d), m.value(d));
}

void append_keyed_counter(std::string& out, const DaemonStatus& s, const KeyedDomainCounter& m) {
  bool any = false;
  for (const DomainStatus& d : s.domains) any = any || !(d.*m.counts).empty();
  if (!any) return;
  append_family_header(out, m.name, "counter", m.help);
  for (const DomainStatus& d : s.domains)
    for (const auto& [key, count] : d.*m.counts)
      append_sample(out, m.name, with(domain_labels(d), m.label, key), num(count));
}

}  // namespace

std::string status_to_prometheus(const DaemonStatus& s) {
  std::string out;
  append_daemon_metrics(out, s);
  append_domain_info(out, s);
  for (const DomainMetric& m : kDomainMetrics) append_domain_metric(out, s, m);
  for (const KeyedDomainCounter& m : kKeyedDomainCounters) append_keyed_counter(out, s, m);
  return out;
}

}  // namespace xebekd
