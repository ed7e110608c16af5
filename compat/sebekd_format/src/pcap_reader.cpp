#include <pcap/pcap.h>

#include "sebekd_format/byte_order.hpp"
#include "sebekd_format/pcap_file.hpp"

namespace sebekd_format {

FrameInfo classify_frame(std::span<const std::uint8_t> pkt, std::uint16_t port) {
  // The checks of sbk_extract's handler(), in its order. It reads the IP
  // and UDP headers at fixed offsets (IHL 5 assumed, no VLAN tag).
  FrameInfo info;
  if (pkt.size() < kFrameHeaderSize) {
    info.verdict = FrameVerdict::TooShort;
    return info;
  }
  const std::uint8_t* p = pkt.data();
  if (load_be16(p + 12) != 0x0800) {
    info.verdict = FrameVerdict::NotIpv4;
    return info;
  }
  info.src_ip = load_be32(p + 26);
  if (p[23] != 17) {
    info.verdict = FrameVerdict::NotUdp;
    return info;
  }
  if (load_be16(p + 36) != port) {
    info.verdict = FrameVerdict::WrongPort;
    return info;
  }
  const std::uint8_t* sbk = p + kEthernetHeaderSize + kIpHeaderSize + kUdpHeaderSize;
  info.version = load_be16(sbk + 4);
  if (info.version != kVersion) {
    info.verdict = FrameVerdict::BadVersion;
    return info;
  }
  info.data_length = load_be32(sbk + 52);
  // 64-bit sum: a hostile length near 2^32 must not wrap into a match.
  if (std::uint64_t{info.data_length} + kFrameHeaderSize != pkt.size()) {
    info.verdict = FrameVerdict::LengthMismatch;
    return info;
  }
  info.verdict = FrameVerdict::Accepted;
  info.header_bytes = pkt.subspan(kFrameHeaderSize - kHeaderSize, kHeaderSize);
  info.header = decode_header(info.header_bytes.first<kHeaderSize>());
  info.data = pkt.subspan(kFrameHeaderSize);
  return info;
}

namespace {

void apply_filter(pcap_t* p, std::uint16_t port, const std::string& what) {
  // sbk_extract's own filter; libpcap evaluates it on every frame, which
  // decides what sbk_extract never sees (802.1Q tagged, fragments, ...).
  const std::string expr = "udp dst port " + std::to_string(port);
  bpf_program prog{};
  if (pcap_compile(p, &prog, expr.c_str(), 1, PCAP_NETMASK_UNKNOWN) < 0)
    throw PcapError(what + ": cannot compile filter '" + expr + "': " + pcap_geterr(p));
  const int rc = pcap_setfilter(p, &prog);
  pcap_freecode(&prog);
  if (rc < 0) throw PcapError(what + ": cannot set filter: " + pcap_geterr(p));
}

}  // namespace

PcapReader::PcapReader(pcap* p, std::uint16_t port, std::string source)
    : pcap_(p), source_(std::move(source)), port_(port) {}

PcapReader::PcapReader(PcapReader&& o) noexcept
    : pcap_(o.pcap_), source_(std::move(o.source_)), port_(o.port_), stats_(o.stats_) {
  o.pcap_ = nullptr;
}

PcapReader::~PcapReader() {
  if (pcap_) pcap_close(pcap_);
}

PcapReader PcapReader::open_file(const std::string& path, std::uint16_t port) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  if (!p) {
    std::string why = err;
    // libpcap says "unknown file format" for anything that is not a pcap.
    if (why.rfind(path, 0) != 0) why = path + ": " + why;
    throw PcapError(why);
  }
  PcapReader r(p, port, path);
  const int dlt = pcap_datalink(p);
  if (dlt != DLT_EN10MB) {
    const char* name = pcap_datalink_val_to_name(dlt);
    throw PcapError(path + ": link type " + (name ? name : std::to_string(dlt)) +
                    " is not Ethernet; Sebek frames are Ethernet");
  }
  apply_filter(p, port, path);
  return r;
}

PcapReader PcapReader::open_live(const std::string& device, std::uint16_t port) {
  char err[PCAP_ERRBUF_SIZE] = {};
  // sbk_extract's settings: full snaplen, promiscuous, 1 s timeout.
  pcap_t* p = pcap_open_live(device.c_str(), 65535, 1, 1000, err);
  if (!p) throw PcapError(device + ": " + err);
  PcapReader r(p, port, device);
  if (pcap_datalink(p) != DLT_EN10MB)
    throw PcapError(device + ": not an Ethernet device");
  apply_filter(p, port, device);
  return r;
}

void PcapReader::run(const Handler& handler) {
  struct Ctx {
    PcapReader* self;
    const Handler* handler;
  } ctx{this, &handler};
  auto cb = [](u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
    auto* c = reinterpret_cast<Ctx*>(user);
    PcapStats& s = c->self->stats_;
    ++s.frames;
    const FrameInfo info = classify_frame(std::span<const std::uint8_t>(bytes, h->caplen),
                                          c->self->port_);
    switch (info.verdict) {
      case FrameVerdict::Accepted: ++s.accepted; break;
      case FrameVerdict::BadVersion: ++s.bad_version; break;
      case FrameVerdict::LengthMismatch: ++s.malformed; break;
      default: ++s.skipped; break;
    }
    (*c->handler)(h->ts, h->caplen, info);
  };
  const int rc = pcap_loop(pcap_, -1, cb, reinterpret_cast<u_char*>(&ctx));
  if (rc == PCAP_ERROR) throw PcapError(source_ + ": " + pcap_geterr(pcap_));
}

}  // namespace sebekd_format
