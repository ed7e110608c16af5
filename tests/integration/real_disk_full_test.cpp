// A real full disk: xebekd logs into a 2 MiB tmpfs of its own (a private
// mount namespace, so the host is untouched), a filler file takes the
// space, the writes fail with ENOSPC; deleting the filler gives the space
// back and capture resumes. Needs root (mount); skipped, not passed, without.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <optional>
#include <thread>

#include <unistd.h>

#include "harness.hpp"
#include "loss_accounting.hpp"
#include "xebekd/status_file.hpp"

using namespace harness;

namespace {

// xebekd logging into a tmpfs of its own (a private mount namespace, so
// the host is untouched); its status file lives outside the small
// filesystem.
struct TmpfsDaemon {
  TempDir t;
  fs::path mnt = t.path / "mnt";
  std::string reg = (t.path / "reg").string();
  std::string status = (t.path / "xebekd_status").string();
  std::unique_ptr<Process> daemon;
  fs::path inside;  // the daemon's view of its filesystem, from outside its namespace

  TmpfsDaemon(const std::string& size, const std::string& extra) {
    fs::create_directories(mnt);
    daemon = std::make_unique<Process>(
        std::vector<std::string>{"/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                                 "mount -t tmpfs -o size=" + size + " xebek-test " + mnt.string() + " && exec " +
                                     xebekd_bin() + " --transport sim --registry " + reg + " --logdir " +
                                     (mnt / "logs").string() + " --status-file " + status +
                                     " --status-interval-ms 50 --mode all --min-free 0 " + extra},
        t.path, "xebekd");
    inside = fs::path("/proc") / std::to_string(daemon->pid()) / "root" / mnt.relative_path();
  }
  std::optional<xebekd::DomainStatus> domain(const std::string& name) const {
    try {
      for (const auto& d : xebekd::read_status_file(status).domains)
        if (d.name == name) return d;
    } catch (const std::exception&) {
    }
    return std::nullopt;
  }
};

}  // namespace

TEST(DiskFull, RealEnospcOnTmpfsResumesWhenSpaceReturns) {
  // A full disk is only real on a real file system; the test suite runs as
  // root (CI does), and a run without root must not count this as passed.
  ASSERT_EQ(::geteuid(), 0u) << "needs root to mount a private tmpfs";
  TmpfsDaemon x("2m", "");
  const fs::path& inside = x.inside;
  const std::string& reg = x.reg;
  const TempDir& t = x.t;
  Process& daemon = *x.daemon;
  auto domain = [&] { return x.domain("full"); };
  ASSERT_TRUE(wait_until([&] { return fs::exists(inside / "logs"); }, 10)) << daemon.err();
  {
    // Leave about 150 KiB: a few hundred records fit.
    std::ofstream filler(inside / "filler", std::ios::binary);
    const std::string block(4096, 'f');
    for (int i = 0; i < 475; ++i) filler << block;
  }
  Process load({simdomu_bin(), "--registry", reg, "--synthetic", "--name", "full", "--id", "9", "--records", "4000",
                "--rate", "3000", "--order", "2", "--drain-timeout", "30"},
               t.path, "load");
  ASSERT_TRUE(wait_until([&] { auto d = domain(); return d && d->disk_full; }, 15)) << "never ran out of space";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  fs::remove(inside / "filler");
  ASSERT_EQ(load.wait(40), 0) << load.err();
  ASSERT_TRUE(wait_until([&] { auto d = domain(); return d && d->state == "gone"; }, 10));
  // Read the logs while the daemon (and with it the filesystem) is alive.
  const auto st = domain();
  ASSERT_TRUE(st);
  check_loss_accounting(inside / "logs" / "full", *st, 4000);
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(10), 0) << daemon.err();
}

// The full-disk soak: two domains, rotation on and a pcap (so rotating
// must create files and write a pcap header on a full disk), ENOSPC for a
// while, then space returns. xebekd keeps running, both domains resume,
// and what the guests dropped meanwhile shows as counter gaps.
TEST(DiskFull, SoakWithRotationOnAFullDiskKeepsTheDaemonAndResumesEveryDomain) {
  ASSERT_EQ(::geteuid(), 0u) << "needs root to mount a private tmpfs";
  TmpfsDaemon x("16m", "--pcap --rotate-size 40K --quota 0");
  const fs::path& inside = x.inside;
  const std::string& reg = x.reg;
  const TempDir& t = x.t;
  Process& daemon = *x.daemon;
  auto domain = [&](const std::string& name) { return x.domain(name); };
  ASSERT_TRUE(wait_until([&] { return fs::exists(inside / "logs"); }, 10)) << daemon.err();
  Process load({simdomu_bin(), "--registry", reg, "--synthetic", "--name", "soak", "--id", "20", "--domains", "2",
                "--records", "12000", "--rate", "1500", "--order", "2", "--drain-timeout", "30"},
               t.path, "load");
  ASSERT_TRUE(wait_until([&] { auto d = domain("soak-1"); return d && d->rotations >= 2; }, 15)) << daemon.err();
  {
    // Take the rest of the space: writes, rotations and pcap headers fail.
    std::ofstream filler(inside / "filler", std::ios::binary);
    const std::string block(4096, 'f');
    for (int i = 0; i < 4096 && filler; ++i) filler << block << std::flush;
  }
  ASSERT_TRUE(wait_until([&] {
    auto a = domain("soak-0"), b = domain("soak-1");
    return a && b && a->disk_full && b->disk_full;
  }, 15)) << "never ran out of space";
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_TRUE(daemon.running()) << "a disk fault ended xebekd: " << daemon.err();
  fs::remove(inside / "filler");
  ASSERT_EQ(load.wait(40), 0) << load.err();
  for (const char* name : {"soak-0", "soak-1"}) {
    ASSERT_TRUE(wait_until([&] { auto d = domain(name); return d && d->state == "gone"; }, 10)) << name;
    const auto st = domain(name);
    ASSERT_TRUE(st);
    EXPECT_GE(st->faults.count("ENOSPC"), 1u) << name;
    EXPECT_GE(st->rotations, 2u) << name;
    check_loss_accounting(inside / "logs" / name, *st, 12000);
  }
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(10), 0) << daemon.err();
}
