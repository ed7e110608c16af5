// A domain log directory written by xebekd's own DomainLogs: the tools read
// its native log, which adds exec argv, threads and the ring instance.
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "native_fixture.hpp"
#include "xebek_tools/capture_model.hpp"
#include "xebek_tools/tree_view.hpp"

namespace {

namespace xt = xebek_tools;
namespace fs = std::filesystem;
using xebek_test::kFixtureInstance;
using xebek_test::kFixtureStartNs;

class NativeInput : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("analysis-native-" + std::to_string(::getpid())) /
            "honeypot").string();
    fs::remove_all(dir_);
    xebek_test::write_native_fixture(dir_);
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
  EXPECT_EQ(ls.execs[0].argv, (std::vector<std::string>{"ls", "-la", "/tmp"}));
  EXPECT_TRUE(ls.started_by_fork);
  EXPECT_EQ(ls.entity_id,
            "honeypot:1122334455667788:300:" + std::to_string(kFixtureStartNs + 750'000'000));
  EXPECT_EQ(ls.parent, 0);
  std::string tree;
  xt::append_tree_text(tree, model);
  EXPECT_NE(tree.find("exec /bin/ls ls -la /tmp"), std::string::npos) << tree;
}

TEST_F(NativeInput, TheSessionHoldsTheForkedCommandsOutput) {
  xt::CaptureModel model;
  ASSERT_EQ(read(model), 0);
  const auto& sessions = model.sessions.sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].id, "s001-honeypot-tty77");
  EXPECT_EQ(sessions[0].commands, (std::vector<std::string>{"ls -la /tmp", "exit"}));
  EXPECT_EQ(sessions[0].bytes_out, 17u + 13u + 44u + 17u + 6u);
  EXPECT_EQ(model.sessions.session_of(1), 0);
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
