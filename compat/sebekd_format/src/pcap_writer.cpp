#include <pcap/pcap.h>

#include "sebekd_format/pcap_file.hpp"

namespace sebekd_format {

namespace {
// Sebek frames are at most 1418 bytes; the snaplen only has to hold them,
// 65535 is what captures of them normally carry.
constexpr int kSnaplen = 65535;
}  // namespace

PcapWriter::PcapWriter(const std::string& path, Mode mode) : path_(path) {
  dead_ = pcap_open_dead(DLT_EN10MB, kSnaplen);
  if (!dead_) throw PcapError(path + ": cannot create a pcap handle");
  dumper_ = mode == Mode::Append ? pcap_dump_open_append(dead_, path.c_str())
                                 : pcap_dump_open(dead_, path.c_str());
  if (!dumper_) {
    std::string why = pcap_geterr(dead_);
    pcap_close(dead_);
    dead_ = nullptr;
    throw PcapError(why.rfind(path, 0) == 0 ? why : path + ": " + why);
  }
}

PcapWriter::~PcapWriter() {
  if (dumper_) pcap_dump_close(dumper_);
  if (dead_) pcap_close(dead_);
}

void PcapWriter::write(const timeval& ts, std::span<const std::uint8_t> frame) {
  pcap_pkthdr h{};
  h.ts = ts;
  h.caplen = h.len = static_cast<bpf_u_int32>(frame.size());
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &h, frame.data());
}

void PcapWriter::write_record(const timeval& ts, const FrameParams& p, const Header& h,
                              std::span<const std::uint8_t> data) {
  build_frame(p, h, data, frame_);
  write(ts, frame_);
}

void PcapWriter::flush() {
  if (pcap_dump_flush(dumper_) != 0) throw PcapError(path_ + ": write failed");
}

}  // namespace sebekd_format
