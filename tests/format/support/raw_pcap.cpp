#include "raw_pcap.hpp"

#include <pcap/pcap.h>

#include <stdexcept>

namespace xebek_test {

std::vector<RawFrame> read_raw_pcap(const std::string& path) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  if (!p) throw std::runtime_error(err);
  std::vector<RawFrame> frames;
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  int rc;
  while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
    RawFrame f;
    f.number = frames.size() + 1;
    f.ts = h->ts;
    f.wire_len = h->len;
    f.bytes.assign(data, data + h->caplen);
    frames.push_back(std::move(f));
  }
  const std::string why = rc == PCAP_ERROR ? pcap_geterr(p) : "";
  pcap_close(p);
  if (rc == PCAP_ERROR) throw std::runtime_error(path + ": " + why);
  return frames;
}

void write_raw_pcap(const std::string& path, int linktype, const std::vector<Bytes>& frames) {
  pcap_t* dead = pcap_open_dead(linktype, 65535);
  pcap_dumper_t* d = pcap_dump_open(dead, path.c_str());
  if (!d) {
    pcap_close(dead);
    throw std::runtime_error("cannot write " + path);
  }
  long usec = 0;
  for (const Bytes& f : frames) {
    pcap_pkthdr h{};
    h.ts.tv_sec = 1700000000;
    h.ts.tv_usec = usec++;
    h.caplen = h.len = static_cast<bpf_u_int32>(f.size());
    pcap_dump(reinterpret_cast<u_char*>(d), &h, f.data());
  }
  pcap_dump_close(d);
  pcap_close(dead);
}

}  // namespace xebek_test
