#include "loss_accounting.hpp"

#include <gtest/gtest.h>

#include "harness.hpp"
#include "xebekd/native_log.hpp"

namespace harness {

void check_loss_accounting(const std::filesystem::path& dir, const xebekd::DomainStatus& st,
                           std::uint64_t total) {
  EXPECT_GT(st.write_failures, 0u) << "the disk never refused a batch";
  EXPECT_FALSE(st.disk_full) << "capture did not resume";
  const std::uint64_t lost = st.lost.count("ring_full") ? st.lost.at("ring_full") : 0;
  EXPECT_GT(lost, 0u) << "the ring should have overflowed while the disk was full";

  const auto recs = read_stream(slurp(dir / "sebek.sbk"));
  ASSERT_FALSE(recs.empty());
  std::uint64_t gaps = recs.front().rec.header.counter;
  for (std::size_t i = 1; i < recs.size(); ++i) {
    ASSERT_GT(recs[i].rec.header.counter, recs[i - 1].rec.header.counter);
    gaps += recs[i].rec.header.counter - recs[i - 1].rec.header.counter - 1;
  }
  EXPECT_EQ(gaps, lost) << "counter gaps differ from the reported losses";
  EXPECT_EQ(recs.size() + lost, total);

  const auto scan = xebekd::scan_native_log((dir / "native.xnl").string());
  EXPECT_EQ(scan.valid_end, scan.file_size) << "damaged native log";
  std::uint64_t native_lost = 0, native_reads = 0;
  for (const auto& e : scan.entries) {
    if (e.event.type == xebekd::EventType::Loss) native_lost += e.event.lost;
    if (e.event.type == xebekd::EventType::Read) ++native_reads;
  }
  EXPECT_EQ(native_lost, lost);
  EXPECT_EQ(native_reads, recs.size());
}

}  // namespace harness
