// The ring consumer: see consumer.hpp. Every access to shared memory goes
// through load_index()/copy_shared(), so each shared word is fetched once
// per use and the code only ever looks at private copies.
#include "xebek0/consumer.hpp"

#include <algorithm>
#include <cstring>

namespace xebek0 {
namespace {

constexpr uint32_t kHdrV1 = sizeof(xebek_rec_v1);

uint32_t header_size(unsigned version) {
  return version == XEBEK_RING_VERSION_1 ? kHdrV1 : uint32_t{sizeof(xebek_rec)};
}

// The flags each version defines; others are cleared from the private copy.
constexpr uint16_t kFlagsV1 = XEBEK_RF_TRUNCATED | XEBEK_RF_TTY | XEBEK_RF_SEBEK_CHUNK;
constexpr uint16_t kFlagsV2 = kFlagsV1 | XEBEK_RF_PIECE | XEBEK_RF_LAST | XEBEK_RF_FAILED;

// A version-1 header in the version-2 layout.
xebek_rec widen(const xebek_rec_v1& o) {
  xebek_rec h{};
  h.len = o.len;
  h.type = o.type;
  h.flags = o.flags & kFlagsV1;
  h.seq = o.seq;
  h.group = o.seq;
  h.time_ns = o.time_ns;
  h.pid = o.pid;
  h.tgid = o.tgid;
  h.ppid = o.ppid;
  h.uid = o.uid;
  h.euid = o.uid;
  h.fsuid = o.uid;
  h.fd = o.fd;
  h.inode = o.inode;
  h.ret = o.ret;
  std::memcpy(h.comm, o.comm, sizeof h.comm);
  return h;
}

// Copies n bytes (a multiple of 8, from an 8-byte aligned address) out of
// guest memory, one untorn 64-bit load per word, so the compiler can never
// re-read a field after it was validated (no double fetch).
void copy_shared(void* dst, const uint8_t* src, uint32_t n) {
  auto* out = static_cast<uint8_t*>(dst);
  const auto* words = reinterpret_cast<const uint64_t*>(src);
  for (uint32_t i = 0; i < n / 8; ++i) {
    uint64_t v = __atomic_load_n(&words[i], __ATOMIC_RELAXED);
    std::memcpy(out + 8 * i, &v, 8);
  }
}

bool reached(uint32_t index, uint32_t target) {
  return index - target < 0x80000000u;
}

}  // namespace

Consumer::Consumer(MappedRing& ring, ConsumerOptions opts)
    : ring_(ring),
      opts_(opts),
      size_(ring.size()),
      version_(ring.version()),
      hdr_size_(header_size(ring.version())),
      type_max_(ring.version() == XEBEK_RING_VERSION_1 ? XEBEK_REC_TYPE_MAX_V1 : XEBEK_REC_TYPE_MAX),
      max_rec_(std::min<uint32_t>(XEBEK_REC_MAX, ring.size() / 2)) {
  if (opts_.max_batch == 0) opts_.max_batch = 1;
  batch_.reserve(std::min<size_t>(opts_.max_batch, 4096));
  xebek_ring_intf* ri = ring_.intf();
  if (!check_identity()) return;
  stats_.instance = XEBEK_READ(ri->instance);
  if (opts_.resume && opts_.resume->instance != stats_.instance)
    opts_.resume.reset();  // a different ring: nothing of it was written
  control_ = XEBEK_READ(ri->control);
  // The starting cons is the one value taken on trust: where the previous
  // daemon stopped. It is still checked for shape against prod.
  uint32_t cons = XEBEK_READ(ri->cons);
  uint32_t prod = XEBEK_READ(ri->prod);
  if (cons % XEBEK_REC_ALIGN != 0) {
    error(ProtocolError::ConsMoved, "initial cons " + std::to_string(cons) +
                                        " is not 8-byte aligned");
    return;
  }
  if (prod - cons > size_) {
    error(ProtocolError::ProdAhead,
          "initial prod " + std::to_string(prod) + " is more than the ring size ahead of cons " +
              std::to_string(cons));
    return;
  }
  cons_ = read_ = prod_seen_ = cons;
}

bool Consumer::check_identity() {
  xebek_ring_intf* ri = ring_.intf();
  uint32_t magic = XEBEK_READ(ri->magic);
  uint16_t version = XEBEK_READ(ri->version);
  uint32_t hdr = XEBEK_READ(ri->hdr_size);
  uint8_t order = XEBEK_READ(ri->order);
  const bool known = version_ == XEBEK_RING_VERSION || version_ == XEBEK_RING_VERSION_1;
  if (!known || magic != ring_.magic() || version != version_ || hdr != hdr_size_) {
    error(ProtocolError::BadIdentity,
          "magic/version/header size " + std::to_string(magic) + "/" +
              std::to_string(version) + "/" + std::to_string(hdr) +
              " do not match the announcement (magic " + std::to_string(ring_.magic()) +
              ", protocol version " + std::to_string(version_) + ")");
    return false;
  }
  if (order != ring_.order()) {
    error(ProtocolError::OrderChanged,
          "ring order in the interface page is " + std::to_string(order) +
              ", mapped with " + std::to_string(ring_.order()));
    return false;
  }
  return true;
}

void Consumer::error(ProtocolError e, const std::string& detail) {
  stats_.by_kind[static_cast<unsigned>(e)]++;
  stats_.protocol_errors++;
  if (is_fatal(e) && !failed_) {
    failed_ = true;
    failure_ = "domain " + ring_.domain().name + ": protocol error " + to_string(e) +
               ": " + detail;
  }
}

bool Consumer::resume_skips(uint64_t seq) {
  if (!opts_.resume) return false;
  if (seq <= opts_.resume->seq) {
    stats_.skipped_replayed++;
    return true;
  }
  opts_.resume.reset();  // past the resume point: never skip again
  return false;
}

std::span<const Record> Consumer::poll() {
  batch_.clear();
  if (failed_) return {};
  const std::optional<uint32_t> prod = read_prod();
  if (!prod) return {};
  while (read_ != *prod && batch_.size() < opts_.max_batch) {
    Record rec;
    const Frame f = read_frame(*prod, rec);
    if (f == Frame::Broken) break;
    if (f == Frame::Skip || !read_payload(rec) || !track_seq(rec.hdr)) continue;
    if (rec.hdr.type == XEBEK_REC_LOSS) stats_.lost[rec.loss.reason] += rec.loss.count;
    stats_.records++;
    stats_.payload_bytes += rec.payload.size();
    batch_.push_back(rec);
  }
  if (!batch_.empty()) stats_.batches++;
  return batch_;
}

std::optional<uint32_t> Consumer::read_prod() {
  xebek_ring_intf* ri = ring_.intf();
  if (!check_identity()) return std::nullopt;
  const uint32_t shared_cons = XEBEK_READ(ri->cons);
  if (shared_cons != cons_) {
    error(ProtocolError::ConsMoved, "cons is " + std::to_string(shared_cons) +
                                        ", Dom0 wrote " + std::to_string(cons_));
    return std::nullopt;
  }
  stats_.control_applied = XEBEK_READ(ri->control_applied);

  const uint32_t prod = XEBEK_READ(ri->prod);
  // The records up to prod are read only after prod itself.
  XEBEK_RMB();
  if (prod % XEBEK_REC_ALIGN != 0) {
    error(ProtocolError::ProdUnaligned, "prod " + std::to_string(prod));
    return std::nullopt;
  }
  if (prod - cons_ > size_) {
    error(ProtocolError::ProdAhead, "prod " + std::to_string(prod) + " cons " +
                                        std::to_string(cons_) + " size " +
                                        std::to_string(size_));
    return std::nullopt;
  }
  if (prod - cons_ < read_ - cons_) {
    error(ProtocolError::ProdBackwards, "prod " + std::to_string(prod) +
                                            " behind records already read up to " +
                                            std::to_string(read_));
    return std::nullopt;
  }
  prod_seen_ = prod;
  stats_.lag_bytes = prod - cons_;
  return prod;
}

// The header at "off", at most n bytes of it (a padding record may be as
// short as 8), copied once and widened to the version-2 layout.
void Consumer::copy_header(uint32_t off, uint32_t n, xebek_rec& out) const {
  if (version_ == XEBEK_RING_VERSION_1) {
    xebek_rec_v1 v1{};
    copy_shared(&v1, ring_.data() + off, std::min(n, kHdrV1));
    out = widen(v1);
    return;
  }
  copy_shared(&out, ring_.data() + off, std::min<uint32_t>(n, sizeof out));
  out.flags &= kFlagsV2;
}

Consumer::Frame Consumer::read_frame(uint32_t prod, Record& rec) {
  const uint32_t off = read_ & (size_ - 1);
  const uint32_t room = size_ - off;    // multiple of 8, >= 8
  const uint32_t avail = prod - read_;  // multiple of 8, >= 8
  copy_header(off, std::min({hdr_size_, room, avail}), rec.hdr);
  const xebek_rec& h = rec.hdr;
  // Error text only, built when needed: the hot path formats nothing.
  const auto at = [pos = read_] { return " at " + std::to_string(pos); };

  if (h.len == 0) {
    error(ProtocolError::ZeroLength, "record" + at());
    return Frame::Broken;
  }
  if (h.type == XEBEK_REC_PAD) {
    if (h.len != room) {
      error(ProtocolError::BadPad, "padding of " + std::to_string(h.len) +
                                       " bytes does not end the area (room " +
                                       std::to_string(room) + ")" + at());
      return Frame::Broken;
    }
    if (room > avail) {
      error(ProtocolError::PastProd, "padding past prod" + at());
      return Frame::Broken;
    }
    read_ += room;
    return Frame::Skip;
  }
  if (h.len < hdr_size_) {
    error(ProtocolError::ShortLength, "length " + std::to_string(h.len) + at());
    return Frame::Broken;
  }
  if (h.len > max_rec_) {
    error(ProtocolError::HugeLength, "length " + std::to_string(h.len) + " > " +
                                         std::to_string(max_rec_) + at());
    return Frame::Broken;
  }
  if (h.len > room) {
    error(ProtocolError::PastEnd, "length " + std::to_string(h.len) +
                                      " runs past the end of the area" + at());
    return Frame::Broken;
  }
  const uint32_t step = XEBEK_REC_ALIGNED(h.len);
  if (step > avail) {
    error(ProtocolError::PastProd, "length " + std::to_string(h.len) + " runs past prod" + at());
    return Frame::Broken;
  }
  // Framing of this record is sound from here on: whatever else is wrong
  // with it, the next record starts at read_ + step.
  rec.payload = {ring_.data() + off + hdr_size_, h.len - hdr_size_};
  read_pos_ = read_;
  read_ += step;
  if (h.type > type_max_) {
    error(ProtocolError::UnknownType, "type " + std::to_string(h.type) + at());
    return Frame::Skip;
  }
  return Frame::Record;
}

bool Consumer::read_payload(Record& rec) {
  const auto at = [pos = read_pos_] { return " at " + std::to_string(pos); };
  const uint32_t plen = static_cast<uint32_t>(rec.payload.size());
  if (rec.hdr.type == XEBEK_REC_SOCKET) {
    if (plen != sizeof(xebek_sock)) {
      error(ProtocolError::BadPayload, "socket payload of " + std::to_string(plen) + at());
      return false;
    }
    copy_shared(&rec.sock, rec.payload.data(), sizeof(xebek_sock));
  } else if (rec.hdr.type == XEBEK_REC_LOSS) {
    // Longer when it stands where a reservation was given up: the bytes
    // after the struct are the rest of that record's room, skipped.
    if (plen < sizeof(xebek_loss)) {
      error(ProtocolError::BadPayload, "loss payload of " + std::to_string(plen) + at());
      return false;
    }
    copy_shared(&rec.loss, rec.payload.data(), sizeof(xebek_loss));
    if (rec.loss.reason >= XEBEK_LOSS_NR) {
      error(ProtocolError::BadLossReason, "reason " + std::to_string(rec.loss.reason) + at());
      return false;
    }
    if (rec.loss.count > kMaxLossPerRecord) {
      error(ProtocolError::LossHuge, "loss count " + std::to_string(rec.loss.count) + at());
      rec.loss.count = kMaxLossPerRecord;  // the private copy: capped, never wrapped
    }
  } else if (rec.hdr.type == XEBEK_REC_PROCVM) {
    if (plen != sizeof(xebek_procvm)) {
      error(ProtocolError::BadPayload, "process_vm payload of " + std::to_string(plen) + at());
      return false;
    }
    copy_shared(&rec.procvm, rec.payload.data(), sizeof(xebek_procvm));
  } else if ((rec.hdr.type == XEBEK_REC_CLOSE || rec.hdr.type == XEBEK_REC_FORK) && plen != 0) {
    error(ProtocolError::BadPayload, "payload of " + std::to_string(plen) + " on a record that has none" + at());
    return false;
  }
  check_piece(rec.hdr);
  return true;
}

// Piece fields steer reassembly in xebekd, so they must be coherent: a
// piece of a payload-carrying type whose group is not after it. Anything
// else is kept as a whole record of its own.
void Consumer::check_piece(xebek_rec& h) {
  const bool splittable =
      h.type == XEBEK_REC_READ || h.type == XEBEK_REC_WRITE || h.type == XEBEK_REC_EXEC;
  if (!(h.flags & XEBEK_RF_PIECE)) {
    if (h.flags & XEBEK_RF_LAST)
      error(ProtocolError::BadPiece, "last-piece flag without piece flag at " + std::to_string(read_pos_));
    h.flags &= ~XEBEK_RF_LAST;
    h.group = h.seq;
    h.offset = 0;
    return;
  }
  if (!splittable || h.group > h.seq) {
    error(ProtocolError::BadPiece, "piece of type " + std::to_string(h.type) + " group " +
                                       std::to_string(h.group) + " seq " + std::to_string(h.seq) +
                                       " at " + std::to_string(read_pos_));
    h.flags &= ~(XEBEK_RF_PIECE | XEBEK_RF_LAST);
    h.group = h.seq;
    h.offset = 0;
  }
}

bool Consumer::track_seq(const xebek_rec& h) {
  const auto at = [pos = read_pos_] { return " at " + std::to_string(pos); };
  if (stats_.have_seq && h.seq <= stats_.last_seq)
    error(ProtocolError::SeqBackwards, "seq " + std::to_string(h.seq) + " after " +
                                           std::to_string(stats_.last_seq) + at());
  else if (stats_.have_seq && h.seq != stats_.last_seq + 1)
    error(ProtocolError::SeqGap, "seq " + std::to_string(h.seq) + " after " +
                                     std::to_string(stats_.last_seq) + at());
  stats_.have_seq = true;
  stats_.last_seq = h.seq;
  return !resume_skips(h.seq);
}

void Consumer::commit() {
  if (read_ == cons_) return;
  // Our reads of the records complete before the guest may reuse them.
  XEBEK_MB();
  XEBEK_WRITE(ring_.intf()->cons, read_);
  cons_ = read_;
}

bool Consumer::arm_notify(uint32_t min_bytes) {
  if (failed_) return false;
  xebek_ring_intf* ri = ring_.intf();
  // At most half the ring: a target the producer can always reach before
  // the ring fills, or it would never signal.
  const uint32_t at = read_ + std::clamp<uint32_t>(min_bytes, 1, size_ / 2);
  XEBEK_WRITE(ri->notify_at, at);
  XEBEK_WMB();  // the event index before the request that makes it live
  XEBEK_WRITE(ri->notify_req, uint32_t{XEBEK_NOTIFY_DATA});
  // Request visible before we look at prod again (pairs with the
  // producer's barrier between publishing prod and reading the request).
  XEBEK_MB();
  armed_ = true;
  stats_.notify_requests++;
  return reached(XEBEK_READ(ri->prod), at);
}

void Consumer::on_event() {
  uint64_t n = ring_.consume_events();
  if (n == 0) return;
  stats_.events += n;
  if (armed_) {
    armed_ = false;
    --n;  // the one signal we asked for
  }
  if (n == 0) return;
  stats_.unsolicited_events += n;
  const auto now = std::chrono::steady_clock::now();
  if (now - flood_window_ >= std::chrono::seconds(1)) {
    flood_window_ = now;
    flood_count_ = 0;
    flood_reported_ = false;
  }
  flood_count_ += n;
  if (flood_count_ > opts_.flood_limit_per_s && !flood_reported_) {
    flood_reported_ = true;
    error(ProtocolError::NotifyFlood,
          std::to_string(flood_count_) + " unsolicited signals within a second");
  }
}

void Consumer::set_control(uint32_t control) {
  control_ = control;
  XEBEK_WRITE(ring_.intf()->control, control);
  XEBEK_MB();  // the word before the signal that makes the guest read it
  ring_.notify();
}

}  // namespace xebek0
