#include "synthetic_stream.hpp"

#include <fstream>
#include <span>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "sebekd_format/stream.hpp"

namespace upload_test {

namespace {

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string synthetic_stream(const std::filesystem::path& vectors, std::size_t records,
                             std::uint32_t pid_offset) {
  const std::string base = file_bytes(vectors / "x.expected.sbk") +
                           file_bytes(vectors / "edge.expected.sbk");
  // Fed once and kept alive: the records' data spans point into it.
  sebekd_format::StreamDecoder decoder;
  decoder.feed(std::span(reinterpret_cast<const std::uint8_t*>(base.data()), base.size()));
  std::vector<sebekd_format::StreamRecord> originals;
  sebekd_format::StreamRecord r;
  while (decoder.next(r) == sebekd_format::StreamDecoder::Status::Record) originals.push_back(r);
  if (originals.empty()) throw std::runtime_error("no records in the vectors");

  // Repetition k: counters up by 1000k (per host monotonic), times up by a
  // minute each, pids moved so that every repetition has new processes
  // (and pids come back after 64 rounds, as on a long-running host).
  std::string out;
  std::vector<std::uint8_t> buf;
  for (std::size_t i = 0; i < records; ++i) {
    const std::size_t rep = i / originals.size();
    sebekd_format::StreamRecord rec = originals[i % originals.size()];
    const auto shift_pid = [&](std::uint32_t pid) {
      return pid == 0 ? 0 : pid + pid_offset + static_cast<std::uint32_t>(rep % 64) * 4096;
    };
    rec.header.counter += static_cast<std::uint32_t>(rep * 1000);
    rec.header.time_sec += static_cast<std::uint32_t>(rep * 60);
    rec.pcap_sec += static_cast<std::uint32_t>(rep * 60);
    rec.header.pid = shift_pid(rec.header.pid);
    rec.header.ppid = shift_pid(rec.header.ppid);
    buf.clear();
    sebekd_format::append_stream_record(buf, rec);
    out.append(reinterpret_cast<const char*>(buf.data()), buf.size());
  }
  return out;
}

}  // namespace upload_test
