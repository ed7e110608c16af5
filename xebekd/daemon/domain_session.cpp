#include "domain_session.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <time.h>

#include "xebek0/control_mode.hpp"
#include "xebekd/log_dir_name.hpp"
#include "xebekd/ring_event.hpp"

namespace xebekd {
namespace {

using namespace std::chrono_literals;

// Refused batches are retried after 100 ms, then less and less often.
constexpr auto kFirstBackoff = 100ms;
constexpr auto kMaxBackoff = 5000ms;
// A channel that storms is masked for 1 s, then twice as long each time it
// storms again within kMaskMemory of being unmasked.
constexpr auto kFirstMaskHold = 1000ms;
constexpr auto kMaxMaskHold = 16000ms;
constexpr auto kMaskMemory = 10s;
// Dropped records are reported at least this often while dropping goes on.
constexpr std::uint64_t kLossReportNs = 1'000'000'000ull;
// How old a domain's checkpoint may get. What recovery reads on attach is
// bounded by the checkpoint's byte interval (1 MiB of native log) whatever
// its age; replaced every second instead, the checkpoints of 256 typing
// domains were 256 file creations and renames a second, which on ext4
// kept xebekd blocked in the journal a quarter of its time.
constexpr std::uint64_t kCheckpointAgeNs = 10'000'000'000ull;

std::uint64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return std::uint64_t(ts.tv_sec) * 1'000'000'000ull + std::uint64_t(ts.tv_nsec);
}

const char* loss_reason_name(unsigned r) {
  switch (r) {
    case XEBEK_LOSS_RING_FULL: return "ring_full";
    case XEBEK_LOSS_TOO_BIG: return "too_big";
    case XEBEK_LOSS_FAULT: return "fault";
    case XEBEK_LOSS_OTHER: return "other";
    case kLossQuota: return "quota";
    case kLossLowSpace: return "low_space";
  }
  return nullptr;
}

std::string errno_name(int err) {
  const char* n = ::strerrorname_np(err);
  if (n) return n;
  std::string unnamed = "E";
  unnamed += std::to_string(err);
  return unnamed;
}

}  // namespace

DomainSession::DomainSession(const DaemonOptions& opt, const xebek0::DomainInfo& dom,
                             std::unique_ptr<xebek0::MappedRing> ring, const AddressChoice& addr,
                             FreeSpaceFloor& floor, std::vector<Event>& batch)
    : opt_(opt),
      dom_(dom),
      addr_(addr),
      ring_(std::move(ring)),
      floor_(floor),
      quota_(opt.quota_bytes, opt.quota_period_s * 1'000'000'000ull, realtime_ns()),
      batch_(batch) {
  LogOptions lo;
  lo.dir = opt.logdir + "/" + log_dir_name(dom.name, dom.id);
  lo.pcap = opt.pcap;
  lo.frame = opt.frame;
  lo.frame.src_ip = addr.addr;
  // Xen's own MAC prefix, then the domain id, unless configured.
  lo.frame.src_mac = {0x00, 0x16, 0x3e, std::uint8_t(dom.id >> 16), std::uint8_t(dom.id >> 8),
                      std::uint8_t(dom.id)};
  if (auto it = opt.domain_macs.find(dom.name); it != opt.domain_macs.end()) lo.frame.src_mac = it->second;
  else if (auto it2 = opt.domain_macs.find(std::to_string(dom.id)); it2 != opt.domain_macs.end())
    lo.frame.src_mac = it2->second;
  lo.magic = opt.magic;
  lo.rotate_bytes = opt.rotate_bytes;
  lo.rotate_seconds = opt.rotate_seconds;
  lo.sync = opt.sync;
  lo.checkpoint_ns = kCheckpointAgeNs;
  lo.own = opt.own;
  logs_ = std::make_unique<DomainLogs>(lo, dom.id);
  recovery_ = logs_->open();

  xebek0::ConsumerOptions co;
  co.max_batch = opt.max_batch;
  if (recovery_.last_seq) co.resume = xebek0::ConsumerOptions::ResumePoint{recovery_.ring_instance, *recovery_.last_seq};
  consumer_ = std::make_unique<xebek0::Consumer>(*ring_, co);
  logs_->set_ring_instance(consumer_->stats().instance);

  std::optional<std::uint32_t> mode = opt.mode;
  if (auto it = opt.domain_modes.find(dom.name); it != opt.domain_modes.end()) mode = it->second;
  else if (auto it2 = opt.domain_modes.find(std::to_string(dom.id)); it2 != opt.domain_modes.end())
    mode = it2->second;
  if (mode && !consumer_->failed()) consumer_->set_control(*mode);
}

DomainSession::~DomainSession() {
  // What was dropped and not yet reported still becomes a loss entry, and
  // a payload whose last pieces never came is written as far as it got.
  if (refused_.empty()) {
    queue_dropped_losses(true);
    pieces_.flush(pending());
    if (!pending().empty()) write_pending();
  }
}

void DomainSession::set_control(std::uint32_t control) {
  if (!consumer_->failed()) consumer_->set_control(control);
}

void DomainSession::on_event() { consumer_->on_event(); }

void DomainSession::mask(Clock::time_point now) {
  const bool again = masked_until_ != Clock::time_point{} && now - masked_until_ < kMaskMemory;
  mask_hold_ = again ? std::min<std::chrono::milliseconds>(mask_hold_ * 2, kMaxMaskHold) : kFirstMaskHold;
  masked_until_ = now + mask_hold_;
  masked_ = true;
  ++masks_;
  ring_->set_masked(true);
}

bool DomainSession::maybe_unmask(Clock::time_point now) {
  if (!masked_ || now < masked_until_) return false;
  masked_ = false;
  ring_->set_masked(false);
  // The signals that came while masked (a simulated channel counts them)
  // open the new window: a storm that went on is masked again at once.
  consumer_->on_event();
  if (consumer_->flooding()) {
    mask(now);
    return false;
  }
  return true;
}

void DomainSession::note_write_failure(int err) {
  ++write_failures_;
  ++faults_[errno_name(err)];
  const bool first = backoff_.count() == 0;
  backoff_ = first ? std::chrono::duration_cast<std::chrono::milliseconds>(kFirstBackoff)
                   : std::min<std::chrono::milliseconds>(backoff_ * 2, kMaxBackoff);
  retry_at_ = Clock::now() + backoff_;
  last_fault_ = errno_name(err) + " (" + std::strerror(err) + ") writing " + logs_->options().dir;
  if (first)
    std::fprintf(stderr, "xebekd: domain %s (id %u): cannot write its logs: %s; retrying with backoff\n",
                 dom_.name.c_str(), dom_.id, last_fault_.c_str());
}

bool DomainSession::write_pending() {
  std::uint64_t now = realtime_ns();
  // Receive times never go backwards within a domain's logs.
  if (now < last_recv_ns_) now = last_recv_ns_;
  std::vector<Event>& batch = pending();
  const BatchResult r = logs_->write_batch(batch, now);
  if (r.error) {
    // Kept in the session's own vector: the shared one serves the others.
    if (&batch == &batch_) refused_.swap(batch_);
    note_write_failure(r.error);
    return false;
  }
  if (backoff_.count())
    std::fprintf(stderr, "xebekd: domain %s (id %u): writing its logs again after %llu refused batches\n",
                 dom_.name.c_str(), dom_.id, static_cast<unsigned long long>(write_failures_));
  backoff_ = std::chrono::milliseconds(0);
  last_recv_ns_ = now;
  for (const Event& e : batch) {
    if (e.type == EventType::Loss && e.loss_reason >= kLossQuota) continue;  // ours, not the guest's
    ++records_;
    bytes_ += e.data.size();
  }
  sebek_records_ += r.records;
  log_bytes_ += r.bytes;
  quota_.charge(r.bytes);
  floor_.used(r.bytes);
  batch.clear();
  pieces_.release();
  if (&batch == &refused_) refused_.shrink_to_fit();  // a domain holds no batch between turns
  consumer_->commit();
  return true;
}

std::uint32_t DomainSession::over_budget(std::uint64_t now_ns) {
  if (floor_.below(now_ns)) return kLossLowSpace;
  if (!quota_.allows(now_ns)) return kLossQuota;
  return 0;
}

void DomainSession::drop(std::span<const xebek0::Record> recs, std::uint32_t reason) {
  for (const auto& r : recs) {
    // A loss the guest reported keeps its own reason.
    if (r.hdr.type == XEBEK_REC_LOSS) dropped_pending_[r.loss.reason] += r.loss.count;
    else ++dropped_pending_[reason];
    dropped_bytes_ += r.payload.size();
    dropped_seq_ = std::max(dropped_seq_, r.hdr.seq);
  }
  // Nothing of them is written: the guest may reuse their space at once.
  consumer_->commit();
}

void DomainSession::queue_dropped_losses(bool force) {
  if (dropped_pending_.empty()) return;
  const std::uint64_t now = realtime_ns();
  if (!force && now - last_loss_flush_ns_ < kLossReportNs) return;
  last_loss_flush_ns_ = now;
  for (const auto& [reason, count] : dropped_pending_) {
    Event e;
    e.type = EventType::Loss;
    e.seq = dropped_seq_;
    e.time_ns = now;
    e.lost = count;
    e.loss_reason = reason;
    pending().push_back(e);
    dropped_total_[reason] += count;
  }
  dropped_pending_.clear();
}

bool DomainSession::drain(unsigned max_batches) {
  if (!refused_.empty()) {
    if (Clock::now() < retry_at_) return false;  // the retry timer calls again
    if (!write_pending()) return false;
  }
  std::uint64_t drained = 0;
  for (unsigned b = 0; b < max_batches; ++b) {
    if (consumer_->failed()) return false;
    auto recs = consumer_->poll();
    if (recs.empty()) {
      // Records skipped as already written (after a restart) and padding
      // were consumed too: give their space back, or a ring that held only
      // those would stay full for good.
      consumer_->commit();
      break;
    }
    drained += recs.size();
    if (const std::uint32_t reason = over_budget(realtime_ns())) {
      drop(recs, reason);
      continue;
    }
    queue_dropped_losses(true);  // reported before what follows them
    std::vector<Event>& batch = pending();
    batch.reserve(batch.size() + recs.size());
    for (const auto& r : recs)
      pieces_.add(event_from_record(r), r.hdr.flags & XEBEK_RF_PIECE, r.hdr.flags & XEBEK_RF_LAST,
                  r.hdr.offset, batch);
    if (!write_pending()) return false;
  }
  // While dropping, the losses still reach the logs once a second.
  queue_dropped_losses(false);
  if (!pending().empty() && !write_pending()) return false;
  if (consumer_->failed()) return false;
  if (drained >= opt_.max_batch * max_batches) return true;  // more is likely waiting
  // Under load ask to be woken only for a good batch (a timer collects the
  // rest); when quiet, for any record so keystrokes show up at once.
  const bool busy = drained + last_drain_records_ >= 256;
  last_drain_records_ = drained;
  armed_threshold_ = busy ? ring_->size() / 8 : 1;
  return consumer_->arm_notify(armed_threshold_);
}

void DomainSession::tick() {
  if (refused_.empty()) {
    queue_dropped_losses(false);
    if (!pending().empty()) write_pending();
  }
  // A domain that went quiet writes no batch that would checkpoint it.
  const std::uint64_t now = realtime_ns();
  if (now - last_checkpoint_ns_ >= kCheckpointAgeNs) {
    logs_->flush_checkpoint();
    last_checkpoint_ns_ = now;
  }
}

DomainStatus DomainSession::status() const {
  DomainStatus d;
  const auto& s = consumer_->stats();
  d.id = dom_.id;
  d.name = dom_.name;
  d.state = consumer_->failed() ? "failed" : "active";
  d.failure = consumer_->failure();
  d.ip = sebekd_format::ipv4_to_string(addr_.addr);
  d.ip_source = to_string(addr_.source);
  d.control = consumer_->control();
  d.control_applied = s.control_applied;
  d.records = records_;
  d.sebek_records = sebek_records_;
  d.bytes = bytes_;
  d.log_bytes = log_bytes_;
  for (unsigned r = 0; r < XEBEK_LOSS_NR; ++r)
    if (const char* n = loss_reason_name(r)) d.lost[n] = s.lost[r];
  for (std::uint32_t r : {kLossQuota, kLossLowSpace}) {
    const auto total = dropped_total_.find(r);
    const auto open = dropped_pending_.find(r);
    d.lost[loss_reason_name(r)] = (total != dropped_total_.end() ? total->second : 0) +
                                  (open != dropped_pending_.end() ? open->second : 0);
  }
  d.protocol_errors = s.protocol_errors + pieces_.overlaps();
  for (unsigned k = 0; k < xebek0::kProtocolErrorKinds; ++k)
    if (s.by_kind[k]) d.errors[xebek0::to_string(static_cast<xebek0::ProtocolError>(k))] = s.by_kind[k];
  if (pieces_.overlaps()) d.errors["piece_overlap"] = pieces_.overlaps();
  d.lag_bytes = s.lag_bytes;
  d.write_failures = write_failures_;
  d.disk_full = !refused_.empty();
  d.notifications = s.events;
  d.notify_requests = s.notify_requests;
  d.skipped_replayed = s.skipped_replayed;
  d.rotations = logs_->rotations();
  d.stream_log = logs_->stream_path();
  d.pcap_log = opt_.pcap ? logs_->pcap_path() : "";
  d.native_log = logs_->native_path();
  d.cpu_ms = cpu_ns_ / 1'000'000ull;
  d.masked = masked_;
  d.masks = masks_;
  d.quota_bytes = quota_.limit();
  d.quota_period_s = quota_.limit() ? opt_.quota_period_s : 0;
  d.quota_available = quota_.available();
  d.dropped_bytes = dropped_bytes_;
  d.faults = faults_;
  d.last_fault = last_fault_;
  return d;
}

}  // namespace xebekd
