// Record splitting like the Sebek client's nrd()/nwr(): 1320-byte chunks,
// then always the remainder (zero-length on an exact multiple); one counter
// value per record, wrapping at 2^32.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "golden_records.hpp"
#include "sebekd_format/split.hpp"

namespace {

using xebek_test::Bytes;

struct SplitCase {
  std::size_t size;
  std::vector<std::size_t> lengths;  // from spec section 3, written out
};

void PrintTo(const SplitCase& c, std::ostream* os) { *os << c.size << " bytes"; }

class SplitLengths : public ::testing::TestWithParam<SplitCase> {};

Bytes payload(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 7 + i / 256);
  return b;
}

TEST_P(SplitLengths, ChunksThenRemainderEachWithItsCounter) {
  const SplitCase& c = GetParam();
  const Bytes data = payload(c.size);
  sebekd_format::Header base;
  base.type = 1;
  base.pid = 4242;
  base.fd = 1;
  base.comm = sebekd_format::make_comm("dd");
  base.length = 999999;  // must be overwritten per chunk

  std::uint32_t counter = 100;
  const auto chunks = sebekd_format::split_like_sebek(base, data, counter);
  ASSERT_EQ(chunks.size(), c.lengths.size());
  EXPECT_EQ(sebekd_format::chunk_count(c.size), c.lengths.size());
  EXPECT_EQ(counter, 100 + c.lengths.size());

  std::size_t offset = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    SCOPED_TRACE("chunk " + std::to_string(i));
    const auto& ch = chunks[i];
    EXPECT_EQ(ch.data.size(), c.lengths[i]);
    EXPECT_EQ(ch.header.length, c.lengths[i]);
    EXPECT_EQ(ch.header.counter, 100 + i);
    // The chunk is a view of the payload at the right place.
    if (!ch.data.empty()) {
      EXPECT_EQ(ch.data.data(), data.data() + offset);
    }
    sebekd_format::Header rest = ch.header;
    rest.counter = base.counter;
    rest.length = base.length;
    EXPECT_EQ(rest, base);
    offset += ch.data.size();
  }
  EXPECT_EQ(offset, c.size);
}

INSTANTIATE_TEST_SUITE_P(Sizes, SplitLengths,
                         ::testing::Values(SplitCase{0, {0}}, SplitCase{1, {1}},
                                           SplitCase{1319, {1319}}, SplitCase{1320, {1320, 0}},
                                           SplitCase{1321, {1320, 1}},
                                           SplitCase{2640, {1320, 1320, 0}}),
                         [](const auto& info) { return "size" + std::to_string(info.param.size); });

TEST(Split, CounterWrapsAtTwoToTheThirtyTwo) {
  const Bytes data = payload(2640);
  std::uint32_t counter = 0xffffffffu;
  std::vector<std::uint32_t> seen;
  sebekd_format::split_like_sebek(sebekd_format::Header{}, data, counter,
                          [&](const sebekd_format::Chunk& c) { seen.push_back(c.header.counter); });
  EXPECT_EQ(seen, (std::vector<std::uint32_t>{0xffffffffu, 0u, 1u}));
  EXPECT_EQ(counter, 2u);
}

TEST(Split, CallbackAndVectorFormsAgree) {
  const Bytes data = payload(3000);
  std::uint32_t c1 = 7, c2 = 7;
  std::vector<sebekd_format::Chunk> from_callback;
  sebekd_format::split_like_sebek(sebekd_format::Header{}, data, c1,
                          [&](const sebekd_format::Chunk& c) { from_callback.push_back(c); });
  const auto from_vector = sebekd_format::split_like_sebek(sebekd_format::Header{}, data, c2);
  ASSERT_EQ(from_callback.size(), from_vector.size());
  EXPECT_EQ(c1, c2);
  for (std::size_t i = 0; i < from_vector.size(); ++i) {
    EXPECT_EQ(from_callback[i].header, from_vector[i].header);
    EXPECT_EQ(from_callback[i].data.data(), from_vector[i].data.data());
    EXPECT_EQ(from_callback[i].data.size(), from_vector[i].data.size());
  }
}

// The golden captures hold split payloads (x: cat's 1576-byte /etc/passwd
// read and write as 1320+256; edge: dd's 1320-byte write + its empty
// remainder). Re-splitting the joined data gives the same records.
TEST(Split, ReproducesTheSplitsOfTheGoldenCaptures) {
  int found = 0;
  for (const char* name : {"x", "edge"}) {
    const auto recs = xebek_test::load_golden(name);
    for (std::size_t i = 0; i + 1 < recs.size(); ++i) {
      const auto& first = recs[i].expected_header;
      if (first.length != sebekd_format::kMaxChunk) continue;
      SCOPED_TRACE(std::string(name) + " record " + std::to_string(i));
      const auto& second = recs[i + 1].expected_header;
      ASSERT_EQ(second.pid, first.pid);
      ASSERT_EQ(second.type, first.type);
      Bytes joined = recs[i].data;
      joined.insert(joined.end(), recs[i + 1].data.begin(), recs[i + 1].data.end());
      std::uint32_t counter = first.counter;
      const auto chunks = sebekd_format::split_like_sebek(first, joined, counter);
      ASSERT_EQ(chunks.size(), 2u);
      for (std::size_t k = 0; k < 2; ++k) {
        sebekd_format::Header want = recs[i + k].expected_header;
        // Each golden chunk carries its own time; the splitter keeps the base's.
        want.time_sec = first.time_sec;
        want.time_usec = first.time_usec;
        EXPECT_EQ(chunks[k].header, want);
        EXPECT_EQ(Bytes(chunks[k].data.begin(), chunks[k].data.end()), recs[i + k].data);
      }
      ++found;
    }
  }
  EXPECT_GE(found, 3);  // x: read and write of /etc/passwd; edge: dd
}

}  // namespace
