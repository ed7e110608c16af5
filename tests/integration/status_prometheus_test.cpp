// xebekctl status --prometheus: the status in the text exposition format,
// exactly, with domain names a hostile guest could choose.
#include <gtest/gtest.h>

#include "xebek/ring.h"

#include "xebekd/prometheus_text.hpp"
#include "xebekd/status_prometheus.hpp"

using namespace xebekd;

TEST(PrometheusText, EscapesTheFormatsThreeCharacters) {
  EXPECT_EQ(escape_label_value(R"(a\b)"), R"(a\\b)");
  EXPECT_EQ(escape_label_value(R"(say "hi")"), R"(say \"hi\")");
  EXPECT_EQ(escape_label_value("two\nlines"), R"(two\nlines)");
  EXPECT_EQ(escape_label_value(R"(\")"), R"(\\\")");
}

TEST(PrometheusText, ReplacesOtherControlAndNonAsciiBytes) {
  EXPECT_EQ(escape_label_value(std::string("tab\tcr\rnul\0del\x7f", 15)), "tab?cr?nul?del?");
  EXPECT_EQ(escape_label_value("caf\xc3\xa9 \xff"), "caf?? ?");
  EXPECT_EQ(escape_label_value("web-1.example_a b{}=,"), "web-1.example_a b{}=,");
}

TEST(PrometheusText, MillisecondsAsExactSeconds) {
  EXPECT_EQ(milliseconds_as_seconds(0), "0.000");
  EXPECT_EQ(milliseconds_as_seconds(1234), "1.234");
  EXPECT_EQ(milliseconds_as_seconds(18446744073709551615ull), "18446744073709551.615");
}

TEST(StatusPrometheus, WithoutDomainsOnlyTheDaemonMetrics) {
  DaemonStatus s;
  s.pid = 4321;
  s.updated_unix_ms = 1700000000123;
  EXPECT_EQ(status_to_prometheus(s),
            "# HELP xebekd_process_id Process id of the xebekd that wrote the status.\n"
            "# TYPE xebekd_process_id gauge\n"
            "xebekd_process_id 4321\n"
            "# HELP xebekd_status_updated_timestamp_seconds When xebekd last wrote its status (Unix time).\n"
            "# TYPE xebekd_status_updated_timestamp_seconds gauge\n"
            "xebekd_status_updated_timestamp_seconds 1700000000.123\n"
            "# HELP xebekd_domains Domains in the status, by state.\n"
            "# TYPE xebekd_domains gauge\n"
            "xebekd_domains{state=\"active\"} 0\n"
            "xebekd_domains{state=\"failed\"} 0\n"
            "xebekd_domains{state=\"gone\"} 0\n");
}

TEST(StatusPrometheus, HostileNameIsEscapedInEverySample) {
  DaemonStatus s;
  s.pid = 7;
  s.updated_unix_ms = 5;
  DomainStatus d;
  d.id = 12;
  d.name = "x\\\"}\nevil 1=\"2\"";  // backslash, quote, brace, newline
  d.state = "failed";
  d.ip = "10.0.0.23";
  d.ip_source = "config";
  d.control = XEBEK_CTL_ENABLE | XEBEK_CTL_KEYSTROKES;
  d.control_applied = XEBEK_CTL_ENABLE | XEBEK_CTL_KEYSTROKES;
  d.records = 100;
  d.sebek_records = 101;
  d.bytes = 2048;
  d.log_bytes = 9000;
  d.lost["quota"] = 3;
  d.lost["ring_full"] = 0;
  d.protocol_errors = 2;
  d.errors["seq_backwards"] = 2;
  d.lag_bytes = 64;
  d.write_failures = 4;
  d.disk_full = true;
  d.notifications = 50;
  d.notify_requests = 51;
  d.skipped_replayed = 6;
  d.rotations = 1;
  d.cpu_ms = 1500;
  d.masked = true;
  d.masks = 2;
  d.quota_bytes = 1073741824;
  d.quota_period_s = 3600;
  d.quota_available = 1000;
  d.dropped_bytes = 777;
  d.faults["ENOSPC"] = 4;
  s.domains.push_back(d);

  const std::string l = R"(domain="x\\\"}\nevil 1=\"2\"",domid="12")";
  const std::string expected =
      "# HELP xebekd_process_id Process id of the xebekd that wrote the status.\n"
      "# TYPE xebekd_process_id gauge\n"
      "xebekd_process_id 7\n"
      "# HELP xebekd_status_updated_timestamp_seconds When xebekd last wrote its status (Unix time).\n"
      "# TYPE xebekd_status_updated_timestamp_seconds gauge\n"
      "xebekd_status_updated_timestamp_seconds 0.005\n"
      "# HELP xebekd_domains Domains in the status, by state.\n"
      "# TYPE xebekd_domains gauge\n"
      "xebekd_domains{state=\"active\"} 0\n"
      "xebekd_domains{state=\"failed\"} 1\n"
      "xebekd_domains{state=\"gone\"} 0\n"
      "# HELP xebekd_domain_info Always 1; the domain's Sebek source address, where it came from, and its capture mode.\n"
      "# TYPE xebekd_domain_info gauge\n"
      "xebekd_domain_info{" + l + ",ip=\"10.0.0.23\",ip_source=\"config\",mode=\"keystrokes\"} 1\n"
      "# HELP xebekd_domain_state 1 for the domain's current state, 0 for the others.\n"
      "# TYPE xebekd_domain_state gauge\n"
      "xebekd_domain_state{" + l + ",state=\"active\"} 0\n"
      "xebekd_domain_state{" + l + ",state=\"failed\"} 1\n"
      "xebekd_domain_state{" + l + ",state=\"gone\"} 0\n"
      "# HELP xebekd_domain_records_total Ring records (guest events) written to the logs.\n"
      "# TYPE xebekd_domain_records_total counter\n"
      "xebekd_domain_records_total{" + l + "} 100\n"
      "# HELP xebekd_domain_sebek_records_total Sebek records written to the stream.\n"
      "# TYPE xebekd_domain_sebek_records_total counter\n"
      "xebekd_domain_sebek_records_total{" + l + "} 101\n"
      "# HELP xebekd_domain_payload_bytes_total Payload bytes received from the guest.\n"
      "# TYPE xebekd_domain_payload_bytes_total counter\n"
      "xebekd_domain_payload_bytes_total{" + l + "} 2048\n"
      "# HELP xebekd_domain_log_bytes_total Bytes appended to the domain's logs.\n"
      "# TYPE xebekd_domain_log_bytes_total counter\n"
      "xebekd_domain_log_bytes_total{" + l + "} 9000\n"
      "# HELP xebekd_domain_protocol_errors_total Protocol errors of the guest's ring, all kinds.\n"
      "# TYPE xebekd_domain_protocol_errors_total counter\n"
      "xebekd_domain_protocol_errors_total{" + l + "} 2\n"
      "# HELP xebekd_domain_lag_bytes Unread bytes in the ring at xebekd's last look.\n"
      "# TYPE xebekd_domain_lag_bytes gauge\n"
      "xebekd_domain_lag_bytes{" + l + "} 64\n"
      "# HELP xebekd_domain_disk_full 1 while xebekd waits for disk space to write this domain's batch.\n"
      "# TYPE xebekd_domain_disk_full gauge\n"
      "xebekd_domain_disk_full{" + l + "} 1\n"
      "# HELP xebekd_domain_write_failures_total Batches the disk refused (retried later).\n"
      "# TYPE xebekd_domain_write_failures_total counter\n"
      "xebekd_domain_write_failures_total{" + l + "} 4\n"
      "# HELP xebekd_domain_quota_bytes Disk quota per period in bytes (0: no quota).\n"
      "# TYPE xebekd_domain_quota_bytes gauge\n"
      "xebekd_domain_quota_bytes{" + l + "} 1073741824\n"
      "# HELP xebekd_domain_quota_period_seconds Length of the quota period.\n"
      "# TYPE xebekd_domain_quota_period_seconds gauge\n"
      "xebekd_domain_quota_period_seconds{" + l + "} 3600\n"
      "# HELP xebekd_domain_quota_available_bytes Bytes left in the current quota budget.\n"
      "# TYPE xebekd_domain_quota_available_bytes gauge\n"
      "xebekd_domain_quota_available_bytes{" + l + "} 1000\n"
      "# HELP xebekd_domain_dropped_bytes_total Payload bytes consumed but not written (over quota or below the free-space floor).\n"
      "# TYPE xebekd_domain_dropped_bytes_total counter\n"
      "xebekd_domain_dropped_bytes_total{" + l + "} 777\n"
      "# HELP xebekd_domain_capture_enabled 1 if xebekd asked the guest to capture.\n"
      "# TYPE xebekd_domain_capture_enabled gauge\n"
      "xebekd_domain_capture_enabled{" + l + "} 1\n"
      "# HELP xebekd_domain_control_applied 1 if the guest echoed the control word xebekd wrote.\n"
      "# TYPE xebekd_domain_control_applied gauge\n"
      "xebekd_domain_control_applied{" + l + "} 1\n"
      "# HELP xebekd_domain_notifications_total Signals received from the guest.\n"
      "# TYPE xebekd_domain_notifications_total counter\n"
      "xebekd_domain_notifications_total{" + l + "} 50\n"
      "# HELP xebekd_domain_notify_requests_total Times xebekd asked the guest to signal.\n"
      "# TYPE xebekd_domain_notify_requests_total counter\n"
      "xebekd_domain_notify_requests_total{" + l + "} 51\n"
      "# HELP xebekd_domain_signals_masked 1 while the guest's signals are masked (storm) and the ring polled.\n"
      "# TYPE xebekd_domain_signals_masked gauge\n"
      "xebekd_domain_signals_masked{" + l + "} 1\n"
      "# HELP xebekd_domain_masks_total Times the guest's channel was masked for a signal storm.\n"
      "# TYPE xebekd_domain_masks_total counter\n"
      "xebekd_domain_masks_total{" + l + "} 2\n"
      "# HELP xebekd_domain_skipped_replayed_records_total Records skipped after a restart as already written.\n"
      "# TYPE xebekd_domain_skipped_replayed_records_total counter\n"
      "xebekd_domain_skipped_replayed_records_total{" + l + "} 6\n"
      "# HELP xebekd_domain_rotations_total Log rotations.\n"
      "# TYPE xebekd_domain_rotations_total counter\n"
      "xebekd_domain_rotations_total{" + l + "} 1\n"
      "# HELP xebekd_domain_cpu_seconds_total xebekd's CPU time spent on this domain.\n"
      "# TYPE xebekd_domain_cpu_seconds_total counter\n"
      "xebekd_domain_cpu_seconds_total{" + l + "} 1.500\n"
      "# HELP xebekd_domain_lost_records_total Records lost, by reason.\n"
      "# TYPE xebekd_domain_lost_records_total counter\n"
      "xebekd_domain_lost_records_total{" + l + ",reason=\"quota\"} 3\n"
      "xebekd_domain_lost_records_total{" + l + ",reason=\"ring_full\"} 0\n"
      "# HELP xebekd_domain_protocol_errors_by_kind_total Protocol errors of the guest's ring, by kind.\n"
      "# TYPE xebekd_domain_protocol_errors_by_kind_total counter\n"
      "xebekd_domain_protocol_errors_by_kind_total{" + l + ",kind=\"seq_backwards\"} 2\n"
      "# HELP xebekd_domain_disk_faults_total Disk faults writing this domain's logs, by errno name.\n"
      "# TYPE xebekd_domain_disk_faults_total counter\n"
      "xebekd_domain_disk_faults_total{" + l + ",errno=\"ENOSPC\"} 4\n";
  EXPECT_EQ(status_to_prometheus(s), expected);
}

TEST(StatusPrometheus, EveryDomainHasItsOwnSeriesInOneFamily) {
  DaemonStatus s;
  DomainStatus a, b;
  a.id = 1;
  a.name = "same";
  a.records = 10;
  b.id = 2;
  b.name = "same";  // a guest may copy another's name: domid keeps them apart
  b.records = 20;
  s.domains = {a, b};
  const std::string out = status_to_prometheus(s);
  const std::string family =
      "# TYPE xebekd_domain_records_total counter\n"
      "xebekd_domain_records_total{domain=\"same\",domid=\"1\"} 10\n"
      "xebekd_domain_records_total{domain=\"same\",domid=\"2\"} 20\n";
  EXPECT_NE(out.find(family), std::string::npos) << out;
  // Nothing per reason when no domain reports any.
  EXPECT_EQ(out.find("xebekd_domain_lost_records_total"), std::string::npos) << out;
}
