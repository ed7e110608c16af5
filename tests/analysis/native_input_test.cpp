// A domain log directory written by xebekd's own DomainLogs: the tools read
// its native log, which adds exec argv, threads and the ring instance.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "xebek_tools/capture_model.hpp"
#include "xebek_tools/tree_view.hpp"
#include "xebekd/domain_logs.hpp"

namespace {

namespace xt = xebek_tools;
namespace fs = std::filesystem;

constexpr std::uint64_t kInstance = 0x1122334455667788ull;
constexpr std::uint64_t kT0 = 1'750'000'000'000'000'000ull;

xebekd::Event event(xebekd::EventType type, std::uint64_t seq, std::uint32_t pid,
                    std::uint32_t ppid, std::uint32_t fd, std::uint64_t inode,
                    const std::string& data) {
  xebekd::Event e;
  e.seq = seq;
  e.type = type;
  e.time_ns = kT0 + seq * 1'000'000;
  e.pid = e.tgid = pid;
  e.ppid = ppid;
  e.fd = fd;
  e.inode = inode;
  const char* comm = pid == 300 ? "ls" : "sh";
  std::copy(comm, comm + std::strlen(comm), e.comm.begin());
  e.data = {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()};
  return e;
}

class NativeInput : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("analysis-native-" + std::to_string(::getpid())) /
            "honeypot").string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    xebekd::LogOptions opt;
    opt.dir = dir_;
    xebekd::DomainLogs logs(opt, 7);
    logs.open();
    logs.set_ring_instance(kInstance);
    static const std::string typed = "ls -la\n", listing = "total 0\n";
    static const std::string exec = std::string("/bin/ls\0ls\0-la\0", 15);
    std::vector<xebekd::Event> events = {
        event(xebekd::EventType::Write, 0, 299, 1, 2, 77, "# "),
        event(xebekd::EventType::Read, 1, 299, 1, 0, 77, typed),
        event(xebekd::EventType::Fork, 2, 300, 299, 0, 0, ""),
        event(xebekd::EventType::Exec, 3, 300, 299, 0, 0, exec),
        event(xebekd::EventType::Write, 4, 300, 299, 1, 77, listing),
    };
    ASSERT_EQ(logs.write_batch(events, kT0).error, 0);
  }
  void TearDown() override { fs::remove_all(fs::path(dir_).parent_path()); }

  int read(xt::CaptureModel& model) {
    sbk_tools::InputSelection sel;
    sel.files = {dir_};
    return xt::read_into("test", sel, model);
  }
  std::string dir_;
};

TEST_F(NativeInput, TheNativeLogGivesExecArgvAndTheRingInstance) {
  xt::CaptureModel model;
  ASSERT_EQ(read(model), 0);
  const auto& procs = model.processes.processes();
  ASSERT_EQ(procs.size(), 2u);
  const xt::Process& ls = procs[1];
  EXPECT_EQ(ls.tgid, 300u);
  ASSERT_EQ(ls.execs.size(), 1u);
  EXPECT_EQ(ls.execs[0].path, "/bin/ls");
  EXPECT_EQ(ls.execs[0].argv, (std::vector<std::string>{"ls", "-la"}));
  EXPECT_TRUE(ls.started_by_fork);
  EXPECT_EQ(ls.entity_id, "honeypot:1122334455667788:300:" + std::to_string(kT0 + 2'000'000));
  EXPECT_EQ(ls.parent, 0);
  std::string tree;
  xt::append_tree_text(tree, model);
  EXPECT_NE(tree.find("exec /bin/ls ls -la"), std::string::npos) << tree;
}

TEST_F(NativeInput, TheSessionHoldsTheForkedCommandsOutput) {
  xt::CaptureModel model;
  ASSERT_EQ(read(model), 0);
  const auto& sessions = model.sessions.sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].id, "s001-honeypot-tty77");
  EXPECT_EQ(sessions[0].commands, std::vector<std::string>{"ls -la"});
  EXPECT_EQ(sessions[0].bytes_out, 2u + 8u);
}

TEST_F(NativeInput, ADamagedTailIsReportedAfterEverythingBeforeIt) {
  {
    std::FILE* f = std::fopen((dir_ + "/native.xnl").c_str(), "ab");
    ASSERT_NE(f, nullptr);
    std::fwrite("XNL1garbage", 1, 11, f);
    std::fclose(f);
  }
  xt::CaptureModel model;
  EXPECT_EQ(read(model), 1);
  EXPECT_EQ(model.processes.processes().size(), 2u);
}

}  // namespace
