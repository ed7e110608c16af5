// Sebek frames as gen_pkt() builds them. The strongest check: rebuilding
// every record of x.pcap from its golden fields gives the captured frame
// byte for byte (MACs, TOS 13, TTL 32, lengths, IP checksum, UDP checksum 0).
#include <gtest/gtest.h>

#include "golden_records.hpp"
#include "raw_pcap.hpp"
#include "sebekd_format/frame.hpp"

namespace {

using xebek_test::Bytes;

sebekd_format::FrameParams reference_params(std::uint32_t src_ip) {
  sebekd_format::FrameParams p;
  p.src_mac = {0x00, 0x16, 0x3e, 0x12, 0x34, 0x56};
  p.src_ip = src_ip;
  return p;  // the rest are Sebek's defaults, as in the reference captures
}

// RFC 1071 sum written independently: valid iff the folded sum is 0xffff.
std::uint16_t folded_sum(const std::uint8_t* p, std::size_t n) {
  std::uint32_t s = 0;
  for (std::size_t i = 0; i < n; i += 2) s += (p[i] << 8) | p[i + 1];
  while (s > 0xffff) s = (s & 0xffff) + (s >> 16);
  return static_cast<std::uint16_t>(s);
}

TEST(Frame, RebuildsEveryFrameOfTheReferenceCapture) {
  const auto recs = xebek_test::load_golden("x");
  const auto frames = xebek_test::read_raw_pcap(xebek_test::vectors_dir() + "/x.pcap");
  ASSERT_EQ(frames.size(), recs.size());  // every frame of x.pcap is a record
  Bytes built;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i + 1));
    sebekd_format::build_frame(reference_params(recs[i].src_ip), recs[i].expected_header, recs[i].data, built);
    EXPECT_EQ(built, frames[i].bytes);
  }
}

TEST(Frame, HeaderFieldsAreTheClientsConstants) {
  sebekd_format::FrameParams p = reference_params(0xc0a80a0b);
  p.dst_mac = {1, 2, 3, 4, 5, 6};
  p.dst_ip = 0x0a000001;
  p.src_port = 40001;
  p.dst_port = 1102;
  p.ip_id = 0xbeef;
  sebekd_format::Header h;
  h.magic = 1111;
  h.length = 5;
  const Bytes data{'h', 'e', 'l', 'l', 'o'};
  Bytes f;
  sebekd_format::build_frame(p, h, data, f);
  ASSERT_EQ(f.size(), 98u + 5);
  EXPECT_EQ(Bytes(f.begin(), f.begin() + 6), (Bytes{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(Bytes(f.begin() + 6, f.begin() + 12), (Bytes{0x00, 0x16, 0x3e, 0x12, 0x34, 0x56}));
  EXPECT_EQ(f[12], 0x08);
  EXPECT_EQ(f[13], 0x00);
  EXPECT_EQ(f[14], 0x45);                    // IPv4, IHL 5: no options
  EXPECT_EQ(f[15], 13);                      // TOS 13
  EXPECT_EQ((f[16] << 8) | f[17], 20 + 8 + 56 + 5);
  EXPECT_EQ((f[18] << 8) | f[19], 0xbeef);   // IP id
  EXPECT_EQ(f[20], 0);                       // DF clear, no fragment
  EXPECT_EQ(f[21], 0);
  EXPECT_EQ(f[22], 32);                      // TTL 32
  EXPECT_EQ(f[23], 17);                      // UDP
  EXPECT_EQ(folded_sum(&f[14], 20), 0xffff); // correct header checksum
  EXPECT_EQ(Bytes(f.begin() + 26, f.begin() + 30), (Bytes{192, 168, 10, 11}));
  EXPECT_EQ(Bytes(f.begin() + 30, f.begin() + 34), (Bytes{10, 0, 0, 1}));
  EXPECT_EQ((f[34] << 8) | f[35], 40001);
  EXPECT_EQ((f[36] << 8) | f[37], 1102);
  EXPECT_EQ((f[38] << 8) | f[39], 8 + 56 + 5);
  EXPECT_EQ(f[40], 0);                       // no UDP checksum
  EXPECT_EQ(f[41], 0);
  EXPECT_EQ(Bytes(f.begin() + 42, f.begin() + 46), (Bytes{0, 0, 0x04, 0x57}));  // magic 1111
  EXPECT_EQ(Bytes(f.begin() + 98, f.end()), data);
}

TEST(Frame, ChecksumOfAKnownHeader) {
  // A textbook IPv4 header (192.168.0.1 -> 192.168.0.199, TTL 64, UDP),
  // whose checksum is 0xb861.
  const Bytes ip{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(sebekd_format::ipv4_header_checksum(ip), 0xb861);
}

TEST(Frame, ChecksumIsRightForManyAddressesAndLengths) {
  Bytes f;
  for (std::uint32_t ip : {0u, 1u, 0x0a000017u, 0xfffffffeu, 0xffffffffu}) {
    for (std::size_t len : {std::size_t{0}, std::size_t{1}, std::size_t{1320}}) {
      sebekd_format::FrameParams p = reference_params(ip);
      p.ip_id = static_cast<std::uint16_t>(ip * 31 + len);
      const Bytes data(len, 0xee);
      sebekd_format::Header h;
      h.length = static_cast<std::uint32_t>(len);
      sebekd_format::build_frame(p, h, data, f);
      EXPECT_EQ(folded_sum(&f[14], 20), 0xffff) << ip << " " << len;
    }
  }
}

TEST(Frame, ParsesMacAddresses) {
  sebekd_format::MacAddress m{};
  EXPECT_TRUE(sebekd_format::parse_mac("00:16:3E:12:34:5f", m));
  EXPECT_EQ(m, (sebekd_format::MacAddress{0x00, 0x16, 0x3e, 0x12, 0x34, 0x5f}));
  for (const char* bad : {"", "00:16:3e:12:34", "00:16:3e:12:34:5", "00-16-3e-12-34-56",
                          "00:16:3e:12:34:5g", "00:16:3e:12:34:56:", " 0:16:3e:12:34:56"}) {
    sebekd_format::MacAddress untouched{9, 9, 9, 9, 9, 9};
    EXPECT_FALSE(sebekd_format::parse_mac(bad, untouched)) << bad;
    EXPECT_EQ(untouched, (sebekd_format::MacAddress{9, 9, 9, 9, 9, 9}));
  }
}

}  // namespace
