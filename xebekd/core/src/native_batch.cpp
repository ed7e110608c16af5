#include "xebekd/native_batch.hpp"

#include <algorithm>
#include <cstring>

#include "xebekd/crc32c.hpp"

namespace xebekd::native {

void NativeBatchWriter::begin(const BatchContext& ctx, const LogPosition& start) {
  ctx_ = ctx;
  at_ = start;
  used_ = 0;
  data_.reset();
  open_batch();
}

void NativeBatchWriter::open_batch() {
  if (used_ == batches_.size()) batches_.emplace_back();
  Open& b = batches_[used_++];
  b.head = BatchHead{};
  b.head.magic = kBatchMagic;
  b.head.version = kVersion;
  b.head.domid = ctx_.domid;
  b.head.recv_time_ns = ctx_.recv_time_ns;
  b.head.ring_instance = ctx_.ring_instance;
  b.head.stream_start = at_.stream;
  b.head.pcap_start = at_.pcap;
  b.head.first_counter = at_.counter;
  b.index.resize(sizeof(BatchHead));  // the head is written there when it is complete
  data_.seal();
  b.data_first = data_.iov().size();
  b.data_bytes = 0;
  next_seq_.reset();
  detail_.reset();
}

void NativeBatchWriter::add(const Event& e, const StreamPlacement& placed, const LogPosition& after) {
  Open& b = batches_[used_ - 1];
  if (b.head.count == 0) b.head.first_seq = e.seq;
  const std::uint64_t implied = next_seq_ ? *next_seq_ : e.seq;
  if (!append_ref_entry(e, implied, b.head.stream_start, placed, detail_, b.index)) {
    append_full_entry(e, b.index);
    data_.append(e.data);
    b.data_bytes += e.data.size();
  }
  ++b.head.count;
  next_seq_ = e.seq + 1;
  detail_.note(e.detail);
  if (!ctx_.resume_seq || e.seq > *ctx_.resume_seq) ctx_.resume_seq = e.seq;
  at_ = after;
  if (b.index.size() >= kBatchIndexTarget || b.data_bytes >= kBatchDataTarget) {
    close_batch();
    open_batch();
  }
}

void NativeBatchWriter::close_batch() {
  Open& b = batches_[used_ - 1];
  BatchHead& h = b.head;
  h.stream_end = at_.stream;
  h.pcap_end = at_.pcap;
  h.next_counter = at_.counter;
  if (ctx_.resume_seq) {
    h.flags |= kBatchHasResumeSeq;
    h.resume_seq = *ctx_.resume_seq;
  }
  h.index_len = static_cast<std::uint32_t>(b.index.size() - sizeof(BatchHead));
  h.total_len = static_cast<std::uint32_t>(b.index.size() + b.data_bytes + sizeof(BatchTail));
  std::memcpy(b.index.data(), &h, sizeof h);
  b.tail.crc = crc32c(b.index);
  b.tail.magic = kBatchEndMagic;
  data_.seal();
  b.data_end = data_.iov().size();
}

std::vector<iovec>& NativeBatchWriter::finish() {
  close_batch();
  iov_.clear();
  bytes_ = 0;
  const auto& data = data_.iov();
  for (std::size_t i = 0; i < used_; ++i) {
    Open& b = batches_[i];
    iov_.push_back({b.index.data(), b.index.size()});
    iov_.insert(iov_.end(), data.begin() + std::ptrdiff_t(b.data_first), data.begin() + std::ptrdiff_t(b.data_end));
    iov_.push_back({&b.tail, sizeof b.tail});
    bytes_ += b.head.total_len;
  }
  return iov_;
}

std::vector<iovec>& NativeBatchWriter::checkpoint(const BatchContext& ctx, const LogPosition& at) {
  begin(ctx, at);
  return finish();
}

}  // namespace xebekd::native
