#include "sbk_tools/log_follower.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

namespace sbk_tools {

std::filesystem::path live_log_path(const std::filesystem::path& arg) {
  std::error_code ec;
  if (std::filesystem::is_directory(arg, ec)) return arg / kLiveStreamName;
  return arg;
}

namespace {

constexpr std::size_t kReadSize = 1 << 18;

bool is_regular_file(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

// One opened generation of the live file: its identity, the decoder and the
// stream offset at which that decoder started (non-zero after a truncation
// made us restart at a record boundary).
class OpenLog {
 public:
  explicit OpenLog(int fd) : fd_(fd) {
    struct stat st {};
    if (::fstat(fd_, &st) == 0) {
      dev_ = st.st_dev;
      ino_ = st.st_ino;
    }
  }
  ~OpenLog() { ::close(fd_); }
  OpenLog(const OpenLog&) = delete;
  OpenLog& operator=(const OpenLog&) = delete;

  bool same_file(const struct stat& st) const { return st.st_dev == dev_ && st.st_ino == ino_; }

  // Reads what the file holds now and delivers every complete record.
  // Returns false with `err` set on a read error or a bad record.
  bool drain(const std::string& source, const RecordSink& sink, std::vector<std::uint8_t>& chunk,
             std::optional<InputError>& err) {
    for (;;) {
      const ssize_t n = ::read(fd_, chunk.data(), chunk.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        err = InputError{source, {position_, std::string("read error: ") + std::strerror(errno)}};
        return false;
      }
      if (n == 0) return true;
      position_ += static_cast<std::uint64_t>(n);
      decoder_.feed(std::span<const std::uint8_t>(chunk.data(), static_cast<std::size_t>(n)));
      sebekd_format::StreamRecord record;
      sebekd_format::StreamDecoder::Status status;
      while ((status = decoder_.next(record)) == sebekd_format::StreamDecoder::Status::Record) sink(record);
      if (status == sebekd_format::StreamDecoder::Status::Error) {
        err = with_base(source, decoder_.error());
        return false;
      }
    }
  }

  // At the end of a rotated-away file: a record cut in the middle is an error.
  std::optional<InputError> finish(const std::string& source) {
    if (decoder_.finish() == sebekd_format::StreamDecoder::Status::Error)
      return with_base(source, decoder_.error());
    return std::nullopt;
  }

  // The file shrank below what we read: restart at the last record boundary
  // if it still exists, else at the start, dropping any partial record.
  void restart_after_truncation(const std::string& source, std::uint64_t size) {
    const std::uint64_t boundary = base_ + decoder_.offset();
    const std::uint64_t from = size >= boundary ? boundary : 0;
    std::fprintf(stderr, "%s: truncated to %llu bytes; reading again from byte offset %llu\n",
                 source.c_str(), static_cast<unsigned long long>(size),
                 static_cast<unsigned long long>(from));
    ::lseek(fd_, static_cast<off_t>(from), SEEK_SET);
    decoder_ = sebekd_format::StreamDecoder{};
    base_ = from;
    position_ = from;
  }

  std::uint64_t position() const { return position_; }

 private:
  InputError with_base(const std::string& source, sebekd_format::StreamError e) const {
    e.offset += base_;
    return InputError{source, std::move(e)};
  }

  int fd_;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  sebekd_format::StreamDecoder decoder_;
  std::uint64_t base_ = 0;
  std::uint64_t position_ = 0;
};

}  // namespace

std::optional<InputError> follow_log(const std::filesystem::path& arg, const RecordSink& sink,
                                     const InputHooks& hooks, FollowOptions options) {
  // Resolved again before each open: the domain's directory may only appear
  // after the follow started.
  std::string source = live_log_path(arg).string();
  std::vector<std::uint8_t> chunk(kReadSize);
  std::optional<OpenLog> log;
  std::optional<InputError> err;
  auto idle = [&]() -> bool {
    if (hooks.on_idle) hooks.on_idle();
    if (hooks.should_stop && hooks.should_stop()) return false;
    std::this_thread::sleep_for(options.poll_interval);
    return true;
  };

  for (;;) {
    // A log that grows faster than it is read must not delay a stop.
    if (hooks.should_stop && hooks.should_stop()) return std::nullopt;
    if (!log) {
      source = live_log_path(arg).string();
      int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd >= 0 && !is_regular_file(fd)) {
        // DIR itself, opened before it was a directory holding the log.
        ::close(fd);
        fd = -1;
      }
      if (fd < 0) {
        // Not created yet, or between a rotation's rename and the new file.
        if (!idle()) return std::nullopt;
        continue;
      }
      log.emplace(fd);
    }
    if (!log->drain(source, sink, chunk, err)) return err;

    struct stat st {};
    const bool present = ::stat(source.c_str(), &st) == 0;
    if (!present || !log->same_file(st)) {
      // Rotated: bytes written to the old file after our last read are
      // still there; take them, then the old file must end on a record.
      if (!log->drain(source, sink, chunk, err)) return err;
      if (auto e = log->finish(source)) return e;
      log.reset();
      continue;
    }
    if (static_cast<std::uint64_t>(st.st_size) < log->position()) {
      log->restart_after_truncation(source, static_cast<std::uint64_t>(st.st_size));
      continue;
    }
    if (!idle()) return std::nullopt;
  }
}

}  // namespace sbk_tools
