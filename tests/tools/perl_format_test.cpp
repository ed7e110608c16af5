// Field formatting as the Perl tools print it.
#include <gtest/gtest.h>

#include <cstring>
#include <ctime>
#include <random>

#include "sbk_tools/perl_format.hpp"

namespace {

using sbk_tools::perl_unpack_socket;

std::string datetime(std::uint32_t t) {
  std::string s;
  sbk_tools::append_datetime(s, t);
  return s;
}

std::string libc_datetime(std::uint32_t t) {
  const std::time_t tt = t;
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

TEST(PerlFormat, DatetimeMatchesGmtimeStrftime) {
  EXPECT_EQ(datetime(0), "1970-01-01 00:00:00");
  EXPECT_EQ(datetime(1700000000), "2023-11-14 22:13:20");
  EXPECT_EQ(datetime(951782400), "2000-02-29 00:00:00");
  EXPECT_EQ(datetime(4294967295u), "2106-02-07 06:28:15");
  std::mt19937 rng(12345);
  for (int i = 0; i < 200000; ++i) {
    const std::uint32_t t = rng();
    ASSERT_EQ(datetime(t), libc_datetime(t)) << t;
  }
  // The per-day cache must not leak a date into the next day.
  for (std::uint32_t t = 1699999990; t < 1700000000u + 3 * 86400; t += 3599)
    ASSERT_EQ(datetime(t), libc_datetime(t)) << t;
}

TEST(PerlFormat, CommLosesEveryNulNotOnlyThePadding) {
  sebekd_format::Comm c{};
  std::memcpy(c.data(), "ab\0cd", 5);
  EXPECT_EQ(sbk_tools::perl_comm(c), "abcd");
  EXPECT_EQ(sbk_tools::perl_comm(sebekd_format::make_comm("sshd-session")), "sshd-session");
  EXPECT_EQ(sbk_tools::perl_comm(sebekd_format::make_comm("")), "");
}

TEST(PerlFormat, Ipv4) {
  std::string s;
  sbk_tools::append_ipv4(s, 0xc0a80142);
  EXPECT_EQ(s, "192.168.1.66");
  s.clear();
  sbk_tools::append_ipv4(s, 0);
  EXPECT_EQ(s, "0.0.0.0");
}

// Results of perl 5.36's unpack("NnNnnC", ...) on short data: a field that
// does not fit is skipped without consuming, later ones still read.
TEST(PerlFormat, SocketUnpackLikePerlOnShortData) {
  auto u = [](std::initializer_list<std::uint8_t> b) {
    std::vector<std::uint8_t> v(b);
    return perl_unpack_socket(v);
  };
  auto f = u({1, 2, 3, 4, 5});
  EXPECT_EQ(f.values[0], 0x01020304u);
  EXPECT_EQ(f.values[1], 5u);
  EXPECT_FALSE(f.values[2]);
  f = u({1, 2, 3, 4, 5, 6, 7});
  EXPECT_EQ(f.values[0], 0x01020304u);
  EXPECT_EQ(f.values[1], 0x0506u);
  EXPECT_EQ(f.values[2], 7u);
  EXPECT_FALSE(f.values[3]);
  f = u({});
  for (const auto& v : f.values) EXPECT_FALSE(v);
  f = u({10, 0, 0, 5, 0, 80, 10, 0, 0, 23, 0x9c, 0x40, 0, 3, 6, 99});
  EXPECT_EQ(f.values[0], 0x0a000005u);
  EXPECT_EQ(f.values[1], 80u);
  EXPECT_EQ(f.values[2], 0x0a000017u);
  EXPECT_EQ(f.values[3], 40000u);
  EXPECT_EQ(f.values[4], 3u);
  EXPECT_EQ(f.values[5], 6u);
}

}  // namespace
