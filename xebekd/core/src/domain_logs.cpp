#include "xebekd/domain_logs.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

namespace xebekd {
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kPcapFileHeader = 24;
constexpr std::uint64_t kPcapRecordHeader = 16;

std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return std::uint64_t(ts.tv_sec) * 1'000'000'000ull + std::uint64_t(ts.tv_nsec);
}

std::uint64_t file_size(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 ? std::uint64_t(st.st_size) : 0;
}

bool exists(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

[[noreturn]] void fail(const std::string& what, const std::string& path, int err) {
  throw LogError(what + " " + path + ": " + std::strerror(err), err);
}

void rename_or_fail(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) fail("cannot rename to " + to + ":", from, errno);
}

std::uint64_t fd_size(int fd, std::uint64_t* inode = nullptr) {
  struct stat st{};
  if (::fstat(fd, &st) != 0) return 0;
  if (inode) *inode = std::uint64_t(st.st_ino);
  return std::uint64_t(st.st_size);
}

// Cuts `path` back to `size` if it is longer; returns the bytes removed.
std::uint64_t cut_to(const std::string& path, std::uint64_t size) {
  const std::uint64_t have = file_size(path);
  if (have <= size) return 0;
  if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) fail("cannot truncate", path, errno);
  return have - size;
}

}  // namespace

DomainLogs::DomainLogs(LogOptions opt, std::uint32_t domid)
    : opt_(std::move(opt)), domid_(domid), mapper_(opt_.magic) {}

DomainLogs::~DomainLogs() {
  if (files_open_) flush_checkpoint();
  close_files();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::string DomainLogs::checkpoint_path() const { return opt_.dir + "/checkpoint"; }

std::string DomainLogs::stream_path() const { return opt_.dir + "/sebek.sbk"; }
std::string DomainLogs::pcap_path() const { return opt_.dir + "/sebek.pcap"; }
std::string DomainLogs::native_path() const { return opt_.dir + "/native.xnl"; }

std::string DomainLogs::rotated(const std::string& stem, unsigned gen, const char* ext) const {
  char num[16];
  std::snprintf(num, sizeof num, "%06u", gen);
  return opt_.dir + "/" + stem + "." + num + "." + ext;
}

unsigned DomainLogs::highest_generation() const {
  unsigned best = 0;
  std::error_code ec;
  for (const auto& de : fs::directory_iterator(opt_.dir, ec)) {
    const std::string n = de.path().filename().string();
    // native.NNNNNN.xnl: the native log is renamed first, so it marks a rotation.
    if (n.size() == 17 && n.starts_with("native.") && n.ends_with(".xnl")) {
      unsigned g = 0;
      if (std::sscanf(n.c_str() + 7, "%6u", &g) == 1) best = std::max(best, g);
    }
  }
  return best;
}

void DomainLogs::finish_interrupted_rotation() {
  const unsigned g = highest_generation();
  if (g == 0) return;
  // The native log was renamed but a crash stopped the rotation before the
  // stream or pcap followed: they still belong to that generation.
  if (!exists(rotated("sebek", g, "sbk")) && exists(stream_path()) && !exists(native_path()))
    rename_or_fail(stream_path(), rotated("sebek", g, "sbk"));
  if (!exists(rotated("sebek", g, "pcap")) && exists(pcap_path()) && !exists(native_path()))
    rename_or_fail(pcap_path(), rotated("sebek", g, "pcap"));
}

Recovery DomainLogs::open() {
  if (opt_.own.make_dir(opt_.dir) != 0) fail("cannot create log directory", opt_.dir, errno);
  if (::access(opt_.dir.c_str(), W_OK | X_OK) != 0) fail("log directory not writable:", opt_.dir, errno);
  lock_directory();
  finish_interrupted_rotation();
  Recovery r = recover();
  open_files();
  // From now on a restart reads nothing of what recovery just walked.
  checkpoint_native_ = ~0ull;
  flush_checkpoint();
  return r;
}

void DomainLogs::lock_directory() {
  lock_fd_ = opt_.own.open_file(opt_.dir + "/lock", O_RDWR | O_CREAT);
  if (lock_fd_ < 0) fail("cannot open lock file in", opt_.dir, errno);
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(lock_fd_);
    lock_fd_ = -1;
    if (err == EWOULDBLOCK)
      throw LogError("log directory " + opt_.dir +
                         " is in use (by another xebekd, or by a domain whose name maps to the same directory)",
                     EBUSY);
    fail("cannot lock", opt_.dir, err);
  }
}

Recovery DomainLogs::recover() {
  Recovery r;
  LogState st;
  const int fd = ::open(native_path().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno != ENOENT) fail("cannot read", native_path(), errno);
  std::uint64_t inode = 0, size = 0, valid_end = 0;
  if (fd >= 0) size = fd_size(fd, &inode);
  // The checkpoint counts only for the very file it describes.
  const auto ck = read_checkpoint(checkpoint_path());
  r.from_checkpoint = fd >= 0 && ck && ck->native_inode == inode && ck->native_end <= size;
  if (r.from_checkpoint) {
    st = ck->state;
    r.native_read_from = ck->native_end;
  }
  std::optional<LogState> last;
  if (fd >= 0) {
    last = walk_native_log(fd, r.native_read_from, &valid_end);
    ::close(fd);
  }
  if (last) {
    st = *last;
  } else if (!r.from_checkpoint) {
    // Nothing committed in the current native log: take the state from the
    // newest rotated one (the current files then hold nothing committed).
    valid_end = 0;
    if (const unsigned g = highest_generation(); g > 0) {
      if (auto prev = last_native_state(rotated("native", g, "xnl"))) {
        st.last_seq = prev->last_seq;
        st.ring_instance = prev->ring_instance;
        st.next_counter = prev->next_counter;
      }
    }
    st.stream_end = 0;
    st.pcap_end = kNoPcap;
  }
  if (size > valid_end) {
    r.truncated_bytes += cut_to(native_path(), valid_end);
    r.note += "cut a partial native entry; ";
  }
  const bool committed = last.has_value() || r.from_checkpoint;
  cut_uncommitted(st, committed, r);
  r.last_seq = last_seq_ = st.last_seq;
  r.ring_instance = ring_instance_ = st.ring_instance;
  r.next_counter = st.next_counter;
  mapper_.set_next_counter(st.next_counter);
  return r;
}

void DomainLogs::cut_uncommitted(const LogState& st, bool committed, Recovery& r) {
  if (!exists(native_path())) return;
  // Stream and pcap hold exactly what the native log committed.
  std::uint64_t cut = cut_to(stream_path(), committed ? st.stream_end : 0);
  if (cut) r.note += "cut " + std::to_string(cut) + " uncommitted stream bytes; ";
  r.truncated_bytes += cut;
  if (committed && st.pcap_end != kNoPcap) {
    cut = cut_to(pcap_path(), st.pcap_end);
    if (cut) r.note += "cut " + std::to_string(cut) + " uncommitted pcap bytes; ";
    r.truncated_bytes += cut;
  } else if (!committed && file_size(pcap_path()) > kPcapFileHeader) {
    r.truncated_bytes += cut_to(pcap_path(), kPcapFileHeader);
  }
}

void DomainLogs::open_files() {
  try {
    // The native log is created first: its existence says the stream and
    // pcap beside it are governed by it.
    native_fd_ = opt_.own.open_file(native_path(), O_WRONLY | O_CREAT | O_APPEND);
    if (native_fd_ < 0) fail("cannot open", native_path(), errno);
    stream_fd_ = opt_.own.open_file(stream_path(), O_WRONLY | O_CREAT | O_APPEND);
    if (stream_fd_ < 0) fail("cannot open", stream_path(), errno);
    native_size_ = fd_size(native_fd_, &native_inode_);
    stream_size_ = fd_size(stream_fd_);
    if (opt_.pcap) open_pcap();
  } catch (const LogError&) {
    close_files();
    throw;
  }
  opened_ns_ = now_ns();
  files_open_ = true;
}

void DomainLogs::open_pcap() {
  // Created here, safely, so that libpcap only ever appends to a real file
  // of ours; a header cut short by a full disk holds no record: start over.
  const int fd = opt_.own.open_file(pcap_path(), O_WRONLY | O_CREAT);
  if (fd < 0) fail("cannot open", pcap_path(), errno);
  const std::uint64_t have = fd_size(fd);
  const bool torn_header = have > 0 && have < kPcapFileHeader;
  const int err = torn_header && ::ftruncate(fd, 0) != 0 ? errno : 0;
  ::close(fd);
  if (err) fail("cannot truncate", pcap_path(), err);
  try {
    pcap_ = std::make_unique<sebekd_format::PcapWriter>(pcap_path(), sebekd_format::PcapWriter::Mode::Append);
    pcap_->flush();
  } catch (const sebekd_format::PcapError& e) {
    pcap_.reset();
    throw LogError(std::string("cannot open ") + pcap_path() + ": " + e.what(), ENOSPC);
  }
  pcap_size_ = file_size(pcap_path());
  if (pcap_size_ < kPcapFileHeader) {
    pcap_.reset();
    throw LogError("cannot write the pcap header of " + pcap_path(), ENOSPC);
  }
}

void DomainLogs::close_files() {
  pcap_.reset();
  if (stream_fd_ >= 0) ::close(stream_fd_);
  if (native_fd_ >= 0) ::close(native_fd_);
  stream_fd_ = native_fd_ = -1;
  files_open_ = false;
}

int DomainLogs::reopen() {
  try {
    finish_interrupted_rotation();
    open_files();
  } catch (const LogError& e) {
    return e.err();
  }
  return 0;
}

int DomainLogs::maybe_rotate(std::uint64_t now) {
  const bool by_size = opt_.rotate_bytes && stream_size_ >= opt_.rotate_bytes;
  const bool by_time = opt_.rotate_seconds && native_size_ > 0 &&
                       now - opened_ns_ >= opt_.rotate_seconds * 1'000'000'000ull;
  return by_size || by_time ? rotate() : 0;
}

int DomainLogs::rotate() {
  close_files();
  const unsigned g = highest_generation() + 1;
  try {
    // Native first: it marks the generation; if a later rename fails,
    // reopen() completes the rotation (see finish_interrupted_rotation).
    rename_or_fail(native_path(), rotated("native", g, "xnl"));
    checkpoint_entry_due_ = true;
    ++rotations_;
    if (exists(stream_path())) rename_or_fail(stream_path(), rotated("sebek", g, "sbk"));
    if (exists(pcap_path())) rename_or_fail(pcap_path(), rotated("sebek", g, "pcap"));
    open_files();
  } catch (const LogError& e) {
    return e.err();
  }
  return write_checkpoint_entry();
}

LogState DomainLogs::current_state() const {
  LogState st;
  st.last_seq = last_seq_;
  st.ring_instance = ring_instance_;
  st.next_counter = mapper_.next_counter();
  st.stream_end = stream_size_;
  st.pcap_end = pcap_ ? pcap_size_ : kNoPcap;
  return st;
}

int DomainLogs::flush_checkpoint() {
  if (!files_open_ || native_size_ == checkpoint_native_) return 0;
  Checkpoint c;
  c.native_inode = native_inode_;
  c.native_end = native_size_;
  c.state = current_state();
  const int err = write_checkpoint_file(checkpoint_path(), c, opt_.own);
  if (!err) {
    checkpoint_native_ = native_size_;
    checkpoint_at_ns_ = now_ns();
  }
  return err;
}

void DomainLogs::maybe_write_checkpoint(std::uint64_t now) {
  const bool grown = native_size_ - checkpoint_native_ >= opt_.checkpoint_bytes;
  const bool old = now - checkpoint_at_ns_ >= opt_.checkpoint_ns;
  // A failure only means recovery reads a little more: the next batch
  // tries again.
  if (checkpoint_native_ == ~0ull || grown || old) flush_checkpoint();
}

native::BatchContext DomainLogs::batch_context(std::uint64_t recv_time_ns) const {
  native::BatchContext c;
  c.domid = domid_;
  c.recv_time_ns = recv_time_ns;
  c.ring_instance = ring_instance_;
  c.resume_seq = last_seq_;
  return c;
}

native::LogPosition DomainLogs::position() const {
  return {stream_size_, pcap_ ? pcap_size_ : kNoPcap, mapper_.next_counter()};
}

int DomainLogs::write_checkpoint_entry() {
  // Carries the last seq and the next counter into the new native log so a
  // restart right after a rotation still knows where it stands.
  auto& iov = native_out_.checkpoint(batch_context(now_ns()), position());
  const std::uint64_t before = native_size_;
  const int err = write_all(native_fd_, iov, native_size_);
  if (err) {
    rollback(stream_size_, pcap_size_, before);
    return err;
  }
  checkpoint_entry_due_ = false;
  flush_checkpoint();
  return 0;
}

int DomainLogs::write_all(int fd, std::vector<iovec>& iov, std::uint64_t& size) {
  std::size_t i = 0;
  while (i < iov.size()) {
    const int n = static_cast<int>(std::min<std::size_t>(iov.size() - i, IOV_MAX));
    const ssize_t w = ::writev(fd, &iov[i], n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    size += std::uint64_t(w);
    std::size_t left = std::size_t(w);
    while (i < iov.size() && left >= iov[i].iov_len) left -= iov[i++].iov_len;
    if (left) {
      iov[i].iov_base = static_cast<std::uint8_t*>(iov[i].iov_base) + left;
      iov[i].iov_len -= left;
    }
    if (w == 0) return EIO;
  }
  return 0;
}

void DomainLogs::rollback(std::uint64_t stream_size, std::uint64_t pcap_size,
                          std::uint64_t native_size) {
  // Cutting back never needs space, so it works on a full disk too.
  if (::ftruncate(stream_fd_, static_cast<off_t>(stream_size)) == 0) stream_size_ = stream_size;
  if (::ftruncate(native_fd_, static_cast<off_t>(native_size)) == 0) native_size_ = native_size;
  if (opt_.pcap && pcap_) {
    pcap_.reset();  // its buffered bytes may land now; they are cut next
    if (::truncate(pcap_path().c_str(), static_cast<off_t>(pcap_size)) == 0) pcap_size_ = pcap_size;
    try {
      open_pcap();
    } catch (const LogError&) {
      pcap_.reset();  // reopened by the next batch
    }
  }
}

int DomainLogs::prepare_files(std::uint64_t recv_time_ns) {
  int err = files_open_ ? 0 : reopen();
  if (!err && checkpoint_entry_due_) err = write_checkpoint_entry();
  if (!err) err = maybe_rotate(recv_time_ns);
  if (!err && opt_.pcap && !pcap_) {
    try {
      open_pcap();
    } catch (const LogError& e) {
      err = e.err();
    }
  }
  return err;
}

DomainLogs::Staged DomainLogs::stage_events(std::span<const Event> events, std::uint64_t recv_time_ns) {
  stream_out_.reset();
  pcap_records_.clear();
  native::LogPosition at = position();
  native_out_.begin(batch_context(recv_time_ns), at);
  std::uint64_t records = 0;
  sebekd_format::StreamRecord sr;
  sr.pcap_sec = static_cast<std::uint32_t>(recv_time_ns / 1'000'000'000ull);
  sr.pcap_usec = static_cast<std::uint32_t>((recv_time_ns % 1'000'000'000ull) / 1000);
  sr.src_ip = opt_.frame.src_ip;
  for (const Event& e : events) {
    native::StreamPlacement placed;
    placed.offset = at.stream;
    mapper_.map(e, [&](const SebekRecord& rec) {
      if (placed.records++ == 0) placed.first = rec.header;
      placed.data_bytes += rec.data.size();
      sr.header = rec.header;
      sebekd_format::encode_stream_prefix(
          sr, std::span<std::uint8_t, sebekd_format::kStreamRecordHeaderSize>(
                  stream_out_.stage(sebekd_format::kStreamRecordHeaderSize), sebekd_format::kStreamRecordHeaderSize));
      // The mapper reuses its socket buffer: the staged copy is what stays.
      const auto kept = stream_out_.append(rec.data);
      at.stream += sebekd_format::kStreamRecordHeaderSize + rec.data.size();
      if (opt_.pcap) {
        at.pcap += kPcapRecordHeader + sebekd_format::kFrameHeaderSize + rec.data.size();
        pcap_records_.push_back({rec.header, kept});
      }
    });
    at.counter = mapper_.next_counter();
    native_out_.add(e, placed, at);
    records += placed.records;
  }
  return {at, records};
}

int DomainLogs::write_pcap(std::uint64_t recv_time_ns, std::uint64_t pcap_end) {
  try {
    timeval tv{static_cast<time_t>(recv_time_ns / 1'000'000'000ull),
               static_cast<suseconds_t>((recv_time_ns % 1'000'000'000ull) / 1000)};
    for (const SebekRecord& p : pcap_records_) pcap_->write_record(tv, opt_.frame, p.header, p.data);
    pcap_->flush();
  } catch (const sebekd_format::PcapError&) {
    return ENOSPC;
  }
  pcap_size_ = pcap_end;
  return file_size(pcap_path()) == pcap_end ? 0 : ENOSPC;
}

BatchResult DomainLogs::write_batch(std::span<const Event> events, std::uint64_t recv_time_ns) {
  BatchResult res;
  if (events.empty()) return res;
  if ((res.error = prepare_files(recv_time_ns))) return res;
  const std::uint64_t stream0 = stream_size_, pcap0 = pcap_size_, native0 = native_size_;
  const std::uint32_t counter0 = mapper_.next_counter();

  const Staged staged = stage_events(events, recv_time_ns);
  int err = write_all(stream_fd_, stream_out_.iov(), stream_size_);
  if (!err && opt_.pcap) err = write_pcap(recv_time_ns, staged.end.pcap);
  // The native log last: its batch is the commit point.
  if (!err) err = write_all(native_fd_, native_out_.finish(), native_size_);
  if (err) {
    rollback(stream0, pcap0, native0);
    mapper_.set_next_counter(counter0);
    res.error = err;
    return res;
  }
  if (opt_.sync) {
    ::fdatasync(stream_fd_);
    ::fdatasync(native_fd_);
  }
  // The highest seq, not the last: a guest whose seq runs backwards must
  // not move the resume point back over records already written.
  for (const Event& e : events)
    if (!last_seq_ || e.seq > *last_seq_) last_seq_ = e.seq;
  maybe_write_checkpoint(recv_time_ns);
  res.records = staged.sebek_records;
  res.bytes = (stream_size_ - stream0) + (pcap_size_ - pcap0) + (native_size_ - native0);
  return res;
}

}  // namespace xebekd
