#include "domain_session.hpp"

#include <time.h>

#include "xebekd/control_mode.hpp"
#include "xebekd/ring_event.hpp"

namespace xebekd {
namespace {

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
  }
  return nullptr;
}

}  // namespace

std::string log_dir_name(const xebek0::DomainInfo& dom) {
  std::string out;
  for (char c : dom.name)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') ? c : '_';
  if (out.empty() || out == "." || out == ".." || out.size() > 64) out = "dom" + std::to_string(dom.id);
  return out;
}

DomainSession::DomainSession(const DaemonOptions& opt, const xebek0::DomainInfo& dom,
                             std::unique_ptr<xebek0::MappedRing> ring, const AddressChoice& addr)
    : opt_(opt), dom_(dom), addr_(addr), ring_(std::move(ring)) {
  LogOptions lo;
  lo.dir = opt.logdir + "/" + log_dir_name(dom);
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

void DomainSession::set_control(std::uint32_t control) {
  if (!consumer_->failed()) consumer_->set_control(control);
}

bool DomainSession::write_pending() {
  std::uint64_t now = realtime_ns();
  // Receive times never go backwards within a domain's logs.
  if (now < last_recv_ns_) now = last_recv_ns_;
  const BatchResult r = logs_->write_batch(pending_, now);
  if (r.error) {
    ++write_failures_;
    last_failure_ = std::chrono::steady_clock::now();
    return false;
  }
  last_recv_ns_ = now;
  records_ += pending_.size();
  for (const Event& e : pending_) bytes_ += e.data.size();
  sebek_records_ += r.records;
  log_bytes_ += r.bytes;
  pending_.clear();
  consumer_->commit();
  return true;
}

bool DomainSession::drain(unsigned max_batches) {
  if (!pending_.empty()) {
    // Waiting for space: retry at most every 100 ms, whatever wakes us.
    if (std::chrono::steady_clock::now() - last_failure_ < std::chrono::milliseconds(100)) return false;
    if (!write_pending()) return false;  // the retry timer calls again
  }
  std::uint64_t drained = 0;
  for (unsigned b = 0; b < max_batches; ++b) {
    if (consumer_->failed()) return false;
    auto recs = consumer_->poll();
    if (recs.empty()) break;
    pending_.clear();
    pending_.reserve(recs.size());
    for (const auto& r : recs) pending_.push_back(event_from_record(r));
    drained += recs.size();
    if (!write_pending()) return false;
  }
  if (consumer_->failed()) return false;
  if (drained >= opt_.max_batch * max_batches) return true;  // more is likely waiting
  // Under load ask to be woken only for a good batch (a timer collects the
  // rest); when quiet, for any record so keystrokes show up at once.
  const bool busy = drained + last_drain_records_ >= 256;
  last_drain_records_ = drained;
  const std::uint32_t threshold = busy ? ring_->size() / 8 : 1;
  return consumer_->arm_notify(threshold);
}

DomainStatus DomainSession::status() const {
  DomainStatus d;
  const auto& s = consumer_->stats();
  d.id = dom_.id;
  d.name = dom_.name;
  d.state = consumer_->failed() ? "failed" : "active";
  d.failure = consumer_->failure();
  d.ip = sebek::ipv4_to_string(addr_.addr);
  d.ip_source = to_string(addr_.source);
  d.control = consumer_->control();
  d.control_applied = s.control_applied;
  d.records = records_;
  d.sebek_records = sebek_records_;
  d.bytes = bytes_;
  d.log_bytes = log_bytes_;
  for (unsigned r = 0; r < XEBEK_LOSS_NR; ++r)
    if (const char* n = loss_reason_name(r)) d.lost[n] = s.lost[r];
  d.protocol_errors = s.protocol_errors;
  for (unsigned k = 0; k < xebek0::kProtocolErrorKinds; ++k)
    if (s.by_kind[k]) d.errors[xebek0::to_string(static_cast<xebek0::ProtocolError>(k))] = s.by_kind[k];
  d.lag_bytes = s.lag_bytes;
  d.write_failures = write_failures_;
  d.disk_full = !pending_.empty();
  d.notifications = s.events;
  d.notify_requests = s.notify_requests;
  d.skipped_replayed = s.skipped_replayed;
  d.rotations = logs_->rotations();
  d.stream_log = logs_->stream_path();
  d.pcap_log = opt_.pcap ? logs_->pcap_path() : "";
  d.native_log = logs_->native_path();
  return d;
}

}  // namespace xebekd
