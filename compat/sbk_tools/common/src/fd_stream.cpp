#include "sbk_tools/fd_stream.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace sbk_tools {

namespace {
// Large reads keep the system-call count far below the record count.
constexpr std::size_t kReadSize = 1 << 18;
}  // namespace

std::optional<InputError> decode_fd(int fd, std::string_view source, const RecordSink& sink) {
  sebek::StreamDecoder decoder;
  std::vector<std::uint8_t> chunk(kReadSize);
  sebek::StreamRecord record;
  for (;;) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return InputError{std::string(source),
                        {decoder.offset() + decoder.pending(),
                         std::string("read error: ") + std::strerror(errno)}};
    }
    if (n == 0) break;
    decoder.feed(std::span<const std::uint8_t>(chunk.data(), static_cast<std::size_t>(n)));
    sebek::StreamDecoder::Status status;
    while ((status = decoder.next(record)) == sebek::StreamDecoder::Status::Record) sink(record);
    if (status == sebek::StreamDecoder::Status::Error)
      return InputError{std::string(source), decoder.error()};
  }
  if (decoder.finish() == sebek::StreamDecoder::Status::Error)
    return InputError{std::string(source), decoder.error()};
  return std::nullopt;
}

}  // namespace sbk_tools
