#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "xebek_tools/capture_model.hpp"
#include "xebek_tools/tree_view.hpp"

namespace {

namespace xt = xebek_tools;

struct Capture {
  xt::CaptureModel model;
  std::uint32_t host = model.hosts.intern("honeypot");
  std::uint64_t now = 1'700'000'000'000'000'000ull;

  void add(xt::Action action, std::uint32_t pid, std::uint32_t ppid, std::uint32_t fd,
           std::uint64_t inode, const std::string& data, std::uint32_t host_id) {
    xt::Activity a;
    a.host = host_id;
    a.action = action;
    a.time_ns = now += 1000;
    a.pid = a.tgid = pid;
    a.ppid = ppid;
    a.fd = fd;
    a.inode = inode;
    a.set_comm("sh");
    a.data = {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()};
    model.add(a);
  }
  void type(std::uint32_t pid, std::uint32_t ppid, std::uint64_t tty, const std::string& s) {
    add(xt::Action::Read, pid, ppid, 0, tty, s, host);
  }
  void print(std::uint32_t pid, std::uint32_t ppid, std::uint64_t tty, const std::string& s) {
    add(xt::Action::Write, pid, ppid, 1, tty, s, host);
  }
  std::vector<const xt::Session*> confirmed() const {
    std::vector<const xt::Session*> out;
    for (const xt::Session& s : model.sessions.sessions())
      if (s.number) out.push_back(&s);
    return out;
  }
};

TEST(SessionTracker, ChildrenAndGrandchildrenStayInTheShellsSession) {
  Capture c;
  c.print(100, 1, 5, "$ ");
  c.type(100, 1, 5, "su\n");
  c.add(xt::Action::Open, 101, 100, 3, 0, "/etc/shadow", c.host);  // su: no tty I/O
  c.type(102, 101, 5, "id\n");                                       // su's shell
  c.print(103, 102, 5, "uid=0(root)\n");                             // id
  const auto s = c.confirmed();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0]->commands, (std::vector<std::string>{"su", "id"}));
  EXPECT_EQ(s[0]->bytes_out, 2u + 12u);
  EXPECT_EQ(c.model.processes.at(s[0]->root).tgid, 100u);
  // su never used the terminal, yet belongs to the session through its parent.
  EXPECT_EQ(c.model.sessions.session_of(1), static_cast<std::int64_t>(s[0]->index));
}

TEST(SessionTracker, AnotherTtyOrHostIsAnotherSession) {
  Capture c;
  c.type(100, 1, 5, "a\n");
  c.type(200, 1, 6, "b\n");
  c.add(xt::Action::Read, 100, 1, 0, 5, "c\n", c.model.hosts.intern("other"));
  const auto s = c.confirmed();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0]->id, "s001-honeypot-tty5");
  EXPECT_EQ(s[1]->id, "s002-honeypot-tty6");
  EXPECT_EQ(s[2]->id, "s003-other-tty5");
}

TEST(SessionTracker, OutputAloneIsNoSession) {
  Capture c;
  c.print(300, 1, 9, "daemon log line\n");  // stdout redirected to a file
  c.add(xt::Action::Write, 300, 1, 2, 9, "more\n", c.host);
  EXPECT_TRUE(c.confirmed().empty());
}

TEST(SessionTracker, AParentLoopEndsTheWalk) {
  Capture c;
  c.type(400, 401, 5, "x\n");
  c.type(401, 400, 5, "y\n");
  c.print(402, 401, 5, "z");
  EXPECT_LE(c.confirmed().size(), 2u);
  std::string tree;
  xt::append_tree_text(tree, c.model);  // must not recurse forever
  EXPECT_NE(tree.find("- 402"), std::string::npos);
}

TEST(SessionTracker, ADeepChainIsBoundedInTheTree) {
  Capture c;
  c.type(1000, 1, 5, "sh\n");
  for (std::uint32_t pid = 1001; pid < 3000; ++pid) c.print(pid, pid - 1, 5, ".");
  c.model.processes.link_parents();
  std::string text, json;
  xt::append_tree_text(text, c.model);
  xt::append_tree_json(json, c.model);
  EXPECT_NE(text.find("- 2999"), std::string::npos);
  // Past the bound a process starts a session of its own, which output
  // alone never confirms: still the one session.
  EXPECT_EQ(c.confirmed().size(), 1u);
}

TEST(ProcessTable, AForkUnderAUsedPidStartsANewProcess) {
  Capture c;
  c.type(500, 1, 5, "a\n");
  c.add(xt::Action::Fork, 500, 1, 0, 0, "", c.host);
  c.type(500, 1, 5, "b\n");
  const auto& procs = c.model.processes.processes();
  ASSERT_EQ(procs.size(), 2u);
  EXPECT_NE(procs[0].entity_id, procs[1].entity_id);
  EXPECT_TRUE(procs[1].started_by_fork);
  EXPECT_EQ(procs[1].entity_id,
            xt::make_entity_id("honeypot", 0, 500, procs[1].start_ns));
}

}  // namespace
