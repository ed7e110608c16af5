// The status file round-trips through Boost.Program_options and renders
// as JSON; control modes parse and print.
#include <gtest/gtest.h>

#include <filesystem>

#include "xebek/ring.h"

#include "xebek0/control_mode.hpp"
#include "xebekd/status_file.hpp"

using namespace xebekd;

TEST(StatusFile, RoundTrip) {
  DaemonStatus s;
  s.pid = 99;
  s.logdir = "/var/log/xebek";
  DomainStatus d;
  d.id = 3;
  d.name = "honey.pot-1";
  d.state = "active";
  d.ip = "10.0.0.23";
  d.ip_source = "config";
  d.control = XEBEK_CTL_ENABLE | XEBEK_CTL_KEYSTROKES;
  d.records = 12;
  d.lost["ring_full"] = 5;
  d.errors["zero_length"] = 1;
  d.protocol_errors = 1;
  d.disk_full = true;
  s.domains.push_back(d);
  const std::string path = "/tmp/xebekd-status-test-" + std::to_string(::getpid());
  ASSERT_TRUE(write_status_file(path, s));
  DaemonStatus g = read_status_file(path);
  std::filesystem::remove(path);
  EXPECT_EQ(g.pid, 99u);
  ASSERT_EQ(g.domains.size(), 1u);
  EXPECT_EQ(g.domains[0].name, "honey.pot-1");
  EXPECT_EQ(g.domains[0].records, 12u);
  EXPECT_EQ(g.domains[0].lost["ring_full"], 5u);
  EXPECT_EQ(g.domains[0].errors["zero_length"], 1u);
  EXPECT_TRUE(g.domains[0].disk_full);
  const std::string json = status_to_json(g);
  EXPECT_NE(json.find("\"name\":\"honey.pot-1\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"mode\":\"keystrokes\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"enabled\":true"), std::string::npos) << json;
}

TEST(StatusFile, MissingFileIsAClearError) {
  EXPECT_THROW(read_status_file("/nonexistent/xebekd.status"), std::runtime_error);
}

TEST(ControlMode, ParsesAndPrints) {
  EXPECT_EQ(xebek0::parse_mode("keystrokes,sockets"), XEBEK_CTL_KEYSTROKES | XEBEK_CTL_SOCKETS);
  EXPECT_EQ(xebek0::parse_mode("all"), XEBEK_CTL_ALL_MODES);
  EXPECT_EQ(xebek0::mode_to_string(XEBEK_CTL_WRITES | XEBEK_CTL_EXEC | XEBEK_CTL_ENABLE), "writes,exec");
  EXPECT_THROW(xebek0::parse_mode("keystroke"), std::invalid_argument);
}
