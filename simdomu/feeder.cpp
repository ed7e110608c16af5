#include "feeder.hpp"

#include <chrono>
#include <thread>

#include <poll.h>

namespace simdomu {

Feeder::Feeder(simdomu::SimDomain& dom, std::uint32_t initial_control, bool wait_when_full,
               const std::atomic<bool>& stop)
    : dom_(dom), control_(initial_control), wait_(wait_when_full), stop_(stop) {}

void Feeder::poll_control() {
  pollfd p{dom_.control_fd(), POLLIN, 0};
  if (::poll(&p, 1, 0) == 1 && (p.revents & POLLIN)) control_ = dom_.apply_control();
}

std::uint32_t Feeder::room() const {
  const xebek_producer* p = const_cast<simdomu::SimDomain&>(dom_).producer();
  const std::uint32_t cons = XEBEK_READ(p->intf->cons);
  return p->size - (p->prod - cons);
}

void Feeder::feed(const xebek_rec& tmpl, std::span<const std::uint8_t> payload,
                  std::uint64_t lost_before) {
  if (++since_control_check_ >= 64) {
    since_control_check_ = 0;
    poll_control();
  }
  xebek_producer* p = dom_.producer();
  if (lost_before) {
    // What xebek_producer_drop() does, n times at once: the next record
    // that fits is preceded by one loss record carrying the count.
    p->pending[XEBEK_LOSS_OTHER] += lost_before;
    p->drops[XEBEK_LOSS_OTHER] += lost_before;
    XEBEK_WRITE(p->intf->drops[XEBEK_LOSS_OTHER], p->drops[XEBEK_LOSS_OTHER]);
    stats_.reported_lost += lost_before;
  }
  if (!xebek_control_wants(control_, tmpl.type, static_cast<std::uint32_t>(payload.size()))) {
    ++stats_.filtered;
    return;
  }
  if (wait_) {
    // Room for the record, a loss record per reason and a pad before each.
    const std::uint64_t need =
        2ull * (XEBEK_REC_ALIGNED(sizeof(xebek_rec) + payload.size()) +
                XEBEK_LOSS_NR * XEBEK_REC_ALIGNED(sizeof(xebek_rec) + sizeof(xebek_loss)));
    while (room() < need && !stop_.load(std::memory_order_relaxed)) {
      poll_control();
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
  if (dom_.produce(tmpl, payload)) ++stats_.produced;
  else ++stats_.dropped;
}

bool Feeder::wait_drained(double timeout_s) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  const xebek_producer* p = dom_.producer();
  while (XEBEK_READ(p->intf->cons) != p->prod) {
    if (stop_.load() || std::chrono::steady_clock::now() > end) return false;
    poll_control();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

bool Feeder::wait_consumer(double timeout_s) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  const xebek_producer* p = dom_.producer();
  while (XEBEK_READ(p->intf->notify_req) == 0 && XEBEK_READ(p->intf->cons) == 0) {
    if (stop_.load() || std::chrono::steady_clock::now() > end) return false;
    poll_control();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  poll_control();
  return true;
}

}  // namespace simdomu
