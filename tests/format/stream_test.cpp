// The sbk_extract stream: the writer reproduces the golden streams byte for
// byte; the incremental reader returns every record, reports truncation and
// garbage with the byte offset of the record, and never reads past its input
// (each feed is an exactly-sized heap block, freed at once: ASan catches any
// stray read in the sanitizer build).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <string>

#include "golden_records.hpp"
#include "sebekd_format/stream.hpp"

namespace {

using xebek_test::Bytes;
using xebek_test::GoldenRecord;
using Status = sebekd_format::StreamDecoder::Status;

// Feeds `bytes` in pieces of `piece` bytes, each copied into its own heap
// block of exactly that size and released right after feed().
void feed_in_pieces(sebekd_format::StreamDecoder& d, const std::uint8_t* bytes, std::size_t n, std::size_t piece,
                    std::vector<sebekd_format::StreamRecord>* records = nullptr,
                    std::vector<Bytes>* data = nullptr) {
  for (std::size_t at = 0; at < n; at += piece) {
    const std::size_t len = std::min(piece, n - at);
    auto block = std::make_unique<std::uint8_t[]>(len);
    std::memcpy(block.get(), bytes + at, len);
    d.feed(std::span<const std::uint8_t>(block.get(), len));
    block.reset();
    sebekd_format::StreamRecord r;
    while (d.next(r) == Status::Record) {
      if (records) records->push_back(r);
      // The span is only valid until the next feed(): copy now.
      if (data) data->emplace_back(r.data.begin(), r.data.end());
    }
  }
}

Bytes whole_stream(const std::vector<GoldenRecord>& recs) {
  Bytes b;
  for (const auto& r : recs) b.insert(b.end(), r.record_bytes.begin(), r.record_bytes.end());
  return b;
}

TEST(StreamWriter, PrefixIsLittleEndianTimeThenNetworkOrderAddressThenHeader) {
  sebekd_format::StreamRecord r;
  r.pcap_sec = 0x11223344;
  r.pcap_usec = 0x00055667;
  r.src_ip = 0x0a000017;
  r.header.counter = 0x01020304;
  r.header.length = 3;
  std::array<std::uint8_t, sebekd_format::kStreamRecordHeaderSize> out{};
  sebekd_format::encode_stream_prefix(r, out);
  const Bytes first12{0x44, 0x33, 0x22, 0x11, 0x67, 0x56, 0x05, 0x00, 10, 0, 0, 23};
  EXPECT_EQ(Bytes(out.begin(), out.begin() + 12), first12);
  std::array<std::uint8_t, sebekd_format::kHeaderSize> header{};
  sebekd_format::encode_header(r.header, header);
  EXPECT_EQ(Bytes(out.begin() + 12, out.end()), Bytes(header.begin(), header.end()));
}

TEST(StreamWriter, RebuildsTheGoldenStreamsFromTheirFields) {
  for (const char* name : {"x", "edge"}) {
    SCOPED_TRACE(name);
    const auto recs = xebek_test::load_golden(name);
    Bytes written;
    for (const auto& g : recs) {
      sebekd_format::StreamRecord r;
      r.pcap_sec = g.pcap_sec;
      r.pcap_usec = g.pcap_usec;
      r.src_ip = g.src_ip;
      r.header = g.expected_header;
      r.data = g.data;
      sebekd_format::append_stream_record(written, r);
    }
    EXPECT_EQ(written, xebek_test::read_bytes(xebek_test::vectors_dir() + "/" + name + ".expected.sbk"));
  }
}

class StreamReaderPieces : public ::testing::TestWithParam<std::size_t> {};

TEST_P(StreamReaderPieces, ReturnsEveryGoldenRecordWhateverTheFeedSize) {
  for (const char* name : {"x", "edge"}) {
    SCOPED_TRACE(name);
    const auto recs = xebek_test::load_golden(name);
    const Bytes stream = whole_stream(recs);
    sebekd_format::StreamDecoder d;
    std::vector<sebekd_format::StreamRecord> got;
    std::vector<Bytes> data;
    feed_in_pieces(d, stream.data(), stream.size(), GetParam(), &got, &data);
    ASSERT_EQ(got.size(), recs.size());
    for (std::size_t i = 0; i < recs.size(); ++i) {
      SCOPED_TRACE("record " + std::to_string(i));
      EXPECT_EQ(got[i].pcap_sec, recs[i].pcap_sec);
      EXPECT_EQ(got[i].pcap_usec, recs[i].pcap_usec);
      EXPECT_EQ(got[i].src_ip, recs[i].src_ip);
      EXPECT_EQ(got[i].header, recs[i].expected_header);
      EXPECT_EQ(data[i], recs[i].data);
    }
    EXPECT_EQ(d.offset(), stream.size());
    EXPECT_EQ(d.pending(), 0u);
    EXPECT_EQ(d.finish(), Status::NeedMore);  // a clean end
  }
}

INSTANTIATE_TEST_SUITE_P(FeedSizes, StreamReaderPieces, ::testing::Values(1, 7, 67, 68, 69, 1388, 1 << 20));

// Cutting the stream anywhere inside a record: every complete record before
// the cut is returned, and finish() names the record's offset.
TEST(StreamReader, TruncationIsReportedAtTheOffsetOfTheCutRecord) {
  const auto recs = xebek_test::load_golden("x");
  const Bytes stream = whole_stream(recs);
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const std::size_t rec_len = recs[i].record_bytes.size();
    for (std::size_t cut : {std::size_t{1}, std::size_t{11}, std::size_t{67}, std::size_t{68},
                            rec_len - 1}) {
      if (cut >= rec_len || cut == 0) continue;
      SCOPED_TRACE("record " + std::to_string(i) + " cut after " + std::to_string(cut));
      const std::size_t end = recs[i].offset + cut;
      sebekd_format::StreamDecoder d;
      std::vector<sebekd_format::StreamRecord> got;
      feed_in_pieces(d, stream.data(), end, 4096, &got);
      EXPECT_EQ(got.size(), i);
      EXPECT_EQ(d.pending(), cut);
      ASSERT_EQ(d.finish(), Status::Error);
      EXPECT_EQ(d.error().offset, recs[i].offset);
      const std::string msg = d.error().message();
      EXPECT_EQ(msg.rfind("byte offset " + std::to_string(recs[i].offset) + ": ", 0), 0u) << msg;
      if (cut < 68) {
        EXPECT_NE(msg.find("truncated record header (" + std::to_string(cut) + " of 68 bytes)"),
                  std::string::npos) << msg;
      } else {
        EXPECT_NE(msg.find("truncated record data (" + std::to_string(cut - 68) + " of " +
                           std::to_string(recs[i].data.size()) + " bytes)"),
                  std::string::npos) << msg;
      }
      // An error is final.
      sebekd_format::StreamRecord r;
      EXPECT_EQ(d.next(r), Status::Error);
    }
  }
}

Bytes with_version(Bytes stream, std::uint64_t record_offset, std::uint16_t version) {
  stream[record_offset + 12 + 4] = static_cast<std::uint8_t>(version >> 8);
  stream[record_offset + 12 + 5] = static_cast<std::uint8_t>(version);
  return stream;
}

TEST(StreamReader, WrongVersionInTheMiddleStopsAtThatRecord) {
  const auto recs = xebek_test::load_golden("edge");
  for (std::size_t i : {std::size_t{0}, std::size_t{5}, recs.size() - 1}) {
    SCOPED_TRACE("record " + std::to_string(i));
    const Bytes stream = with_version(whole_stream(recs), recs[i].offset, 2);
    sebekd_format::StreamDecoder d;
    std::vector<sebekd_format::StreamRecord> got;
    feed_in_pieces(d, stream.data(), stream.size(), 1000, &got);
    EXPECT_EQ(got.size(), i);
    sebekd_format::StreamRecord r;
    ASSERT_EQ(d.next(r), Status::Error);
    EXPECT_EQ(d.error().offset, recs[i].offset);
    EXPECT_NE(d.error().message().find("Sebek version 2"), std::string::npos) << d.error().message();
    EXPECT_EQ(d.finish(), Status::Error);
    // Feeding more after an error changes nothing.
    d.feed(stream);
    EXPECT_EQ(d.next(r), Status::Error);
    EXPECT_EQ(d.error().offset, recs[i].offset);
  }
}

Bytes one_record(std::uint32_t length, std::size_t data_bytes) {
  sebekd_format::StreamRecord r;
  r.header.length = length;
  Bytes out;
  const Bytes data(data_bytes, 0x5a);
  r.data = data;
  // append_stream_record writes r.data; the length field is what we set.
  sebekd_format::append_stream_record(out, r);
  return out;
}

TEST(StreamReader, LengthBeyondAnyCapturableRecordIsGarbage) {
  // The largest record a 65535-byte capture can hold is accepted...
  {
    const Bytes rec = one_record(65535 - 98, 65535 - 98);
    sebekd_format::StreamDecoder d;
    std::vector<sebekd_format::StreamRecord> got;
    feed_in_pieces(d, rec.data(), rec.size(), 4096, &got);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(d.finish(), Status::NeedMore);
  }
  // ...one byte more is rejected as soon as the header is complete, without
  // waiting for (or buffering) the data.
  for (std::uint32_t length : {std::uint32_t{65535 - 97}, 0xffffffffu}) {
    SCOPED_TRACE(length);
    Bytes stream = one_record(0, 0);
    const Bytes bad = one_record(length, 0);
    stream.insert(stream.end(), bad.begin(), bad.end());
    sebekd_format::StreamDecoder d;
    std::vector<sebekd_format::StreamRecord> got;
    feed_in_pieces(d, stream.data(), stream.size(), 1, &got);
    EXPECT_EQ(got.size(), 1u);
    sebekd_format::StreamRecord r;
    ASSERT_EQ(d.next(r), Status::Error);
    EXPECT_EQ(d.error().offset, 68u);
    EXPECT_NE(d.error().message().find("data length " + std::to_string(length)), std::string::npos)
        << d.error().message();
  }
}

TEST(StreamReader, TextIsRejectedAtOffsetZero) {
  const std::string text =
      "This is not a Sebek stream, just some text long enough to fill a prefix.\n";
  sebekd_format::StreamDecoder d;
  feed_in_pieces(d, reinterpret_cast<const std::uint8_t*>(text.data()), text.size(), 3);
  sebekd_format::StreamRecord r;
  ASSERT_EQ(d.next(r), Status::Error);
  EXPECT_EQ(d.error().offset, 0u);
  EXPECT_EQ(d.error().message().rfind("byte offset 0: ", 0), 0u) << d.error().message();
}

TEST(StreamReader, EmptyInputIsACleanEnd) {
  sebekd_format::StreamDecoder d;
  d.feed({});
  sebekd_format::StreamRecord r;
  EXPECT_EQ(d.next(r), Status::NeedMore);
  EXPECT_EQ(d.finish(), Status::NeedMore);
  EXPECT_EQ(d.offset(), 0u);
}

TEST(StreamReader, ZeroLengthRecordNeedsNoDataBytes) {
  const Bytes rec = one_record(0, 0);
  ASSERT_EQ(rec.size(), 68u);
  sebekd_format::StreamDecoder d;
  std::vector<sebekd_format::StreamRecord> got;
  feed_in_pieces(d, rec.data(), rec.size(), 68, &got);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].data.empty());
  EXPECT_EQ(d.finish(), Status::NeedMore);
}

}  // namespace
