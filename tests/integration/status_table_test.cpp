// xebekctl status's table: every name in full, the columns aligned however
// long the names are.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "xebek/ring.h"

#include "xebekd/status_file.hpp"

namespace {

using xebekd::DaemonStatus;
using xebekd::DomainStatus;

DomainStatus domain(unsigned id, const std::string& name) {
  DomainStatus d;
  d.id = id;
  d.name = name;
  d.state = "active";
  d.ip = "192.168.56.10";
  d.control = XEBEK_CTL_ENABLE | XEBEK_CTL_KEYSTROKES;
  return d;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Where the state column starts in a header or domain row.
std::size_t state_column(const std::string& line, const std::string& state) {
  return line.find(" " + state + " ") + 1;
}

TEST(StatusTable, ShowsNamesThatShareAPrefixInFull) {
  DaemonStatus s;
  s.domains = {domain(1, "hp-192.168.56.10"), domain(2, "hp-192.168.56.101")};
  const std::vector<std::string> lines = lines_of(xebekd::status_to_table(s));
  ASSERT_EQ(lines.size(), 1 + 2 * 2u);  // header, then per domain its row and cpu line
  EXPECT_NE(lines[1].find(" hp-192.168.56.10 "), std::string::npos) << lines[1];
  EXPECT_NE(lines[3].find(" hp-192.168.56.101 "), std::string::npos) << lines[3];
  EXPECT_EQ(state_column(lines[1], "active"), state_column(lines[3], "active"));
}

TEST(StatusTable, WidensTheColumnsToTheLongestName) {
  const std::string long_name = "honeypot-of-the-research-network-in-building-7-" + std::string(40, 'x');
  DaemonStatus s;
  s.domains = {domain(1, "short"), domain(2, long_name)};
  const std::vector<std::string> lines = lines_of(xebekd::status_to_table(s));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_NE(lines[3].find(" " + long_name + " "), std::string::npos) << lines[3];
  const std::size_t state = state_column(lines[0], "state");
  EXPECT_GT(state, long_name.size());
  EXPECT_EQ(state_column(lines[1], "active"), state) << lines[1];
  EXPECT_EQ(state_column(lines[3], "active"), state) << lines[3];
}

}  // namespace
