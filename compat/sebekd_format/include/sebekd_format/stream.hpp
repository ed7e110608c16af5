// The sbk_extract stream: what sbk_extract writes to stdout and what every
// legacy Sebek server tool reads. Per record, 68 bytes then the data:
//   u32 pcap ts.tv_sec   (host order of the x86 writer: little-endian)
//   u32 pcap ts.tv_usec  (little-endian)
//   4-byte IPv4 source address (network order)
//   56-byte Sebek v3 header (big-endian)
//   `length` bytes of data
// The legacy Perl tools unpack it with "LLNNnnNNNNNNNNa12N".
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sebekd_format/header.hpp"

namespace sebekd_format {

inline constexpr std::size_t kStreamPrefixSize = 12;
inline constexpr std::size_t kStreamRecordHeaderSize = kStreamPrefixSize + kHeaderSize;  // 68
// sbk_extract accepts a record only if it fits one captured frame; with its
// 65535-byte snaplen that bounds the data length. Anything longer is garbage.
inline constexpr std::uint32_t kMaxStreamDataLength = 65535 - 98;

struct StreamRecord {
  std::uint32_t pcap_sec = 0;
  std::uint32_t pcap_usec = 0;
  std::uint32_t src_ip = 0;  // host-order value of the honeypot's address
  Header header;
  std::span<const std::uint8_t> data;  // header.length bytes (not owned)
};

// The 68 bytes that precede a record's data; data is written separately so
// that a caller can writev() it straight from where it lies.
void encode_stream_prefix(const StreamRecord& r,
                          std::span<std::uint8_t, kStreamRecordHeaderSize> out);
// Appends the whole record (prefix + data) to `out`.
void append_stream_record(std::vector<std::uint8_t>& out, const StreamRecord& r);

// Why a stream was rejected, and where: the offset is the byte offset in the
// whole stream of the record that could not be read.
struct StreamError {
  std::uint64_t offset = 0;
  std::string reason;
  std::string message() const;  // "byte offset N: reason"
};

// Incremental reader: feed() bytes as they arrive (a pipe, a growing log),
// take records with next(), call finish() at end of input to learn whether
// the stream ended inside a record. Never reads past what was fed; the data
// span of a returned record stays valid until the next feed() or next().
class StreamDecoder {
 public:
  enum class Status { Record, NeedMore, Error };

  void feed(std::span<const std::uint8_t> bytes);
  Status next(StreamRecord& out);
  // At end of input: Error if bytes of an incomplete record remain.
  Status finish();

  const StreamError& error() const { return error_; }
  // Stream offset of the next record to be returned.
  std::uint64_t offset() const { return consumed_; }
  // Bytes fed but not yet returned as records.
  std::size_t pending() const { return buffer_.size() - start_; }

 private:
  bool fail(std::uint64_t offset, std::string reason);

  std::vector<std::uint8_t> buffer_;
  std::size_t start_ = 0;      // first unread byte in buffer_
  std::uint64_t consumed_ = 0; // stream offset of buffer_[start_]
  bool failed_ = false;
  StreamError error_;
};

// Checks a record header read from a stream; returns an empty string when
// the record is acceptable, else the reason.
std::string validate_stream_header(const Header& h);

}  // namespace sebekd_format
