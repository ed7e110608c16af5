// The rings with work waiting, in the order they became ready. Each round
// serves every one of them once, oldest first, so a domain's place in the
// round does not depend on its id: a quiet domain that signals waits for
// the rings ahead of it in one round, never for a second round.
#pragma once

#include <cstdint>
#include <unordered_set>
#include <vector>

namespace xebekd {

class ReadyRings {
 public:
  // Queues `id` at the end unless it is queued already.
  void add(std::uint32_t id) {
    if (queued_.insert(id).second) order_.push_back(id);
  }
  // Forgets `id` (its domain was detached).
  void remove(std::uint32_t id) {
    if (queued_.erase(id)) std::erase(order_, id);
  }
  bool empty() const { return order_.empty(); }
  // The round to serve now: everything queued, oldest first; the queue is
  // empty afterwards. Reuses `round`'s storage.
  void take_round(std::vector<std::uint32_t>& round) {
    round.clear();
    round.swap(order_);
    queued_.clear();
  }

 private:
  std::vector<std::uint32_t> order_;
  std::unordered_set<std::uint32_t> queued_;
};

}  // namespace xebekd
