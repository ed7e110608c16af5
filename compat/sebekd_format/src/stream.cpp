#include "sebekd_format/stream.hpp"

#include <cstring>

#include "sebekd_format/byte_order.hpp"

namespace sebekd_format {

void encode_stream_prefix(const StreamRecord& r,
                          std::span<std::uint8_t, kStreamRecordHeaderSize> out) {
  store_le32(out.data() + 0, r.pcap_sec);
  store_le32(out.data() + 4, r.pcap_usec);
  store_be32(out.data() + 8, r.src_ip);
  encode_header(r.header, out.subspan<kStreamPrefixSize, kHeaderSize>());
}

void append_stream_record(std::vector<std::uint8_t>& out, const StreamRecord& r) {
  const std::size_t at = out.size();
  out.resize(at + kStreamRecordHeaderSize + r.data.size());
  encode_stream_prefix(r, std::span<std::uint8_t, kStreamRecordHeaderSize>(
                              out.data() + at, kStreamRecordHeaderSize));
  if (!r.data.empty())
    std::memcpy(out.data() + at + kStreamRecordHeaderSize, r.data.data(), r.data.size());
}

std::string StreamError::message() const {
  return "byte offset " + std::to_string(offset) + ": " + reason;
}

std::string validate_stream_header(const Header& h) {
  // sbk_extract only ever streams version 3 records; anything else means the
  // bytes are not a stream (or we lost the record boundaries).
  if (h.version != kVersion)
    return "Sebek version " + std::to_string(h.version) + " (expected 3): not a Sebek v3 stream";
  if (h.length > kMaxStreamDataLength)
    return "data length " + std::to_string(h.length) + " exceeds the largest capturable record (" +
           std::to_string(kMaxStreamDataLength) + ")";
  return {};
}

void StreamDecoder::feed(std::span<const std::uint8_t> bytes) {
  if (failed_ || bytes.empty()) return;
  // Drop what was already returned before growing, so the buffer stays at
  // about one record plus one feed.
  if (start_ > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

bool StreamDecoder::fail(std::uint64_t offset, std::string reason) {
  failed_ = true;
  error_ = StreamError{offset, std::move(reason)};
  return false;
}

StreamDecoder::Status StreamDecoder::next(StreamRecord& out) {
  if (failed_) return Status::Error;
  const std::size_t avail = buffer_.size() - start_;
  if (avail < kStreamRecordHeaderSize) return Status::NeedMore;
  const std::uint8_t* p = buffer_.data() + start_;
  Header h = decode_header(std::span<const std::uint8_t, kHeaderSize>(p + kStreamPrefixSize,
                                                                       kHeaderSize));
  if (std::string why = validate_stream_header(h); !why.empty()) {
    fail(consumed_, std::move(why));
    return Status::Error;
  }
  const std::size_t total = kStreamRecordHeaderSize + h.length;
  if (avail < total) return Status::NeedMore;
  out.pcap_sec = load_le32(p);
  out.pcap_usec = load_le32(p + 4);
  out.src_ip = load_be32(p + 8);
  out.header = h;
  out.data = std::span<const std::uint8_t>(p + kStreamRecordHeaderSize, h.length);
  start_ += total;
  consumed_ += total;
  return Status::Record;
}

StreamDecoder::Status StreamDecoder::finish() {
  if (failed_) return Status::Error;
  const std::size_t avail = buffer_.size() - start_;
  if (avail == 0) return Status::NeedMore;
  if (avail < kStreamRecordHeaderSize) {
    fail(consumed_, "truncated record header (" + std::to_string(avail) + " of " +
                        std::to_string(kStreamRecordHeaderSize) + " bytes)");
  } else {
    const std::uint32_t len = load_be32(buffer_.data() + start_ + kStreamPrefixSize + 52);
    fail(consumed_, "truncated record data (" +
                        std::to_string(avail - kStreamRecordHeaderSize) + " of " +
                        std::to_string(len) + " bytes)");
  }
  return Status::Error;
}

}  // namespace sebekd_format
