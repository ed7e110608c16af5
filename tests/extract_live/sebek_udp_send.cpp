// Sends Sebek v3 records as UDP datagrams, one per record, the way the
// Sebek client puts them on the wire, so that a live xebek-extract can be
// tested on the loopback interface.
//   sebek-udp-send PORT COUNT EXPECTED_STREAM_OUT
// Writes to EXPECTED_STREAM_OUT what sbk_extract must print for them,
// except the pcap time, which only the capture knows (left zero).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "sebekd_format/header.hpp"
#include "sebekd_format/stream.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: sebek-udp-send PORT COUNT EXPECTED_STREAM_OUT\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int count = std::atoi(argv[2]);
  const int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0) {
    std::perror("socket");
    return 1;
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::vector<std::uint8_t> expected;
  for (int i = 0; i < count; ++i) {
    sebekd_format::Header h;
    h.type = 0;
    h.counter = static_cast<std::uint32_t>(i);
    h.time_sec = 1700000000u + static_cast<std::uint32_t>(i);
    h.pid = 4242;
    h.ppid = 1;
    h.fd = 0;
    h.inode = 3;
    h.comm = sebekd_format::make_comm("bash");
    std::string data(static_cast<std::size_t>(i % 7), static_cast<char>('a' + i % 26));
    h.length = static_cast<std::uint32_t>(data.size());
    std::vector<std::uint8_t> dgram(sebekd_format::kHeaderSize + data.size());
    sebekd_format::encode_header(h, std::span<std::uint8_t, sebekd_format::kHeaderSize>(dgram.data(),
                                                                         sebekd_format::kHeaderSize));
    std::copy(data.begin(), data.end(), dgram.begin() + sebekd_format::kHeaderSize);
    if (sendto(s, dgram.data(), dgram.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) !=
        static_cast<ssize_t>(dgram.size())) {
      std::perror("sendto");
      return 1;
    }
    sebekd_format::StreamRecord r;
    r.src_ip = INADDR_LOOPBACK;
    r.header = h;
    r.data = std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(data.data()),
                                           data.size());
    sebekd_format::append_stream_record(expected, r);
    usleep(1000);
  }
  close(s);
  std::ofstream(argv[3], std::ios::binary)
      .write(reinterpret_cast<const char*>(expected.data()),
             static_cast<std::streamsize>(expected.size()));
  return 0;
}
