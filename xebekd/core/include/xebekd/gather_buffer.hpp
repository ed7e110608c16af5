// Builds the iovec list of one writev() batch. Small pieces (headers,
// keystroke-sized payloads) are copied into one staging buffer and merge
// into a single iovec; large payloads stay where they are (the ring) and
// get an iovec of their own, so they are copied exactly once, into the
// file. A batch of 1-byte records then costs one iovec instead of two per
// record, and the kernel's per-iovec overhead disappears.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include <sys/uio.h>

namespace xebekd {

class GatherBuffer {
 public:
  // Payloads shorter than this are staged (copied) instead of referenced.
  static constexpr std::size_t kStageBelow = 256;

  // Starts a batch that stages at most `capacity` bytes: the buffer never
  // moves during a batch, so the iovecs pointing into it stay valid.
  void reset(std::size_t capacity) {
    if (stage_.size() < capacity) stage_.resize(capacity);
    used_ = 0;
    iov_.clear();
  }

  // Room for n staged bytes, appended to the output; returns where to write.
  std::uint8_t* stage(std::size_t n) {
    std::uint8_t* p = stage_.data() + used_;
    if (!iov_.empty() && static_cast<std::uint8_t*>(iov_.back().iov_base) + iov_.back().iov_len == p)
      iov_.back().iov_len += n;
    else
      iov_.push_back({p, n});
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
    return data;
  }

  std::vector<iovec>& iov() { return iov_; }

 private:
  std::vector<std::uint8_t> stage_;
  std::size_t used_ = 0;
  std::vector<iovec> iov_;
};

}  // namespace xebekd
