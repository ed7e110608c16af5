#include "loss_accounting.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "harness.hpp"
#include "xebekd/native_log.hpp"
#include "sebekd_format/header.hpp"

namespace harness {
namespace {

// A log and its rotated generations, oldest first: name.000001.ext, ...,
// then name.ext.
std::vector<std::uint8_t> all_generations(const std::filesystem::path& dir, const std::string& name,
                                          const std::string& ext) {
  std::vector<std::filesystem::path> files;
  for (const auto& de : std::filesystem::directory_iterator(dir)) {
    const std::string f = de.path().filename().string();
    if (f.size() == name.size() + 8 + ext.size() && f.starts_with(name + ".") && f.ends_with("." + ext))
      files.push_back(de.path());
  }
  std::sort(files.begin(), files.end());
  files.push_back(dir / (name + "." + ext));
  std::vector<std::uint8_t> out;
  for (const auto& f : files) {
    const auto b = slurp(f);
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}

}  // namespace

void check_loss_accounting(const std::filesystem::path& dir, const xebekd::DomainStatus& st,
                           std::uint64_t total) {
  EXPECT_GT(st.write_failures, 0u) << "the disk never refused a batch";
  EXPECT_FALSE(st.disk_full) << "capture did not resume";
  const std::uint64_t lost = st.lost.count("ring_full") ? st.lost.at("ring_full") : 0;
  EXPECT_GT(lost, 0u) << "the ring should have overflowed while the disk was full";

  const auto recs = read_stream(all_generations(dir, "sebek", "sbk"));
  ASSERT_FALSE(recs.empty());
  std::uint64_t gaps = recs.front().rec.header.counter;
  for (std::size_t i = 1; i < recs.size(); ++i) {
    ASSERT_GT(recs[i].rec.header.counter, recs[i - 1].rec.header.counter);
    gaps += recs[i].rec.header.counter - recs[i - 1].rec.header.counter - 1;
  }
  EXPECT_EQ(gaps, lost) << "counter gaps differ from the reported losses";
  EXPECT_EQ(recs.size() + lost, total);

  std::vector<xebekd::NativeEntry> entries;
  for (const auto& de : std::filesystem::directory_iterator(dir)) {
    const std::string f = de.path().filename().string();
    if (!f.starts_with("native.") || !f.ends_with(".xnl")) continue;
    auto scan = xebekd::scan_native_log(de.path().string());
    EXPECT_EQ(scan.valid_end, scan.file_size) << "damaged native log " << f;
    for (auto& e : scan.entries) entries.push_back(e);
  }
  std::uint64_t native_lost = 0, native_reads = 0;
  for (const auto& e : entries) {
    if (e.event.type == xebekd::EventType::Loss) native_lost += e.event.lost;
    if (e.event.type == xebekd::EventType::Read) ++native_reads;
  }
  EXPECT_EQ(native_lost, lost);
  EXPECT_EQ(native_reads, recs.size());
}

// Every synthetic record of a domain, once, in order, with dense counters.
void check_synthetic(const fs::path& dir, std::uint32_t id, std::uint64_t n, std::size_t size) {
  const auto recs = read_stream(slurp(dir / "sebek.sbk"));
  const std::size_t per = size < 1320 ? 1 : size / 1320 + 1;
  ASSERT_EQ(recs.size(), n * per) << dir;
  std::string payload;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const auto& h = recs[i].rec.header;
    ASSERT_EQ(h.counter, i) << dir;
    ASSERT_EQ(h.pid, 4000 + id) << dir;
    ASSERT_EQ(sebekd_format::comm_name(h.comm), "simload");
    payload.append(recs[i].bytes.begin() + 68, recs[i].bytes.end());
    if (i % per == per - 1) {
      ASSERT_EQ(payload.size(), size);
      for (std::size_t k = 0; k < size; ++k) ASSERT_EQ(payload[k], char('a' + k % 26)) << dir << " byte " << k;
      payload.clear();
    }
  }
  const auto scan = xebekd::scan_native_log((dir / "native.xnl").string());
  ASSERT_EQ(scan.entries.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(scan.entries[i].event.seq, i);
    ASSERT_EQ(scan.entries[i].meta.domid, id);
    ASSERT_EQ(scan.entries[i].event.data.size(), size);
  }
}


}  // namespace harness
