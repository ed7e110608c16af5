#include "xebekd/log_checkpoint.hpp"

#include <cerrno>
#include <cstring>
#include <span>

#include <fcntl.h>
#include <unistd.h>

#include "xebekd/crc32c.hpp"

namespace xebekd {
namespace {

std::uint32_t record_crc(const CheckpointRecord& r) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(&r);
  return crc32c(std::span(p, offsetof(CheckpointRecord, crc)));
}

}  // namespace

std::optional<Checkpoint> read_checkpoint(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  CheckpointRecord r{};
  const ssize_t n = ::read(fd, &r, sizeof r);
  char extra = 0;
  const bool longer = ::read(fd, &extra, 1) > 0;
  ::close(fd);
  if (n != static_cast<ssize_t>(sizeof r) || longer) return std::nullopt;
  if (r.magic != kCheckpointMagic || r.version != kCheckpointVersion || r.crc != record_crc(r) ||
      r.has_seq > 1 || r.reserved != 0)
    return std::nullopt;
  Checkpoint c;
  c.native_inode = r.native_inode;
  c.native_end = r.native_end;
  if (r.has_seq) c.state.last_seq = r.last_seq;
  c.state.ring_instance = r.ring_instance;
  c.state.next_counter = r.next_counter;
  c.state.stream_end = r.stream_end;
  c.state.pcap_end = r.pcap_end;
  return c;
}

int write_checkpoint_file(const std::string& path, const Checkpoint& c, const FileOwnership& own) {
  CheckpointRecord r{};
  r.magic = kCheckpointMagic;
  r.version = kCheckpointVersion;
  r.native_inode = c.native_inode;
  r.native_end = c.native_end;
  r.stream_end = c.state.stream_end;
  r.pcap_end = c.state.pcap_end;
  r.ring_instance = c.state.ring_instance;
  r.has_seq = c.state.last_seq.has_value();
  r.last_seq = c.state.last_seq.value_or(0);
  r.next_counter = c.state.next_counter;
  r.crc = record_crc(r);
  // A fresh temporary file every time: O_EXCL never writes through
  // something planted under that name.
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = own.open_file(tmp, O_WRONLY | O_CREAT | O_EXCL);
  if (fd < 0) return errno;
  const ssize_t w = ::write(fd, &r, sizeof r);
  int err = w == static_cast<ssize_t>(sizeof r) ? 0 : (w < 0 ? errno : ENOSPC);
  if (::close(fd) != 0 && !err) err = errno;
  if (!err && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err) ::unlink(tmp.c_str());
  return err;
}

}  // namespace xebekd
