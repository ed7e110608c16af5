#include "synth_stream.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "sebekd_format/byte_order.hpp"
#include "run_process.hpp"
#include "stream_bytes.hpp"

namespace xebek_test {

namespace {

struct Span {
  const std::uint8_t* p;
  std::size_t size;
};

// Offsets inside a stream record: the 12-byte prefix, then the header.
constexpr std::size_t kPcapSec = 0, kSrcIp = 8, kCounter = 12 + 8, kTimeSec = 12 + 12;

}  // namespace

std::string synth_stream(const std::vector<std::string>& base_streams, std::size_t records) {
  std::vector<Span> base;
  std::uint32_t first = ~0u, last = 0;
  for (const std::string& s : base_streams) {
    const auto at = record_offsets(s);
    if (at.back() != s.size()) throw std::runtime_error("base stream is not whole records");
    for (std::size_t i = 0; i + 1 < at.size(); ++i) {
      const auto* p = reinterpret_cast<const std::uint8_t*>(s.data() + at[i]);
      base.push_back({p, at[i + 1] - at[i]});
      const std::uint32_t t = sebekd_format::load_be32(p + kTimeSec);
      first = std::min(first, t);
      last = std::max(last, t);
    }
  }
  if (base.empty()) throw std::runtime_error("no base records");
  const std::uint32_t period = last - first + 1;
  std::map<std::uint32_t, std::uint32_t> next_counter;  // per honeypot address
  std::string out;
  std::size_t total_bytes = 0;
  for (const Span& b : base) total_bytes += b.size;
  out.reserve(total_bytes * (records / base.size() + 1));
  for (std::size_t n = 0; n < records; ++n) {
    const Span& b = base[n % base.size()];
    const auto shift = static_cast<std::uint32_t>(n / base.size()) * period;
    const std::size_t at = out.size();
    out.append(reinterpret_cast<const char*>(b.p), b.size);
    auto* p = reinterpret_cast<std::uint8_t*>(out.data() + at);
    sebekd_format::store_le32(p + kPcapSec, sebekd_format::load_le32(p + kPcapSec) + shift);
    sebekd_format::store_be32(p + kTimeSec, sebekd_format::load_be32(p + kTimeSec) + shift);
    sebekd_format::store_be32(p + kCounter, next_counter[sebekd_format::load_be32(p + kSrcIp)]++);
  }
  return out;
}

std::string synth_golden_stream(const std::string& vectors_dir, std::size_t records) {
  return synth_stream(
      {read_file(vectors_dir + "/x.expected.sbk"), read_file(vectors_dir + "/edge.expected.sbk")},
      records);
}

}  // namespace xebek_test
