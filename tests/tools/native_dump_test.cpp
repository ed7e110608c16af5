// xebek-native-dump on the golden native logs of both layouts: the same
// events, payloads resolved; a missing stream is a one-line error.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "run_process.hpp"

namespace fs = std::filesystem;
using xebek_test::run_process;

namespace {

std::string golden(const char* layout) { return xebek_test::vectors_dir() + "/" + layout + "/native.xnl"; }

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST(NativeDump, PrintsEveryEventWithItsPayload) {
  const auto r = run_process({XEBEK_NATIVE_DUMP, golden("native-v2")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines(r.out), 16u);
  EXPECT_NE(r.out.find("seq=5 type=open "), std::string::npos);
  EXPECT_NE(r.out.find("data=\"/etc/shadow\""), std::string::npos);          // from the stream
  EXPECT_NE(r.out.find("data=\"/bin/ls\\x00ls\\x00-la\\x00\""), std::string::npos);  // native only
  EXPECT_NE(r.out.find("remote=[2001:db8::2]:51000"), std::string::npos);
  EXPECT_NE(r.out.find("seq=1015 type=read "), std::string::npos);
}

TEST(NativeDump, BothLayoutsGiveTheSameEvents) {
  const auto v1 = run_process({XEBEK_NATIVE_DUMP, golden("native-v1")});
  const auto v2 = run_process({XEBEK_NATIVE_DUMP, golden("native-v2")});
  ASSERT_EQ(v1.exit_code, 0) << v1.err;
  ASSERT_EQ(v2.exit_code, 0) << v2.err;
  EXPECT_EQ(v1.out, v2.out);
}

TEST(NativeDump, TheCurrentLayoutAddsTheDetailOfVersion2Guests) {
  const auto v2 = run_process({XEBEK_NATIVE_DUMP, golden("native-v2")});
  const auto v3 = run_process({XEBEK_NATIVE_DUMP, golden("native-v3")});
  ASSERT_EQ(v3.exit_code, 0) << v3.err;
  EXPECT_EQ(v3.out.substr(0, v2.out.size()), v2.out) << "the legacy events read differently";
  const std::string added = v3.out.substr(v2.out.size());
  EXPECT_EQ(lines(added), 9u) << added;
  for (const char* want : {"type=read ", "tty_io=1", "sid=4200", "tty=34816", "data=\"hunter2\\x0a\"",
                           "comm=\"passwd\"", "uid=1000 fd=4", "euid=0 fsuid=0", "open_flags=65",
                           "failed=1", "ret=-13", "type=close ", "type=process_vm ",
                           "target_pid=777 vm=write", "call=2 proto=17", "sock_type=2 sock_proto=17",
                           "truncated=1", "not_captured=4000", "xen_time_ns=6000000000"})
    EXPECT_NE(added.find(want), std::string::npos) << want << " missing in\n" << added;
}

TEST(NativeDump, AMissingStreamIsAnErrorNamingIt) {
  const fs::path dir = fs::temp_directory_path() / ("native-dump-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(golden("native-v2"), dir / "native.xnl", fs::copy_options::overwrite_existing);
  const auto r = run_process({XEBEK_NATIVE_DUMP, dir.string()});
  fs::remove_all(dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("sebek.sbk, which is missing"), std::string::npos) << r.err;
}

TEST(NativeDump, NoInputIsAUsageError) {
  const auto r = run_process({XEBEK_NATIVE_DUMP});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no native log given"), std::string::npos) << r.err;
}
