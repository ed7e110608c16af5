#include "xebekd/native_log.hpp"

#include <array>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "native_log_v1.hpp"
#include "sebekd_format/frame.hpp"
#include "sebekd_format/stream.hpp"
#include "xebekd/crc32c.hpp"
#include "xebekd/native_entry.hpp"
#include "xebekd/sebek_mapping.hpp"

namespace xebekd {
namespace {

using native::BatchHead;
using native::BatchTail;

constexpr std::uint64_t kPcapRecordHeader = 16;

std::uint32_t magic_at(std::span<const std::uint8_t> b) {
  std::uint32_t m = 0;
  if (b.size() >= 4) std::memcpy(&m, b.data(), 4);
  return m;
}

bool read_file(const std::string& path, std::vector<std::uint8_t>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

// Whether a head describes a well-formed batch within `avail` bytes.
bool head_fits(const BatchHead& h, std::uint64_t avail) {
  if (h.magic != native::kBatchMagic) return false;
  if (h.version != native::kVersion && h.version != native::kVersion2) return false;
  if (h.index_len > native::kMaxBatchIndex) return false;
  const std::uint64_t min = sizeof(BatchHead) + std::uint64_t(h.index_len) + sizeof(BatchTail);
  if (h.total_len < min || h.total_len > avail) return false;
  // Every entry takes at least a RefEntry: the count cannot exceed that.
  return std::uint64_t(h.count) * sizeof(native::RefEntry) <= h.index_len;
}

bool tail_matches(std::span<const std::uint8_t> head_and_index, const BatchTail& t) {
  return t.magic == native::kBatchEndMagic && t.crc == crc32c(head_and_index);
}

LogState state_of(const BatchHead& h) {
  LogState st;
  if (h.flags & native::kBatchHasResumeSeq) st.last_seq = h.resume_seq;
  st.ring_instance = h.ring_instance;
  st.next_counter = h.next_counter;
  st.stream_end = h.stream_end;
  st.pcap_end = h.pcap_end;
  return st;
}

// Reads one batch of a scan: its entries, payloads resolved.
class BatchReader {
 public:
  using Fixups = std::vector<std::pair<std::size_t, std::size_t>>;  // entry, offset in joined
  BatchReader(NativeScan& s, std::string_view native_name, std::string_view stream_name, std::uint64_t off,
              Fixups& fixups)
      : s_(s), native_name_(native_name), stream_name_(stream_name), off_(off), fixups_(fixups) {}

  // Appends the batch's entries to the scan and returns its size, or 0
  // when it is not intact (the scan stops there).
  std::uint64_t read();

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw NativeLogError(std::string(native_name_) + ": batch at byte " + std::to_string(off_) + ": " + what);
  }
  void read_entry(std::span<const std::uint8_t> index, std::size_t& pos, std::span<const std::uint8_t> data,
                  std::size_t& data_pos, std::uint32_t i);
  std::span<const std::uint8_t> resolve(const native::RefFields& f, std::uint32_t i);
  void add_meta(NativeEntry& n, std::uint32_t i);

  NativeScan& s_;
  std::string_view native_name_, stream_name_;
  std::uint64_t off_;
  Fixups& fixups_;
  BatchHead head_{};
  SebekMapper mapper_;
  std::uint64_t implied_seq_ = 0;
  native::DetailContext detail_;  // the entry before, in this batch
  std::uint64_t stream_pos_ = 0, pcap_pos_ = 0;
  sebekd_format::Header first_{};    // first Sebek record of the entry being resolved
  bool joined_ = false;      // its payload went to s_.joined
};

std::uint64_t BatchReader::read() {
  const std::span<const std::uint8_t> all(s_.bytes);
  const std::uint64_t avail = all.size() - off_;
  if (avail < sizeof(BatchHead)) return 0;
  std::memcpy(&head_, all.data() + off_, sizeof head_);
  if (!head_fits(head_, avail)) return 0;
  const auto batch = all.subspan(off_, head_.total_len);
  BatchTail tail;
  std::memcpy(&tail, batch.data() + batch.size() - sizeof tail, sizeof tail);
  if (!tail_matches(batch.first(sizeof(BatchHead) + head_.index_len), tail)) return 0;

  const auto index = batch.subspan(sizeof(BatchHead), head_.index_len);
  const auto data = batch.subspan(sizeof(BatchHead) + head_.index_len,
                                  head_.total_len - sizeof(BatchHead) - head_.index_len - sizeof(BatchTail));
  implied_seq_ = head_.first_seq;
  detail_.reset();
  mapper_.set_next_counter(head_.first_counter);
  // Each batch is read back with the mapping its writer used.
  mapper_.set_v4_mapped(head_.version >= native::kVersion);
  stream_pos_ = head_.stream_start;
  pcap_pos_ = head_.pcap_start;
  std::size_t pos = 0, data_pos = 0;
  for (std::uint32_t i = 0; i < head_.count; ++i) read_entry(index, pos, data, data_pos, i);
  if (pos != index.size() || data_pos != data.size()) fail("its index and data do not add up to its length");
  if (stream_pos_ != head_.stream_end || mapper_.next_counter() != head_.next_counter)
    fail("its entries do not add up to the stream range and counters it announces");
  return head_.total_len;
}

void BatchReader::read_entry(std::span<const std::uint8_t> index, std::size_t& pos,
                             std::span<const std::uint8_t> data, std::size_t& data_pos, std::uint32_t i) {
  native::DecodedEntry d;
  const std::size_t used = native::decode_entry(index.subspan(pos), d, head_.version, detail_);
  if (used == 0) fail("entry " + std::to_string(i) + " is malformed");
  pos += used;
  NativeEntry n;
  n.offset = off_;
  n.version = head_.version;
  joined_ = false;
  if (d.full) {
    if (data.size() - data_pos < d.data_len) fail("entry " + std::to_string(i) + " runs past the data area");
    n.event = d.event;
    n.event.data = data.subspan(data_pos, d.data_len);
    data_pos += d.data_len;
  } else {
    if (stream_pos_ != head_.stream_start + d.ref.entry.stream_rel)
      fail("entry " + std::to_string(i) + " refers to stream byte " +
           std::to_string(head_.stream_start + d.ref.entry.stream_rel) + ", not where its records follow (" +
           std::to_string(stream_pos_) + ")");
    const auto payload = resolve(d.ref, i);
    n.event = native::event_of_ref(d.ref, first_, implied_seq_);
    n.event.data = payload;
  }
  implied_seq_ = n.event.seq + 1;
  detail_.note(n.event.detail);
  add_meta(n, i);
  if (joined_) fixups_.emplace_back(s_.entries.size(), s_.joined.size() - n.event.data.size());
  s_.entries.push_back(n);
}

std::span<const std::uint8_t> BatchReader::resolve(const native::RefFields& f, std::uint32_t i) {
  const std::string who = "entry " + std::to_string(i) + " refers to " + std::string(stream_name_);
  if (!s_.stream_exists) fail(who + ", which is missing");
  const std::span<const std::uint8_t> stream(s_.stream);
  const int want_type = native::sebek_type_of_ref(static_cast<EventType>(f.entry.kind));
  std::uint64_t at = head_.stream_start + f.entry.stream_rel;
  std::uint64_t need = f.entry.data_len;
  for (bool first = true;; first = false) {
    if (at > stream.size() || stream.size() - at < sebekd_format::kStreamRecordHeaderSize)
      fail(who + " byte " + std::to_string(at) + ", beyond its end (" + std::to_string(stream.size()) + " bytes)");
    const sebekd_format::Header h = sebekd_format::decode_header(
        stream.subspan(at + sebekd_format::kStreamPrefixSize).first<sebekd_format::kHeaderSize>());
    const std::uint64_t room = stream.size() - at - sebekd_format::kStreamRecordHeaderSize;
    if (h.length > room)
      fail(who + " byte " + std::to_string(at) + ", whose record runs past its end (" +
           std::to_string(stream.size()) + " bytes)");
    if (h.type != want_type || h.length > need || (!first && h.pid != first_.pid))
      fail(who + " byte " + std::to_string(at) + ", which does not hold its record");
    const auto bytes = stream.subspan(at + sebekd_format::kStreamRecordHeaderSize, h.length);
    if (first) first_ = h;
    if (first && h.length == need) return bytes;  // one record: read in place
    s_.joined.insert(s_.joined.end(), bytes.begin(), bytes.end());
    joined_ = true;
    need -= h.length;
    at += sebekd_format::kStreamRecordHeaderSize + h.length;
    if (need == 0) break;
  }
  // Valid until s_.joined grows again: the scan points it anew at the end.
  return {s_.joined.data() + s_.joined.size() - f.entry.data_len, f.entry.data_len};
}

void BatchReader::add_meta(NativeEntry& n, std::uint32_t) {
  NativeMeta& m = n.meta;
  m.recv_time_ns = head_.recv_time_ns;
  m.domid = head_.domid;
  m.ring_instance = head_.ring_instance;
  m.first_counter = mapper_.next_counter();
  // The event's Sebek records, as the writer mapped them: where they end.
  m.sebek_records = mapper_.map(n.event, [&](const SebekRecord& r) {
    stream_pos_ += sebekd_format::kStreamRecordHeaderSize + r.data.size();
    if (pcap_pos_ != kNoPcap) pcap_pos_ += kPcapRecordHeader + sebekd_format::kFrameHeaderSize + r.data.size();
  });
  m.next_counter = mapper_.next_counter();
  m.stream_end = stream_pos_;
  m.pcap_end = pcap_pos_;
}

// A version-1 entry of a scan; its size, or 0 when it is not intact.
std::uint64_t read_v1_entry(NativeScan& s, std::uint64_t off) {
  auto v = native::parse_v1_entry(std::span(s.bytes).subspan(off));
  if (!v) return 0;
  v->entry.offset = off;
  if (!v->checkpoint) s.entries.push_back(v->entry);
  return v->size;
}

}  // namespace

std::string stream_path_of(const std::string& native_path) {
  const std::size_t slash = native_path.rfind('/');
  const std::size_t base = slash == std::string::npos ? 0 : slash + 1;
  std::string name = native_path.substr(base);
  if (name.starts_with("native.")) name.replace(0, 6, "sebek");
  if (name.ends_with(".xnl")) name.replace(name.size() - 4, 4, ".sbk");
  return native_path.substr(0, base) + name;
}

void scan_native_bytes(NativeScan& s, std::string_view native_name, std::string_view stream_name) {
  s.entries.clear();
  s.joined.clear();
  s.file_size = s.bytes.size();
  BatchReader::Fixups fixups;
  std::uint64_t off = 0;
  while (off < s.bytes.size()) {
    const std::uint32_t magic = magic_at(std::span(s.bytes).subspan(off));
    std::uint64_t size = 0;
    if (magic == native::kBatchMagic) size = BatchReader(s, native_name, stream_name, off, fixups).read();
    else if (magic == native::kV1Magic) size = read_v1_entry(s, off);
    if (size == 0) break;
    off += size;
  }
  s.valid_end = off;
  for (const auto& [entry, at] : fixups) {
    auto& data = s.entries[entry].event.data;
    data = std::span<const std::uint8_t>(s.joined.data() + at, data.size());
  }
}

NativeScan scan_native_log(const std::string& path, const std::string& stream_path) {
  NativeScan s;
  s.exists = read_file(path, s.bytes);
  if (!s.exists) return s;
  s.stream_exists = read_file(stream_path, s.stream);
  scan_native_bytes(s, path, stream_path);
  return s;
}

NativeScan scan_native_log(const std::string& path) { return scan_native_log(path, stream_path_of(path)); }

std::optional<LogState> walk_native_log(int fd, std::uint64_t from, std::uint64_t* valid_end) {
  std::optional<LogState> last;
  struct stat st {};
  const std::uint64_t size = ::fstat(fd, &st) == 0 ? std::uint64_t(st.st_size) : 0;
  std::uint64_t off = from;
  std::array<std::uint8_t, sizeof(native::NativeV1Fixed)> fixed{};
  std::vector<std::uint8_t> head_and_index;
  const auto pread_all = [fd](void* buf, std::size_t n, std::uint64_t at) {
    return ::pread(fd, buf, n, static_cast<off_t>(at)) == static_cast<ssize_t>(n);
  };
  while (off < size && size - off >= sizeof(BatchHead) + sizeof(BatchTail)) {
    const std::size_t peek = std::min<std::uint64_t>(fixed.size(), size - off);
    if (!pread_all(fixed.data(), peek, off)) break;
    const std::uint32_t magic = magic_at(fixed);
    if (magic == native::kV1Magic) {
      if (peek < fixed.size() || size - off < fixed.size() + native::kV1TrailerSize) break;
      const std::uint64_t data_len = native::v1_data_len(fixed);
      if (size - off - fixed.size() - native::kV1TrailerSize < data_len) break;
      std::uint32_t trailer = 0;
      if (!pread_all(&trailer, sizeof trailer, off + fixed.size() + data_len)) break;
      const auto v = native::parse_v1_fixed(fixed, trailer);
      if (!v) break;
      last = v->state;
      off += v->size;
      continue;
    }
    BatchHead h;
    std::memcpy(&h, fixed.data(), sizeof h);
    if (magic != native::kBatchMagic || !head_fits(h, size - off)) break;
    head_and_index.resize(sizeof(BatchHead) + h.index_len);
    BatchTail tail;
    if (!pread_all(head_and_index.data(), head_and_index.size(), off) ||
        !pread_all(&tail, sizeof tail, off + h.total_len - sizeof tail) || !tail_matches(head_and_index, tail))
      break;
    last = state_of(h);
    off += h.total_len;
  }
  if (valid_end) *valid_end = off;
  return last;
}

std::optional<LogState> last_native_state(const std::string& path, std::uint64_t* valid_end,
                                          std::uint64_t* file_size) {
  if (valid_end) *valid_end = 0;
  if (file_size) *file_size = 0;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (file_size && ::fstat(fd, &st) == 0) *file_size = std::uint64_t(st.st_size);
  auto last = walk_native_log(fd, 0, valid_end);
  ::close(fd);
  return last;
}

}  // namespace xebekd
