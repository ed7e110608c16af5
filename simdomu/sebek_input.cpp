#include "sebek_input.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

#include "sebekd_format/pcap_file.hpp"
#include "sebekd_format/stream.hpp"

namespace simdomu {
namespace {

bool looks_like_pcap(const std::vector<std::uint8_t>& b) {
  if (b.size() < 4) return false;
  const std::uint32_t m = std::uint32_t(b[0]) | std::uint32_t(b[1]) << 8 |
                          std::uint32_t(b[2]) << 16 | std::uint32_t(b[3]) << 24;
  return m == 0xa1b2c3d4 || m == 0xd4c3b2a1 || m == 0xa1b23c4d || m == 0x4d3cb2a1 ||
         m == 0x0a0d0d0a;  // pcapng, which libpcap also reads
}

}  // namespace

std::vector<SebekInput> read_sebek_input(const std::string& path, std::uint16_t port,
                                         InputSummary& summary) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open replay input " + path);
  std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::vector<SebekInput> out;
  if (looks_like_pcap(bytes)) {
    try {
      auto reader = sebekd_format::PcapReader::open_file(path, port);
      reader.run([&](const timeval&, std::uint32_t, const sebekd_format::FrameInfo& f) {
        ++summary.frames;
        if (f.verdict != sebekd_format::FrameVerdict::Accepted) {
          ++summary.rejected;
          return;
        }
        out.push_back({f.src_ip, f.header, {f.data.begin(), f.data.end()}});
      });
    } catch (const sebekd_format::PcapError& e) {
      throw std::runtime_error("replay input " + path + ": " + e.what());
    }
    return out;
  }
  sebekd_format::StreamDecoder d;
  d.feed(bytes);
  sebekd_format::StreamRecord r;
  for (;;) {
    const auto st = d.next(r);
    if (st == sebekd_format::StreamDecoder::Status::Record) {
      ++summary.frames;
      out.push_back({r.src_ip, r.header, {r.data.begin(), r.data.end()}});
      continue;
    }
    if (st == sebekd_format::StreamDecoder::Status::Error || d.finish() == sebekd_format::StreamDecoder::Status::Error)
      throw std::runtime_error("replay input " + path + " is neither a pcap nor a Sebek stream: " +
                               d.error().message());
    break;
  }
  return out;
}

}  // namespace simdomu
