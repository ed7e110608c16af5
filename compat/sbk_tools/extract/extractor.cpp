#include "extractor.hpp"

#include <array>

#include "sebekd_format/stream.hpp"

namespace sbk_tools::extract {

namespace {

void write_all(std::FILE* f, const void* p, std::size_t n) {
  if (n && std::fwrite(p, 1, n, f) != n) throw sebekd_format::PcapError("cannot write the stream to stdout");
}

}  // namespace

void extract(sebekd_format::PcapReader& reader, const Outputs& out, sebekd_format::LossTracker& losses) {
  auto on_frame = [&](const timeval& ts, std::uint32_t caplen, const sebekd_format::FrameInfo& f) {
    switch (f.verdict) {
      case sebekd_format::FrameVerdict::Accepted: {
        // The prefix is the pcap time (low 32 bits, little-endian as on the
        // x86 machines sbk_extract ran on), the IP source, then the header
        // and data exactly as they were on the wire.
        std::array<std::uint8_t, sebekd_format::kStreamRecordHeaderSize> prefix{};
        sebekd_format::StreamRecord r;
        r.pcap_sec = static_cast<std::uint32_t>(ts.tv_sec);
        r.pcap_usec = static_cast<std::uint32_t>(ts.tv_usec);
        r.src_ip = f.src_ip;
        r.header = f.header;
        sebekd_format::encode_stream_prefix(r, prefix);
        write_all(out.stream, prefix.data(), sebekd_format::kStreamPrefixSize);
        write_all(out.stream, f.header_bytes.data(), f.header_bytes.size());
        write_all(out.stream, f.data.data(), f.data.size());
        if (out.flush_each_record) std::fflush(out.stream);
        const std::string line = losses.track(f.src_ip, f.header.counter);
        if (!line.empty()) std::fputs(line.c_str(), out.messages);
        break;
      }
      case sebekd_format::FrameVerdict::BadVersion:
        std::fprintf(out.messages, "Unexpected Sebek PDU version: %u \n", unsigned{f.version});
        break;
      case sebekd_format::FrameVerdict::LengthMismatch:
        std::fprintf(out.messages, "malformed sebek record: data length=%u  packet caplen=%u\n",
                     f.data_length, caplen);
        break;
      default:
        break;  // sbk_extract skips these silently
    }
  };
  try {
    reader.run(on_frame);
  } catch (...) {
    std::fflush(out.stream);
    throw;
  }
  if (std::fflush(out.stream) != 0) throw sebekd_format::PcapError("cannot write the stream to stdout");
}

}  // namespace sbk_tools::extract
