#include "sbk_tools/fd_stream.hpp"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace sbk_tools {

namespace {
// Large reads keep the system-call count far below the record count.
constexpr std::size_t kReadSize = 1 << 18;

bool is_regular_file(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

// Waits until `fd` has bytes (or end of file, or an error read() will
// report); false when `timeout_ms` passed first. -1 waits without limit.
bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    const int rc = ::poll(&p, 1, timeout_ms);
    if (rc > 0) return true;
    if (rc == 0) return false;
    // A descriptor poll() cannot watch is left to read(), which blocks as
    // it always did.
    if (errno != EINTR) return true;
  }
}

}  // namespace

std::optional<InputError> decode_fd(int fd, std::string_view source, const RecordSink& sink,
                                    const InputHooks& hooks, std::chrono::milliseconds quiet) {
  sebekd_format::StreamDecoder decoder;
  std::vector<std::uint8_t> chunk(kReadSize);
  sebekd_format::StreamRecord record;
  // A blocking read() on a live pipe would keep the records already
  // delivered in the tool's buffers (a batch not yet written, output not yet
  // flushed) for as long as the writer stays quiet.
  const bool may_idle = hooks.on_idle && !is_regular_file(fd);
  bool idle_told = false;
  for (;;) {
    if (may_idle && !wait_readable(fd, idle_told ? -1 : static_cast<int>(quiet.count()))) {
      // Once per quiet period: the tool has nothing new to flush after that.
      hooks.on_idle();
      idle_told = true;
      continue;
    }
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return InputError{std::string(source),
                        {decoder.offset() + decoder.pending(),
                         std::string("read error: ") + std::strerror(errno)}};
    }
    if (n == 0) break;
    idle_told = false;
    decoder.feed(std::span<const std::uint8_t>(chunk.data(), static_cast<std::size_t>(n)));
    sebekd_format::StreamDecoder::Status status;
    while ((status = decoder.next(record)) == sebekd_format::StreamDecoder::Status::Record) sink(record);
    if (status == sebekd_format::StreamDecoder::Status::Error)
      return InputError{std::string(source), decoder.error()};
  }
  if (decoder.finish() == sebekd_format::StreamDecoder::Status::Error)
    return InputError{std::string(source), decoder.error()};
  return std::nullopt;
}

}  // namespace sbk_tools
