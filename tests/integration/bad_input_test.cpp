// Bad input gives one clear line naming the problem and a non-zero exit.
#include <gtest/gtest.h>

#include <fstream>

#include "harness.hpp"

using namespace harness;

namespace {

void expect_one_line_error(const RunResult& r, const std::string& needle, int code) {
  EXPECT_EQ(r.code, code) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << "stderr: " << r.err;
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
}

struct Bad : ::testing::Test {
  TempDir t;
  std::vector<std::string> xebekd(std::vector<std::string> extra) {
    std::vector<std::string> a{xebekd_bin(), "--transport", "sim", "--registry", (t.path / "reg").string()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
};

}  // namespace

TEST_F(Bad, DaemonWithoutLogdir) { expect_one_line_error(run(xebekd({}), t.path), "--logdir", 2); }

TEST_F(Bad, DaemonInvalidDomainIp) {
  expect_one_line_error(run(xebekd({"--logdir", t.path.string(), "--domain-ip", "web=10.0.0.300"}), t.path),
                        "web=10.0.0.300", 2);
}

TEST_F(Bad, DaemonInvalidOptionValues) {
  expect_one_line_error(run(xebekd({"--logdir", t.path.string(), "--mode", "keys"}), t.path), "keys", 2);
  expect_one_line_error(run(xebekd({"--logdir", t.path.string(), "--rotate-size", "12X"}), t.path), "12X", 2);
  expect_one_line_error(run({xebekd_bin(), "--logdir", t.path.string(), "--transport", "tcp"}, t.path), "tcp", 2);
  expect_one_line_error(run(xebekd({"--logdir", t.path.string(), "--no-such-option"}), t.path), "no-such-option", 2);
}

TEST_F(Bad, DaemonConfigFile) {
  expect_one_line_error(run(xebekd({"--config", (t.path / "missing.conf").string()}), t.path), "missing.conf", 2);
  std::ofstream(t.path / "bad.conf") << "logdir = " << t.path.string() << "\nbogus-key = 1\n";
  expect_one_line_error(run(xebekd({"--config", (t.path / "bad.conf").string()}), t.path), "bogus-key", 2);
  std::ofstream(t.path / "bad2.conf") << "logdir = " << t.path.string() << "\ndefault-ip = nowhere\n";
  expect_one_line_error(run(xebekd({"--config", (t.path / "bad2.conf").string()}), t.path), "nowhere", 2);
}

TEST_F(Bad, DaemonUnwritableLogDirectory) {
  std::ofstream(t.path / "afile") << "x";
  const std::string dir = (t.path / "afile" / "logs").string();
  expect_one_line_error(run(xebekd({"--logdir", dir}), t.path), dir, 1);
}

TEST_F(Bad, CtlUnknownDomainAndBadArguments) {
  const std::vector<std::string> base{xebekctl_bin(), "--transport", "sim", "--registry", (t.path / "reg").string(),
                                      "--logdir", t.path.string()};
  auto with = [&](std::vector<std::string> extra) {
    auto a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return run(a, t.path);
  };
  expect_one_line_error(with({"enable", "nosuch"}), "unknown domain \"nosuch\"", 2);
  expect_one_line_error(with({"mode", "nosuch", "keys"}), "keys", 2);
  expect_one_line_error(with({"frobnicate"}), "frobnicate", 2);
  expect_one_line_error(with({"enable"}), "DOMAIN", 2);
  expect_one_line_error(with({"status"}), "xebekd_status", 1);
}

TEST_F(Bad, SimdomuBadInput) {
  const std::string reg = (t.path / "reg").string();
  expect_one_line_error(run({simdomu_bin(), "--registry", reg, "--replay", "/nonexistent.pcap"}, t.path),
                        "/nonexistent.pcap", 1);
  expect_one_line_error(run({simdomu_bin(), "--registry", reg, "--replay", "x", "--synthetic"}, t.path),
                        "exactly one", 2);
  std::ofstream(t.path / "junk.bin") << "this is neither a pcap nor a Sebek stream at all, certainly not";
  expect_one_line_error(run({simdomu_bin(), "--registry", reg, "--replay", (t.path / "junk.bin").string()}, t.path),
                        "junk.bin", 1);
}
