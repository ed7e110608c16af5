// Buffered writes to a file descriptor. The tools print a line or more per
// record; collecting them and writing in large blocks keeps output from
// costing more than the decoding.
#pragma once

#include <string>
#include <string_view>

namespace sbk_tools {

class OutputBuffer {
 public:
  explicit OutputBuffer(int fd) : fd_(fd) { buffer_.reserve(kFlushAt * 2); }
  ~OutputBuffer() { flush(); }
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;

  // The buffer itself, for appending formatted text; call maybe_flush() after.
  std::string& text() { return buffer_; }
  void append(std::string_view s) { buffer_.append(s); }
  void maybe_flush() {
    if (buffer_.size() >= kFlushAt) flush();
  }
  // Writes everything buffered. Returns false on a write error (errno set).
  bool flush();

 private:
  static constexpr std::size_t kFlushAt = 1 << 16;
  int fd_;
  std::string buffer_;
};

}  // namespace sbk_tools
