// Round trip: each golden stream is written back as a pcap by Xebek's frame
// writer; real tshark then dissects it into the same ip.*, udp.* and sebek.*
// values (and expert messages) as it did for the original capture, for
// every frame sbk_extract accepted; and xebek-extract turns that pcap back
// into the identical stream.
#include <gtest/gtest.h>

#include <string>

#include "golden_records.hpp"
#include "raw_pcap.hpp"
#include "sebekd_format/pcap_file.hpp"
#include "sebekd_format/stream.hpp"
#include "test_support.hpp"

namespace {

using xebek_test::Bytes;

const std::string kExtract = XEBEK_EXTRACT_PATH;

sebekd_format::FrameParams honeypot_params(std::uint32_t src_ip) {
  sebekd_format::FrameParams p;
  p.src_mac = {0x00, 0x16, 0x3e, 0x12, 0x34, 0x56};
  p.dst_mac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  p.src_ip = src_ip;
  p.dst_ip = 0x0a0000fe;  // 10.0.0.254
  p.src_port = 1101;
  p.dst_port = 1101;
  p.ip_id = 0;
  return p;
}

// Writes every record of `stream` as a frame; returns how many.
std::size_t write_pcap_from_stream(const Bytes& stream, const std::string& path) {
  sebekd_format::StreamDecoder d;
  d.feed(stream);
  sebekd_format::PcapWriter w(path);
  sebekd_format::StreamRecord r;
  std::size_t n = 0;
  sebekd_format::StreamDecoder::Status s;
  while ((s = d.next(r)) == sebekd_format::StreamDecoder::Status::Record) {
    const timeval ts{static_cast<time_t>(r.pcap_sec), static_cast<suseconds_t>(r.pcap_usec)};
    w.write_record(ts, honeypot_params(r.src_ip), r.header, r.data);
    ++n;
  }
  EXPECT_EQ(s, sebekd_format::StreamDecoder::Status::NeedMore);
  EXPECT_EQ(d.finish(), sebekd_format::StreamDecoder::Status::NeedMore) << d.error().message();
  w.flush();
  return n;
}

// Frame numbers (1-based) of the original capture that sbk_extract turned
// into the golden records: matched in order on the pcap time, the frame
// size and the header+data bytes, without the reader under test.
std::vector<std::size_t> accepted_frames(const std::string& name) {
  const auto frames = xebek_test::read_raw_pcap(xebek_test::vectors_dir() + "/" + name + ".pcap");
  const auto recs = xebek_test::load_golden(name);
  std::vector<std::size_t> numbers;
  std::size_t next = 0;
  for (const auto& f : frames) {
    if (next == recs.size()) break;
    const auto& rec = recs[next];
    const Bytes& b = f.bytes;
    const bool same = static_cast<std::uint32_t>(f.ts.tv_sec) == rec.pcap_sec &&
                      static_cast<std::uint32_t>(f.ts.tv_usec) == rec.pcap_usec &&
                      b.size() == 42 + rec.header_bytes.size() + rec.data.size() &&
                      std::equal(rec.header_bytes.begin(), rec.header_bytes.end(), b.begin() + 42) &&
                      std::equal(rec.data.begin(), rec.data.end(), b.begin() + 98);
    if (same) {
      numbers.push_back(f.number);
      ++next;
    }
  }
  EXPECT_EQ(numbers.size(), recs.size()) << "could not find every golden record in " << name << ".pcap";
  return numbers;
}

bool compared_column(const std::string& c) {
  return c.rfind("ip.", 0) == 0 || c.rfind("udp.", 0) == 0 || c.rfind("sebek.", 0) == 0 ||
         c == "_ws.expert.message";
}

class RoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(RoundTrip, TsharkSeesTheSameFieldsAsInTheOriginalCapture) {
  const std::string name = GetParam();
  const auto tshark = xebek_test::find_program("tshark");
  ASSERT_TRUE(tshark.has_value()) << "tshark is not installed (scripts/install-deps installs it); "
                                     "this test needs it and fails without it";
  const std::string vectors = xebek_test::vectors_dir();
  const xebek_test::Tsv oracle = xebek_test::read_tsv(vectors + "/oracle_" + name + "/tshark_fields.tsv");

  xebek_test::TempDir dir;
  const std::string pcap = dir.file(name + ".roundtrip.pcap");
  const Bytes stream = xebek_test::read_bytes(vectors + "/" + name + ".expected.sbk");
  const std::size_t written = write_pcap_from_stream(stream, pcap);

  // The oracle's own command line, with the fields of its header row.
  std::vector<std::string> argv{*tshark, "-r", pcap, "-Y", "sebek", "-T", "fields", "-E", "header=y",
                                "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"};
  for (const std::string& c : oracle.columns) {
    argv.push_back("-e");
    argv.push_back(c);
  }
  const auto r = xebek_test::run_process(argv, dir.path(),
                                          {{"TZ", "UTC"}, {"LC_ALL", "C"}, {"HOME", dir.path()}}, 120);
  ASSERT_TRUE(r.exited && r.exit_code == 0) << "tshark failed: " << r.err;
  const std::string out_path = dir.file("fields.tsv");
  xebek_test::write_bytes(out_path, r.out);
  const xebek_test::Tsv got = xebek_test::read_tsv(out_path);
  ASSERT_EQ(got.columns, oracle.columns);
  ASSERT_EQ(got.rows.size(), written);

  const auto numbers = accepted_frames(name);
  ASSERT_EQ(numbers.size(), written);
  std::size_t compared = 0;
  for (std::size_t j = 0; j < numbers.size(); ++j) {
    // The oracle row of frame numbers[j].
    const std::string number = std::to_string(numbers[j]);
    std::size_t o = oracle.rows.size();
    for (std::size_t k = 0; k < oracle.rows.size(); ++k)
      if (oracle.at(k, "frame.number") == number) o = k;
    ASSERT_LT(o, oracle.rows.size()) << "no oracle row for frame " << number;
    for (std::size_t c = 0; c < oracle.columns.size(); ++c) {
      if (!compared_column(oracle.columns[c])) continue;
      EXPECT_EQ(got.rows[j][c], oracle.rows[o][c])
          << oracle.columns[c] << " of record " << j << " (original frame " << number << ")";
      ++compared;
    }
  }
  EXPECT_GT(compared, 0u);
}

TEST_P(RoundTrip, ExtractingTheWrittenPcapGivesTheIdenticalStream) {
  const std::string name = GetParam();
  const std::string vectors = xebek_test::vectors_dir();
  xebek_test::TempDir dir;
  const std::string pcap = dir.file(name + ".roundtrip.pcap");
  const Bytes stream = xebek_test::read_bytes(vectors + "/" + name + ".expected.sbk");
  write_pcap_from_stream(stream, pcap);
  const auto r = xebek_test::run_process({kExtract, "-f", pcap});
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.size(), stream.size());
  EXPECT_TRUE(r.out == stream) << "the re-extracted stream differs";
  // Only what a clean capture produces: the opening line and loss reports.
  for (const std::string& line : xebek_test::split_lines(r.err))
    EXPECT_TRUE(line.rfind(" opening ", 0) == 0 || line.find(" record ") != std::string::npos) << line;
}

INSTANTIATE_TEST_SUITE_P(Vectors, RoundTrip, ::testing::Values("x", "edge"),
                         [](const auto& info) { return info.param; });

}  // namespace
