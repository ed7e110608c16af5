// Sebek frames in pcap files, through libpcap: a writer (Ethernet link
// type) and a reader that applies sbk_extract's acceptance rules exactly.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <sys/time.h>

#include "sebekd_format/frame.hpp"
#include "sebekd_format/header.hpp"

struct pcap;
struct pcap_dumper;

namespace sebekd_format {

// Every libpcap failure (open, format, truncation, link type) becomes one.
class PcapError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PcapWriter {
 public:
  enum class Mode { Truncate, Append };
  // Opens `path` for Ethernet frames; Append continues an existing pcap
  // file (or starts a new one) so a restarted writer loses nothing.
  PcapWriter(const std::string& path, Mode mode = Mode::Truncate);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  void write(const timeval& ts, std::span<const std::uint8_t> frame);
  // Builds the Sebek frame and writes it.
  void write_record(const timeval& ts, const FrameParams& p, const Header& h,
                    std::span<const std::uint8_t> data);
  void flush();

 private:
  pcap* dead_ = nullptr;
  pcap_dumper* dumper_ = nullptr;
  std::vector<std::uint8_t> frame_;
  std::string path_;
};

// What the reader found in one frame that passed the BPF filter.
enum class FrameVerdict {
  Accepted,        // a Sebek v3 record: stream it
  TooShort,        // caplen < 98: skipped silently
  NotIpv4,         // ethertype at offset 12 is not 0x0800: skipped silently
  NotUdp,          // IP protocol (byte 23) is not 17: skipped silently
  WrongPort,       // UDP dport read at offset 36 is not the port: skipped silently
  BadVersion,      // "Unexpected Sebek PDU version: %u "
  LengthMismatch,  // "malformed sebek record: data length=%u  packet caplen=%u"
};

struct FrameInfo {
  FrameVerdict verdict = FrameVerdict::TooShort;
  std::uint32_t src_ip = 0;  // valid from NotUdp on
  std::uint16_t version = 0; // valid for BadVersion and Accepted
  std::uint32_t data_length = 0;  // header length field (LengthMismatch, Accepted)
  Header header;             // valid for Accepted
  std::span<const std::uint8_t> header_bytes;  // the 56 raw bytes (Accepted)
  std::span<const std::uint8_t> data;          // the data (Accepted)
};

// sbk_extract's handler() checks, in its order, on one captured frame.
FrameInfo classify_frame(std::span<const std::uint8_t> captured, std::uint16_t port);

struct PcapStats {
  std::uint64_t frames = 0;  // frames that passed the BPF filter
  std::uint64_t accepted = 0;
  std::uint64_t skipped = 0;  // silently ignored (too short, not IPv4/UDP, port)
  std::uint64_t bad_version = 0;
  std::uint64_t malformed = 0;
};

// Reads frames through libpcap with sbk_extract's BPF filter
// "udp dst port N" and classifies each one.
class PcapReader {
 public:
  using Handler = std::function<void(const timeval& ts, std::uint32_t caplen, const FrameInfo&)>;
  static PcapReader open_file(const std::string& path, std::uint16_t port);
  static PcapReader open_live(const std::string& device, std::uint16_t port);
  ~PcapReader();
  PcapReader(PcapReader&&) noexcept;
  PcapReader& operator=(PcapReader&&) = delete;

  // Delivers every frame until end of file (returns normally) or an error
  // (throws PcapError: a truncated file, a read error).
  void run(const Handler& handler);
  const PcapStats& stats() const { return stats_; }

 private:
  PcapReader(pcap* p, std::uint16_t port, std::string source);
  pcap* pcap_ = nullptr;
  std::string source_;  // file or device, for error messages
  std::uint16_t port_;
  PcapStats stats_;
};

}  // namespace sebekd_format
