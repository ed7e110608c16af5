// The benchmark's and legacy harness's synthetic stream: whole records,
// counters increasing per honeypot without repeats, times never going back.
#include <gtest/gtest.h>

#include <map>

#include "sebekd_format/byte_order.hpp"
#include "support/run_process.hpp"
#include "support/stream_bytes.hpp"
#include "support/synth_stream.hpp"

namespace {

TEST(SynthStream, RepeatsWithIncreasingCountersAndTimes) {
  const std::string x = xebek_test::read_file(xebek_test::vectors_dir() + "/x.expected.sbk");
  const std::string edge = xebek_test::read_file(xebek_test::vectors_dir() + "/edge.expected.sbk");
  const std::size_t base = xebek_test::record_offsets(x).size() - 1 +
                           xebek_test::record_offsets(edge).size() - 1;
  const std::size_t n = base * 3 + 5;
  const std::string s = xebek_test::synth_stream({x, edge}, n);
  const auto at = xebek_test::record_offsets(s);
  ASSERT_EQ(at.back(), s.size());
  ASSERT_EQ(at.size() - 1, n);
  std::map<std::uint32_t, std::uint32_t> expected_counter;
  for (std::size_t i = 0; i < n; ++i) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data() + at[i]);
    const std::uint32_t ip = sebekd_format::load_be32(p + 8);
    EXPECT_EQ(sebekd_format::load_be32(p + 20), expected_counter[ip]++) << i;
    if (i >= base) {
      const auto* q = reinterpret_cast<const std::uint8_t*>(s.data() + at[i - base]);
      EXPECT_GT(sebekd_format::load_be32(p + 24), sebekd_format::load_be32(q + 24)) << i;
      // Everything but counter and times is the base record's.
      EXPECT_EQ(std::string(reinterpret_cast<const char*>(p) + 28, at[i + 1] - at[i] - 28),
                std::string(reinterpret_cast<const char*>(q) + 28, at[i + 1] - at[i] - 28));
    }
  }
}

}  // namespace
