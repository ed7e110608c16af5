#include "native_fixture.hpp"

#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "xebekd/domain_logs.hpp"

namespace xebek_test {

namespace {

struct Step {
  xebekd::EventType type;
  std::uint32_t pid, ppid, fd;
  std::uint64_t inode;
  const char* comm;
  std::string data;
};

}  // namespace

void write_native_fixture(const std::string& dir) {
  std::filesystem::create_directories(dir);
  xebekd::LogOptions opt;
  opt.dir = dir;
  xebekd::DomainLogs logs(opt, 7);
  logs.open();
  logs.set_ring_instance(kFixtureInstance);
  using T = xebekd::EventType;
  const std::vector<Step> steps = {
      {T::Write, 299, 1, 2, 77, "sh", "root@honeypot:~# "},
      {T::Read, 299, 1, 0, 77, "sh", "ls -la /tmp\r"},
      {T::Write, 299, 1, 1, 77, "sh", "ls -la /tmp\r\n"},
      {T::Fork, 300, 299, 0, 0, "sh", ""},
      {T::Exec, 300, 299, 0, 0, "ls", std::string("/bin/ls\0ls\0-la\0/tmp\0", 20)},
      {T::Open, 300, 299, 3, 4242, "ls", "/tmp"},
      {T::Write, 300, 299, 1, 77, "ls", "total 4\r\n-rw-r--r-- 1 root root 7 loot.txt\r\n"},
      {T::Write, 299, 1, 2, 77, "sh", "root@honeypot:~# "},
      {T::Read, 299, 1, 0, 77, "sh", "exit\r"},
      {T::Write, 299, 1, 1, 77, "sh", "exit\r\n"},
  };
  std::vector<xebekd::Event> events;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    xebekd::Event e;
    e.seq = i;
    e.type = s.type;
    e.time_ns = kFixtureStartNs + i * 250'000'000ull;
    e.pid = e.tgid = s.pid;
    e.ppid = s.ppid;
    e.fd = s.fd;
    e.inode = s.inode;
    std::memcpy(e.comm.data(), s.comm, std::strlen(s.comm));
    e.data = {reinterpret_cast<const std::uint8_t*>(s.data.data()), s.data.size()};
    events.push_back(e);
  }
  if (logs.write_batch(events, kFixtureStartNs).error != 0)
    throw std::runtime_error("cannot write the native fixture in " + dir);
}

}  // namespace xebek_test
