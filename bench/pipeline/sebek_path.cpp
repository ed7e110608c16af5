// The Sebek path as Sebek runs it: one UDP datagram per record (a Sebek
// header and the data) sent over loopback, captured with libpcap with
// sbk_extract's filter, checked with sbk_extract's rules and written as the
// sbk_extract stream. Also memcpy of the same bytes, the ceiling.
#include <pcap/pcap.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

#include "figures.hpp"
#include "sebekd_format/header.hpp"
#include "sebekd_format/pcap_file.hpp"
#include "sebekd_format/stream.hpp"

namespace bench {
namespace {

constexpr std::uint16_t kPort = 11101;  // not 1101: keep clear of a real sensor

double cpu_now() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

Figures run_sebek_path(std::uint64_t records, std::size_t size, const std::string& out) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_live("lo", 65535, 0, 10, err);
  if (!p) throw std::runtime_error(std::string("pcap_open_live(lo): ") + err + " (needs CAP_NET_RAW)");
  bpf_program prog{};
  const std::string filter = "udp dst port " + std::to_string(kPort);
  if (pcap_compile(p, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0 || pcap_setfilter(p, &prog) != 0)
    throw std::runtime_error(std::string("pcap filter: ") + pcap_geterr(p));
  pcap_freecode(&prog);
  // Non-blocking and polled: on Linux a blocking read may never return
  // once the packets stop (the timeout starts with the first packet).
  if (pcap_setnonblock(p, 1, err) != 0) throw std::runtime_error(std::string("pcap_setnonblock: ") + err);
  const int pfd = pcap_get_selectable_fd(p);
  FILE* stream = std::fopen(out.c_str(), "wb");
  if (!stream) throw std::runtime_error("cannot write " + out);

  struct Ctx {
    FILE* stream;
    std::uint64_t captured = 0;
    double bytes = 0;
  } ctx{stream};
  std::atomic<bool> sending_done{false};
  const double cpu0 = cpu_now();
  const auto t0 = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_packet = t0;

  std::thread sender([&] {
    const int s = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(kPort);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::vector<std::uint8_t> dgram(sebekd_format::kHeaderSize + size, 'k');
    sebekd_format::Header h;
    h.type = 0;
    h.pid = 4000;
    h.comm = sebekd_format::make_comm("simload");
    h.length = static_cast<std::uint32_t>(size);
    for (std::uint64_t i = 0; i < records; ++i) {
      h.counter = static_cast<std::uint32_t>(i);
      sebekd_format::encode_header(h, std::span<std::uint8_t, sebekd_format::kHeaderSize>(dgram.data(), sebekd_format::kHeaderSize));
      ::sendto(s, dgram.data(), dgram.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    }
    ::close(s);
    sending_done = true;
  });

  auto handler = [](u_char* user, const pcap_pkthdr* ph, const u_char* bytes) {
    auto* c = reinterpret_cast<Ctx*>(user);
    const auto info = sebekd_format::classify_frame({bytes, ph->caplen}, kPort);
    if (info.verdict != sebekd_format::FrameVerdict::Accepted) return;
    sebekd_format::StreamRecord r;
    r.pcap_sec = static_cast<std::uint32_t>(ph->ts.tv_sec);
    r.pcap_usec = static_cast<std::uint32_t>(ph->ts.tv_usec);
    r.src_ip = info.src_ip;
    r.header = info.header;
    std::uint8_t prefix[sebekd_format::kStreamRecordHeaderSize];
    sebekd_format::encode_stream_prefix(r, std::span<std::uint8_t, sebekd_format::kStreamRecordHeaderSize>(prefix, sizeof prefix));
    std::fwrite(prefix, 1, sizeof prefix, c->stream);
    std::fwrite(info.data.data(), 1, info.data.size(), c->stream);
    ++c->captured;
    c->bytes += double(info.data.size());
  };
  for (;;) {
    pollfd pf{pfd, POLLIN, 0};
    ::poll(&pf, 1, 20);
    const int n = pcap_dispatch(p, -1, handler, reinterpret_cast<u_char*>(&ctx));
    const auto now = std::chrono::steady_clock::now();
    if (n > 0) last_packet = now;
    if (n < 0) break;
    // Done once the sender finished and nothing arrived for 300 ms.
    if (sending_done && now - last_packet > std::chrono::milliseconds(300)) break;
  }
  sender.join();
  std::fclose(stream);
  pcap_close(p);
  Figures f;
  f.records = ctx.captured;
  f.lost = records - ctx.captured;
  f.seconds = std::chrono::duration<double>(last_packet - t0).count();
  f.payload_bytes = ctx.bytes;
  f.cpu_seconds = cpu_now() - cpu0;
  std::remove(out.c_str());
  return f;
}

Figures run_memcpy(std::uint64_t records, std::size_t size) {
  const std::size_t total = records * (sebekd_format::kStreamRecordHeaderSize + size);
  constexpr std::size_t kBlock = 1 << 20;
  std::vector<std::uint8_t> src(kBlock, 'k');
  std::vector<std::uint8_t> dst(64u << 20);  // beyond the caches, like a log
  const double cpu0 = cpu_now();
  const auto t0 = std::chrono::steady_clock::now();
  std::size_t done = 0, off = 0;
  while (done < total) {
    const std::size_t n = std::min(kBlock, total - done);
    if (off + n > dst.size()) off = 0;
    std::memcpy(dst.data() + off, src.data(), n);
    off += n;
    done += n;
  }
  Figures f;
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  f.cpu_seconds = cpu_now() - cpu0;
  f.records = records;
  f.payload_bytes = double(records) * double(size);
  // Keep the copy from being optimised away.
  if (dst[off ? off - 1 : 0] != 'k') std::printf("?");
  return f;
}

}  // namespace bench
