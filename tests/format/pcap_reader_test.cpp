// The pcap reader applies sbk_extract's rules (spec section 4): libpcap's
// BPF "udp dst port N" first, then the handler's checks in its order. Each
// rule gets a pcap built here with PcapWriter from raw frames.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <string>

#include "golden_records.hpp"
#include "raw_pcap.hpp"
#include "sebekd_format/pcap_file.hpp"
#include "sebekd_format/stream.hpp"

namespace {

using sebekd_format::FrameVerdict;
using xebek_test::Bytes;

struct Seen {
  std::uint32_t caplen;
  FrameVerdict verdict;
  std::uint16_t version;
  std::uint32_t data_length;
  std::uint32_t src_ip;
  sebekd_format::Header header;
  Bytes header_bytes;
  Bytes data;
};

struct ReadResult {
  std::vector<Seen> frames;
  sebekd_format::PcapStats stats;
};

ReadResult read_all(const std::string& path, std::uint16_t port = 1101) {
  auto reader = sebekd_format::PcapReader::open_file(path, port);
  ReadResult r;
  reader.run([&](const timeval&, std::uint32_t caplen, const sebekd_format::FrameInfo& f) {
    r.frames.push_back(Seen{caplen, f.verdict, f.version, f.data_length, f.src_ip, f.header,
                            Bytes(f.header_bytes.begin(), f.header_bytes.end()),
                            Bytes(f.data.begin(), f.data.end())});
  });
  r.stats = reader.stats();
  return r;
}

class PcapReaderRules : public ::testing::Test {
 protected:
  // A well-formed Sebek frame from 10.0.0.23 with `data`.
  static Bytes good_frame(const Bytes& data, std::uint16_t dport = 1101) {
    sebekd_format::FrameParams p;
    p.src_mac = {0x00, 0x16, 0x3e, 0x12, 0x34, 0x56};
    p.src_ip = 0x0a000017;
    p.dst_port = dport;
    sebekd_format::Header h;
    h.counter = 9;
    h.pid = 77;
    h.comm = sebekd_format::make_comm("bash");
    h.length = static_cast<std::uint32_t>(data.size());
    Bytes f;
    sebekd_format::build_frame(p, h, data, f);
    return f;
  }
  static void set_be16(Bytes& f, std::size_t at, std::uint16_t v) {
    f[at] = static_cast<std::uint8_t>(v >> 8);
    f[at + 1] = static_cast<std::uint8_t>(v);
  }
  static void set_be32(Bytes& f, std::size_t at, std::uint32_t v) {
    set_be16(f, at, static_cast<std::uint16_t>(v >> 16));
    set_be16(f, at + 2, static_cast<std::uint16_t>(v));
  }
  // Writes the frames with PcapWriter and reads them back.
  ReadResult round(const std::vector<Bytes>& frames, std::uint16_t port = 1101) {
    const std::string path = dir_.file("t.pcap");
    {
      sebekd_format::PcapWriter w(path);
      long usec = 0;
      for (const Bytes& f : frames) w.write(timeval{1700000000, usec++}, f);
      w.flush();
    }
    return read_all(path, port);
  }
  xebek_test::TempDir dir_;
};

TEST_F(PcapReaderRules, AcceptsAWellFormedRecord) {
  const Bytes frame = good_frame({'a', 'b', 'c'});
  const ReadResult r = round({frame});
  ASSERT_EQ(r.frames.size(), 1u);
  const Seen& s = r.frames[0];
  EXPECT_EQ(s.verdict, FrameVerdict::Accepted);
  EXPECT_EQ(s.caplen, frame.size());
  EXPECT_EQ(s.src_ip, 0x0a000017u);
  EXPECT_EQ(s.version, 3u);
  EXPECT_EQ(s.data_length, 3u);
  EXPECT_EQ(s.header_bytes, Bytes(frame.begin() + 42, frame.begin() + 98));
  EXPECT_EQ(s.header.pid, 77u);
  EXPECT_EQ(s.header.counter, 9u);
  EXPECT_EQ(s.data, (Bytes{'a', 'b', 'c'}));
  EXPECT_EQ(r.stats.frames, 1u);
  EXPECT_EQ(r.stats.accepted, 1u);
}

TEST_F(PcapReaderRules, ShorterThan98BytesIsSkippedAndExactly98IsAccepted) {
  Bytes short_frame = good_frame({});
  short_frame.pop_back();  // 97 bytes: the IP/UDP headers still match the filter
  const ReadResult r = round({short_frame, good_frame({})});
  ASSERT_EQ(r.frames.size(), 2u);
  EXPECT_EQ(r.frames[0].verdict, FrameVerdict::TooShort);
  EXPECT_EQ(r.frames[0].caplen, 97u);
  EXPECT_EQ(r.frames[1].verdict, FrameVerdict::Accepted);
  EXPECT_EQ(r.frames[1].caplen, 98u);
  EXPECT_EQ(r.stats.skipped, 1u);
  EXPECT_EQ(r.stats.accepted, 1u);
}

TEST_F(PcapReaderRules, Ipv6UdpToThePortPassesTheFilterButIsNotIpv4) {
  Bytes f(14 + 40 + 8 + 56, 0);
  for (int i = 0; i < 6; ++i) f[i] = 0xff;
  set_be16(f, 12, 0x86dd);
  f[14] = 0x60;
  set_be16(f, 18, 8 + 56);  // payload length
  f[20] = 17;               // next header: UDP
  f[21] = 64;
  set_be16(f, 54, 1101);     // sport
  set_be16(f, 56, 1101);     // dport
  set_be16(f, 58, 8 + 56);
  const ReadResult r = round({f});
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_EQ(r.frames[0].verdict, FrameVerdict::NotIpv4);
  EXPECT_EQ(r.stats.skipped, 1u);
}

TEST_F(PcapReaderRules, IpOptionsShiftTheUdpHeaderSoTheFixedOffsetPortIsWrong) {
  // IHL 6: the real dport (1101) is at offset 40 and matches the filter,
  // but sbk_extract reads offset 36, here the last option bytes.
  const Bytes good = good_frame({'x'});
  Bytes f(good.begin(), good.begin() + 34);
  f[14] = 0x46;
  set_be16(f, 16, static_cast<std::uint16_t>(24 + 8 + 56 + 1));
  const Bytes options{0x01, 0x01, 0x01, 0x00};  // NOP NOP NOP EOL
  f.insert(f.end(), options.begin(), options.end());
  f.insert(f.end(), good.begin() + 34, good.end());
  const ReadResult r = round({f});
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_EQ(r.frames[0].verdict, FrameVerdict::WrongPort);
  EXPECT_EQ(r.stats.skipped, 1u);
}

TEST_F(PcapReaderRules, TheFilterDropsOtherPortsTaggedFramesFragmentsAndTcp) {
  Bytes tagged = good_frame({'x'});
  const Bytes tag{0x81, 0x00, 0x00, 0x05};
  tagged.insert(tagged.begin() + 12, tag.begin(), tag.end());
  Bytes fragment = good_frame({'x'});
  set_be16(fragment, 20, 0x0010);  // fragment offset 16*8: no UDP header here
  Bytes tcp = good_frame({'x'});
  tcp[23] = 6;
  const ReadResult r = round({good_frame({'x'}, 1102), tagged, fragment, tcp, good_frame({'y'})});
  ASSERT_EQ(r.frames.size(), 1u);  // only the last one reaches the handler
  EXPECT_EQ(r.frames[0].verdict, FrameVerdict::Accepted);
  EXPECT_EQ(r.frames[0].data, Bytes{'y'});
  EXPECT_EQ(r.stats.frames, 1u);
}

TEST_F(PcapReaderRules, OtherSebekVersionsAreReportedBeforeTheLengthIsChecked) {
  Bytes v2 = good_frame({'x'});
  set_be16(v2, 46, 2);
  Bytes v2_bad_length = v2;
  set_be32(v2_bad_length, 94, 500);
  const ReadResult r = round({v2, v2_bad_length});
  ASSERT_EQ(r.frames.size(), 2u);
  for (const Seen& s : r.frames) {
    EXPECT_EQ(s.verdict, FrameVerdict::BadVersion);
    EXPECT_EQ(s.version, 2u);
  }
  EXPECT_EQ(r.stats.bad_version, 2u);
}

TEST_F(PcapReaderRules, LengthMustBeExactlyCaplenMinus98) {
  Bytes longer_claim = good_frame({'x'});
  set_be32(longer_claim, 94, 2);             // length+1 (the edge vector's "badlen")
  Bytes pad = good_frame({'x'});
  pad.push_back(0);                           // a trailing pad byte
  Bytes huge = good_frame({'x'});
  set_be32(huge, 94, 0xffffffffu);            // far beyond any frame
  const ReadResult r = round({longer_claim, pad, huge});
  ASSERT_EQ(r.frames.size(), 3u);
  EXPECT_EQ(r.frames[0].verdict, FrameVerdict::LengthMismatch);
  EXPECT_EQ(r.frames[0].data_length, 2u);
  EXPECT_EQ(r.frames[0].caplen, 99u);
  EXPECT_EQ(r.frames[1].verdict, FrameVerdict::LengthMismatch);
  EXPECT_EQ(r.frames[1].data_length, 1u);
  EXPECT_EQ(r.frames[1].caplen, 100u);
  EXPECT_EQ(r.frames[2].verdict, FrameVerdict::LengthMismatch);
  EXPECT_EQ(r.stats.malformed, 3u);
}

TEST_F(PcapReaderRules, PortOptionChangesBothFilterAndCheck) {
  const ReadResult r = round({good_frame({'a'}, 2000), good_frame({'b'}, 1101)}, 2000);
  ASSERT_EQ(r.frames.size(), 1u);
  EXPECT_EQ(r.frames[0].verdict, FrameVerdict::Accepted);
  EXPECT_EQ(r.frames[0].data, Bytes{'a'});
}

// Rules that the BPF filter makes unreachable from a file are still the
// handler's: checked on classify_frame directly, in sbk_extract's order.
TEST(ClassifyFrame, ChecksInSbkExtractsOrder) {
  sebekd_format::FrameParams p;
  p.src_ip = 0x0a000019;
  sebekd_format::Header h;
  h.length = 1;
  Bytes good;
  sebekd_format::build_frame(p, h, Bytes{'z'}, good);
  EXPECT_EQ(sebekd_format::classify_frame(good, 1101).verdict, FrameVerdict::Accepted);

  Bytes not_udp = good;
  not_udp[23] = 6;
  auto info = sebekd_format::classify_frame(not_udp, 1101);
  EXPECT_EQ(info.verdict, FrameVerdict::NotUdp);
  EXPECT_EQ(info.src_ip, 0x0a000019u);

  Bytes not_ip_not_udp = not_udp;
  not_ip_not_udp[12] = 0x86;
  EXPECT_EQ(sebekd_format::classify_frame(not_ip_not_udp, 1101).verdict, FrameVerdict::NotIpv4);

  Bytes short_and_wrong = not_ip_not_udp;
  short_and_wrong.resize(97);
  EXPECT_EQ(sebekd_format::classify_frame(short_and_wrong, 1101).verdict, FrameVerdict::TooShort);

  EXPECT_EQ(sebekd_format::classify_frame(good, 1102).verdict, FrameVerdict::WrongPort);
  Bytes wrong_port_bad_version = good;
  wrong_port_bad_version[47] = 2;
  EXPECT_EQ(sebekd_format::classify_frame(wrong_port_bad_version, 1102).verdict, FrameVerdict::WrongPort);
  EXPECT_EQ(sebekd_format::classify_frame(wrong_port_bad_version, 1101).verdict, FrameVerdict::BadVersion);
  // Magic, checksums, addresses, source port and type are not checked.
  Bytes unchecked = good;
  for (std::size_t at : {15, 22, 24, 25, 26, 30, 34, 35, 40, 42, 48}) unchecked[at] ^= 0x5a;
  EXPECT_EQ(sebekd_format::classify_frame(unchecked, 1101).verdict, FrameVerdict::Accepted);
}

TEST(PcapReaderFiles, EdgeCaptureGivesTheGoldenStreamAndTheOraclesRejections) {
  const std::string dir = xebek_test::vectors_dir();
  auto reader = sebekd_format::PcapReader::open_file(dir + "/edge.pcap", 1101);
  Bytes stream;
  reader.run([&](const timeval& ts, std::uint32_t, const sebekd_format::FrameInfo& f) {
    if (f.verdict != FrameVerdict::Accepted) return;
    sebekd_format::StreamRecord r;
    r.pcap_sec = static_cast<std::uint32_t>(ts.tv_sec);
    r.pcap_usec = static_cast<std::uint32_t>(ts.tv_usec);
    r.src_ip = f.src_ip;
    r.header = f.header;
    r.data = f.data;
    sebekd_format::append_stream_record(stream, r);
  });
  EXPECT_EQ(stream, xebek_test::read_bytes(dir + "/edge.expected.sbk"));
  // The oracle printed one line per bad version and per malformed record.
  std::uint64_t versions = 0, malformed = 0;
  for (const auto& line : xebek_test::split_lines(xebek_test::read_text(dir + "/oracle_edge/sbk_extract.stderr.norm"))) {
    versions += line.rfind("Unexpected Sebek PDU version", 0) == 0;
    malformed += line.rfind("malformed sebek record", 0) == 0;
  }
  EXPECT_EQ(reader.stats().bad_version, versions);
  EXPECT_EQ(reader.stats().malformed, malformed);
  EXPECT_EQ(reader.stats().accepted, xebek_test::load_golden("edge").size());
}

TEST(PcapReaderFiles, NonEthernetLinkTypeIsRefused) {
  xebek_test::TempDir dir;
  const std::string path = dir.file("raw.pcap");
  xebek_test::write_raw_pcap(path, DLT_RAW, {Bytes(120, 0x45)});
  try {
    (void)sebekd_format::PcapReader::open_file(path, 1101);
    FAIL() << "opened a DLT_RAW file";
  } catch (const sebekd_format::PcapError& e) {
    EXPECT_NE(std::string(e.what()).find("not Ethernet"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(PcapReaderFiles, MissingAndNonPcapFilesAreRefusedNamingThePath) {
  xebek_test::TempDir dir;
  const std::string text = dir.file("notes.txt");
  xebek_test::write_bytes(text, Bytes(200, 'A'));
  for (const std::string& path : {dir.file("missing.pcap"), text, dir.path()}) {
    SCOPED_TRACE(path);
    try {
      (void)sebekd_format::PcapReader::open_file(path, 1101);
      FAIL() << "opened " << path;
    } catch (const sebekd_format::PcapError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(path, 0), 0u) << e.what();
    }
  }
}

TEST(PcapReaderFiles, TruncatedFileDeliversTheFramesBeforeThenThrows) {
  const std::string dir = xebek_test::vectors_dir();
  const Bytes whole = xebek_test::read_bytes(dir + "/x.pcap");
  const auto frames = xebek_test::read_raw_pcap(dir + "/x.pcap");
  // Cut in the middle of frame 11's data (24-byte file header, 16-byte
  // record headers).
  std::size_t at = 24;
  for (std::size_t i = 0; i < 10; ++i) at += 16 + frames[i].bytes.size();
  const std::size_t cut = at + 16 + frames[10].bytes.size() / 2;
  xebek_test::TempDir tmp;
  const std::string path = tmp.file("cut.pcap");
  xebek_test::write_bytes(path, Bytes(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut)));
  auto reader = sebekd_format::PcapReader::open_file(path, 1101);
  std::size_t delivered = 0;
  try {
    reader.run([&](const timeval&, std::uint32_t, const sebekd_format::FrameInfo& f) {
      EXPECT_EQ(f.verdict, FrameVerdict::Accepted);
      ++delivered;
    });
    FAIL() << "a truncated file read to its end without an error";
  } catch (const sebekd_format::PcapError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
  EXPECT_EQ(delivered, 10u);
}

}  // namespace
