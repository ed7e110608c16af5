// Writes a large pcap of Sebek traffic for the differential test of
// xebek-extract against the original sbk_extract: many honeypots
// interleaved (more than the original's 128 tracked agents), payloads split
// the way the client splits them, every record type, and a few frames of
// the kinds sbk_extract rejects or skips (other version, wrong length,
// other port, not UDP, cut short).
//   sebek-pcap-synth OUT.pcap HOSTS PAYLOADS SEED
// The same arguments always give the same file.
#include <sys/time.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "sebekd_format/frame.hpp"
#include "sebekd_format/header.hpp"
#include "sebekd_format/pcap_file.hpp"
#include "sebekd_format/split.hpp"

namespace {

using sebekd_format::Header;

struct Honeypot {
  std::uint32_t ip = 0;
  std::uint32_t counter = 0;
};

// Mostly keystrokes and short reads, some long writes that become several
// records (1320-byte chunks and the remainder, also zero-length).
std::size_t payload_size(std::mt19937& rng) {
  const unsigned kind = rng() % 100;
  if (kind < 55) return 1 + rng() % 16;
  if (kind < 88) return rng() % 1320;
  if (kind < 92) return sebekd_format::kMaxChunk * (1 + rng() % 4);  // remainder of 0
  return 1320 + rng() % 8000;
}

Header random_header(std::mt19937& rng, std::uint32_t sec, std::uint32_t usec) {
  static const char* const comms[] = {"bash", "sh", "sshd", "sudo", "wget", "perl", "python3", "a-very-long-command"};
  Header h;
  h.type = static_cast<std::uint16_t>(rng() % 4);
  h.time_sec = sec;
  h.time_usec = usec;
  h.ppid = 1 + rng() % 4000;
  h.pid = 1 + rng() % 32000;
  h.uid = (rng() % 3 == 0) ? 0 : 1000 + rng() % 5;
  h.fd = rng() % 8;
  h.inode = rng();
  h.comm = sebekd_format::make_comm(comms[rng() % std::size(comms)]);
  return h;
}

// One frame the original rejects or skips, made from a valid one by
// changing the byte that decides (offsets of gen_pkt()'s fixed layout).
void spoil(std::vector<std::uint8_t>& frame, std::mt19937& rng) {
  switch (rng() % 5) {
    case 0: frame[47] = 2; break;                       // Sebek version 2
    case 1: frame[97] ^= 1; break;                      // length field off by one
    case 2: frame[37] ^= 1; break;                      // UDP dst port 1100
    case 3: frame[23] = 6; break;                       // TCP, not UDP
    case 4: frame.resize(60 + rng() % 38); break;       // shorter than a header
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: sebek-pcap-synth OUT.pcap HOSTS PAYLOADS SEED\n");
    return 2;
  }
  const unsigned hosts = static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10));
  const unsigned long payloads = std::strtoul(argv[3], nullptr, 10);
  std::mt19937 rng(static_cast<std::uint32_t>(std::strtoul(argv[4], nullptr, 10)));
  if (hosts == 0 || hosts > 65000) {
    std::fprintf(stderr, "sebek-pcap-synth: HOSTS must be 1-65000\n");
    return 2;
  }
  std::vector<Honeypot> pots(hosts);
  for (unsigned i = 0; i < hosts; ++i) pots[i].ip = 0x0a000000u | ((i / 250 + 1) << 8) | (i % 250 + 1);

  sebekd_format::PcapWriter out(argv[1]);
  sebekd_format::FrameParams fp;
  std::vector<std::uint8_t> data, frame;
  timeval ts{1700000000, 0};
  for (unsigned long n = 0; n < payloads; ++n) {
    Honeypot& pot = pots[rng() % hosts];
    fp.src_ip = pot.ip;
    ts.tv_usec += 1 + rng() % 20000;
    if (ts.tv_usec >= 1000000) { ts.tv_sec += 1; ts.tv_usec -= 1000000; }
    data.resize(payload_size(rng));
    for (auto& b : data) b = static_cast<std::uint8_t>(rng() % 3 ? 0x20 + rng() % 0x5f : rng());
    const Header base = random_header(rng, static_cast<std::uint32_t>(ts.tv_sec) - 3,
                                      static_cast<std::uint32_t>(ts.tv_usec));
    sebekd_format::split_like_sebek(base, data, pot.counter, [&](const sebekd_format::Chunk& c) {
      sebekd_format::build_frame(fp, c.header, c.data, frame);
      if (rng() % 100 == 0) spoil(frame, rng);
      out.write(ts, frame);
    });
  }
  out.flush();
  return 0;
}
