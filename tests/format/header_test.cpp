// The 56-byte header, the comm rules and the socket body, checked against
// byte layouts written out here field by field (spec section 2) and against
// every record of the golden streams.
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "golden_records.hpp"
#include "sebekd_format/header.hpp"
#include "test_support.hpp"

namespace {

using xebek_test::Bytes;

void put_be(Bytes& b, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

TEST(Header, EncodesEveryFieldBigEndianAtItsOffset) {
  sebekd_format::Header h;
  h.magic = 0x01020304;
  h.version = 0x0506;
  h.type = 0x0708;
  h.counter = 0x090a0b0c;
  h.time_sec = 0x0d0e0f10;
  h.time_usec = 0x11121314;
  h.ppid = 0x15161718;
  h.pid = 0x191a1b1c;
  h.uid = 0x1d1e1f20;
  h.fd = 0x21222324;
  h.inode = 0x25262728;
  h.comm = sebekd_format::make_comm("abcdefghijkl");
  h.length = 0x292a2b2c;

  Bytes expected;
  put_be(expected, h.magic, 4);
  put_be(expected, h.version, 2);
  put_be(expected, h.type, 2);
  for (std::uint32_t v : {h.counter, h.time_sec, h.time_usec, h.ppid, h.pid, h.uid, h.fd, h.inode})
    put_be(expected, v, 4);
  for (char c : std::string("abcdefghijkl")) expected.push_back(static_cast<std::uint8_t>(c));
  put_be(expected, h.length, 4);
  ASSERT_EQ(expected.size(), sebekd_format::kHeaderSize);

  std::array<std::uint8_t, sebekd_format::kHeaderSize> out{};
  sebekd_format::encode_header(h, out);
  EXPECT_EQ(Bytes(out.begin(), out.end()), expected);
  EXPECT_EQ(sebekd_format::decode_header(out), h);
}

TEST(Header, DefaultsAreTheClientDefaults) {
  const sebekd_format::Header h;
  EXPECT_EQ(h.magic, 666u);
  EXPECT_EQ(h.version, 3u);
}

TEST(Header, GoldenHeadersDecodeToTheTableAndReencodeVerbatim) {
  for (const char* name : {"x", "edge"}) {
    SCOPED_TRACE(name);
    const auto records = xebek_test::load_golden(name);
    ASSERT_FALSE(records.empty());
    for (const auto& r : records) {
      SCOPED_TRACE("record " + std::to_string(r.index));
      const sebekd_format::Header h = sebekd_format::decode_header(
          std::span<const std::uint8_t, sebekd_format::kHeaderSize>(r.header_bytes.data(), sebekd_format::kHeaderSize));
      EXPECT_EQ(h, r.expected_header);
      std::array<std::uint8_t, sebekd_format::kHeaderSize> out{};
      sebekd_format::encode_header(h, out);
      EXPECT_EQ(Bytes(out.begin(), out.end()), r.header_bytes);
    }
  }
}

// strncpy(com, comm, 12) semantics at the lengths where it changes: empty,
// shorter than 12, exactly 12 (no NUL left) and longer (cut, no NUL).
struct CommCase {
  std::string name;
  std::string expected_bytes;  // exactly 12 bytes
  std::string expected_name;   // what the Perl tools see
};

void PrintTo(const CommCase& c, std::ostream* os) {
  *os << c.name.size() << "-character name";
}

class CommRules : public ::testing::TestWithParam<CommCase> {};

TEST_P(CommRules, PadsWithNulOrTruncatesWithoutNul) {
  const CommCase& c = GetParam();
  ASSERT_EQ(c.expected_bytes.size(), sebekd_format::kCommSize);
  const sebekd_format::Comm comm = sebekd_format::make_comm(c.name);
  EXPECT_EQ(std::string(comm.data(), comm.size()), c.expected_bytes);
  EXPECT_EQ(sebekd_format::comm_name(comm), c.expected_name);
}

INSTANTIATE_TEST_SUITE_P(
    Lengths, CommRules,
    ::testing::Values(
        CommCase{"", std::string(12, '\0'), ""},
        CommCase{"abcdefghijk", std::string("abcdefghijk") + '\0', "abcdefghijk"},
        CommCase{"sshd-session", "sshd-session", "sshd-session"},
        CommCase{"abcdefghijklmno", "abcdefghijkl", "abcdefghijkl"},
        // A C string ends at its NUL, whatever follows.
        CommCase{std::string("ab\0cd", 5), std::string("ab") + std::string(10, '\0'), "ab"}),
    [](const auto& info) { return "chars" + std::to_string(info.param.name.size()); });

TEST(Comm, NameOfAFullCommStopsAtTwelveBytes) {
  // Twelve bytes without a NUL and a non-NUL byte right after the array in
  // memory: comm_name must not run past the field.
  struct {
    sebekd_format::Comm comm;
    char after[4] = {'X', 'Y', 'Z', 0};
  } s{sebekd_format::make_comm("123456789012")};
  EXPECT_EQ(sebekd_format::comm_name(s.comm), "123456789012");
}

TEST(SocketBody, EncodesFifteenPackedNetworkOrderBytes) {
  sebekd_format::SocketBody s{0xc0a80142, 51515, 0x0a000017, 0xfffe, 17, 255};
  Bytes expected;
  put_be(expected, 0xc0a80142, 4);
  put_be(expected, 51515, 2);
  put_be(expected, 0x0a000017, 4);
  put_be(expected, 0xfffe, 2);
  put_be(expected, 17, 2);
  expected.push_back(255);
  std::array<std::uint8_t, sebekd_format::kSocketBodySize> out{};
  sebekd_format::encode_socket_body(s, out);
  EXPECT_EQ(Bytes(out.begin(), out.end()), expected);
  EXPECT_EQ(sebekd_format::decode_socket_body(out), s);
}

TEST(SocketBody, GoldenSocketRecordsDecodeToTheTable) {
  int sockets = 0;
  for (const char* name : {"x", "edge"}) {
    for (const auto& r : xebek_test::load_golden(name)) {
      if (r.expected_header.type != 2) continue;
      SCOPED_TRACE(std::string(name) + " record " + std::to_string(r.index));
      ASSERT_EQ(r.data.size(), sebekd_format::kSocketBodySize);
      ASSERT_TRUE(r.socket.has_value());
      const sebekd_format::SocketBody s = sebekd_format::decode_socket_body(
          std::span<const std::uint8_t, sebekd_format::kSocketBodySize>(r.data.data(), sebekd_format::kSocketBodySize));
      EXPECT_EQ(s, *r.socket);
      std::array<std::uint8_t, sebekd_format::kSocketBodySize> out{};
      sebekd_format::encode_socket_body(s, out);
      EXPECT_EQ(Bytes(out.begin(), out.end()), r.data);
      ++sockets;
    }
  }
  EXPECT_GE(sockets, 5);  // x.pcap has connect, sendto, listen, accept, recvmsg
}

TEST(Ipv4Text, FormatsAndParsesDottedQuads) {
  EXPECT_EQ(sebekd_format::ipv4_to_string(0x0a0000fe), "10.0.0.254");
  EXPECT_EQ(sebekd_format::ipv4_to_string(0xffffffff), "255.255.255.255");
  std::uint32_t a = 0;
  EXPECT_TRUE(sebekd_format::parse_ipv4("192.168.1.66", a));
  EXPECT_EQ(a, 0xc0a80142u);
  for (const char* bad : {"", "1.2.3", "1.2.3.4.", "1.2.3.256", "1.2.3.-4", "1.2.3.+4", "a.b.c.d",
                          "1..2.3", "1.2.3.0004", " 1.2.3.4"}) {
    SCOPED_TRACE(bad);
    std::uint32_t untouched = 7;
    EXPECT_FALSE(sebekd_format::parse_ipv4(bad, untouched));
    EXPECT_EQ(untouched, 7u);
  }
}

}  // namespace
