#include "golden_records.hpp"

#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace xebek_test {

namespace {

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

std::uint32_t number(const std::string& text) {
  return static_cast<std::uint32_t>(std::stoul(text, nullptr, 0));
}

// "10.0.0.5:80<-10.0.0.23:40000 call=3 proto=6"
sebekd_format::SocketBody parse_sock(const std::string& text) {
  unsigned d[4], s[4], dport, sport, call, proto;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u:%u<-%u.%u.%u.%u:%u call=%u proto=%u", &d[0], &d[1],
                  &d[2], &d[3], &dport, &s[0], &s[1], &s[2], &s[3], &sport, &call, &proto) != 12)
    throw std::runtime_error("unreadable sock column: " + text);
  auto ip = [](const unsigned* q) { return (q[0] << 24) | (q[1] << 16) | (q[2] << 8) | q[3]; };
  return sebekd_format::SocketBody{ip(d), static_cast<std::uint16_t>(dport), ip(s),
                           static_cast<std::uint16_t>(sport), static_cast<std::uint16_t>(call),
                           static_cast<std::uint8_t>(proto)};
}

}  // namespace

std::uint32_t dotted_quad(const std::string& text) {
  unsigned q[4];
  char extra;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u%c", &q[0], &q[1], &q[2], &q[3], &extra) != 4)
    throw std::runtime_error("not a dotted quad: " + text);
  return (q[0] << 24) | (q[1] << 16) | (q[2] << 8) | q[3];
}

std::vector<GoldenRecord> load_golden(const std::string& name) {
  const std::string dir = vectors_dir();
  const Bytes stream = read_bytes(dir + "/" + name + ".expected.sbk");
  const Tsv table = read_tsv(dir + "/oracle_" + name + "/records.tsv");

  std::vector<GoldenRecord> out;
  std::size_t off = 0;
  while (off < stream.size()) {
    if (stream.size() - off < 68) throw std::runtime_error(name + ": stream ends inside a prefix");
    const std::uint32_t len = be32(&stream[off + 64]);
    if (stream.size() - off - 68 < len) throw std::runtime_error(name + ": stream ends inside data");
    const std::size_t i = out.size();
    if (i >= table.rows.size()) throw std::runtime_error(name + ": more records than records.tsv rows");
    GoldenRecord r;
    r.index = i;
    r.offset = off;
    r.record_bytes.assign(stream.begin() + off, stream.begin() + off + 68 + len);
    r.header_bytes.assign(stream.begin() + off + 12, stream.begin() + off + 68);
    r.data.assign(stream.begin() + off + 68, stream.begin() + off + 68 + len);

    r.pcap_sec = number(table.at(i, "pcap_sec"));
    r.pcap_usec = number(table.at(i, "pcap_usec"));
    r.src_ip = dotted_quad(table.at(i, "src_ip"));
    sebekd_format::Header& h = r.expected_header;
    h.magic = number(table.at(i, "magic"));
    h.version = static_cast<std::uint16_t>(number(table.at(i, "ver")));
    h.type = static_cast<std::uint16_t>(number(table.at(i, "type")));
    h.counter = number(table.at(i, "counter"));
    h.time_sec = number(table.at(i, "time_sec"));
    h.time_usec = number(table.at(i, "time_usec"));
    h.ppid = number(table.at(i, "ppid"));
    h.pid = number(table.at(i, "pid"));
    h.uid = number(table.at(i, "uid"));
    h.fd = number(table.at(i, "fd"));
    h.inode = number(table.at(i, "inode"));
    const Bytes comm = from_hex(table.at(i, "com_hex"));
    if (comm.size() != h.comm.size()) throw std::runtime_error("com_hex is not 12 bytes");
    std::memcpy(h.comm.data(), comm.data(), comm.size());
    h.length = number(table.at(i, "len"));
    const std::string sock = table.at(i, table.columns[18]);
    if (!sock.empty()) r.socket = parse_sock(sock);

    if (from_hex(table.at(i, "data_hex")) != r.data)
      throw std::runtime_error(name + ": data_hex of row " + std::to_string(i) + " differs from the stream");
    if (h.length != len) throw std::runtime_error(name + ": len of row " + std::to_string(i) + " differs");
    out.push_back(std::move(r));
    off += 68 + len;
  }
  if (out.size() != table.rows.size()) throw std::runtime_error(name + ": fewer records than rows");
  return out;
}

}  // namespace xebek_test
