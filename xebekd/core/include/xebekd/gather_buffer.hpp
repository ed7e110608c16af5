// Builds the iovec list of one writev() batch. Small pieces (headers,
// keystroke-sized payloads) are copied into staging blocks and merge into
// one iovec; large payloads stay where they are (the ring) and get an
// iovec of their own, so they are copied exactly once, into the file. A
// batch of 1-byte records then costs one iovec instead of two per record.
//
// Staging lives in fixed blocks that never move and are kept from batch
// to batch: no capacity has to be known in advance, the iovecs stay valid
// however much is staged, and a steady load allocates nothing.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include <sys/uio.h>

namespace xebekd {

class GatherBuffer {
 public:
  // Payloads shorter than this are staged (copied) instead of referenced.
  static constexpr std::size_t kStageBelow = 256;
  // The largest single piece stage() accepts.
  static constexpr std::size_t kBlockSize = 64 * 1024;

  // Starts a batch; the blocks of the previous one are reused.
  void reset() {
    block_ = 0;
    used_ = 0;
    iov_.clear();
    merge_ = false;
  }

  // Room for n (<= kBlockSize) staged bytes, appended to the output.
  std::uint8_t* stage(std::size_t n) {
    if (blocks_.empty() || used_ + n > kBlockSize) next_block();
    std::uint8_t* p = blocks_[block_].get() + used_;
    if (merge_ && static_cast<std::uint8_t*>(iov_.back().iov_base) + iov_.back().iov_len == p)
      iov_.back().iov_len += n;
    else
      iov_.push_back({p, n});
    merge_ = true;
    used_ += n;
    return p;
  }

  // Appends `data`: staged if small, else referenced in place. Returns
  // where the bytes now are (the staged copy, or `data` itself).
  std::span<const std::uint8_t> append(std::span<const std::uint8_t> data) {
    if (data.empty()) return data;
    if (data.size() < kStageBelow) {
      std::uint8_t* p = stage(data.size());
      std::memcpy(p, data.data(), data.size());
      return {p, data.size()};
    }
    iov_.push_back({const_cast<std::uint8_t*>(data.data()), data.size()});
    merge_ = false;
    return data;
  }

  // What follows starts a new iovec (so a range of iovecs can be cut out).
  void seal() { merge_ = false; }

  std::vector<iovec>& iov() { return iov_; }

 private:
  void next_block() {
    if (!blocks_.empty()) ++block_;
    if (block_ == blocks_.size()) blocks_.push_back(std::make_unique<std::uint8_t[]>(kBlockSize));
    used_ = 0;
    merge_ = false;
  }

  std::vector<std::unique_ptr<std::uint8_t[]>> blocks_;
  std::size_t block_ = 0;  // current block
  std::size_t used_ = 0;   // bytes used in it
  bool merge_ = false;     // the last iovec is staged and may grow
  std::vector<iovec> iov_;
};

}  // namespace xebekd
