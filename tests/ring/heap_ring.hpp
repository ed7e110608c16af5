// An in-process ring for tests and the fuzzer: the interface page and data
// area on the heap, the producer from xebek/producer.h on one side and a
// MappedRing for the Consumer on the other, with eventfds standing in for
// the event channel in both directions.
#pragma once

#include "xebek/producer.h"
#include "xebek0/transport.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace xebek_test {

class HeapRing final : public xebek0::MappedRing {
 public:
  explicit HeapRing(unsigned order, std::string name = "dom", bool init_producer = true)
      : dom_{1, std::move(name), "1"}, order_(order) {
    mem_ = static_cast<uint8_t*>(std::aligned_alloc(XEBEK_PAGE_SIZE, len()));
    std::memset(mem_, 0, len());
    evt_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    ctl_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (init_producer)
      xebek_producer_init(&prod, mem_, mem_ + XEBEK_PAGE_SIZE, order, XEBEK_RING_MAGIC,
                          &HeapRing::signal, this);
  }
  ~HeapRing() override {
    std::free(mem_);
    ::close(evt_);
    ::close(ctl_);
  }

  // xebek0::MappedRing
  const xebek0::DomainInfo& domain() const override { return dom_; }
  xebek_ring_intf* intf() const override { return reinterpret_cast<xebek_ring_intf*>(mem_); }
  const uint8_t* data() const override { return mem_ + XEBEK_PAGE_SIZE; }
  unsigned order() const override { return order_; }
  unsigned version() const override { return version_; }
  uint32_t magic() const override { return expected_magic_; }
  int event_fd() const override { return evt_; }
  uint64_t consume_events() override {
    uint64_t v = 0;
    return ::read(evt_, &v, sizeof v) == sizeof v ? v : 0;
  }
  void notify() override {
    uint64_t one = 1;
    (void)!::write(ctl_, &one, sizeof one);
  }

  // Test side
  size_t len() const { return XEBEK_PAGE_SIZE + size_t{XEBEK_RING_SIZE(order_)}; }
  uint8_t* raw() { return mem_; }
  uint8_t* wdata() { return mem_ + XEBEK_PAGE_SIZE; }
  uint64_t guest_signals() {  // signals Dom0 -> guest since last call
    uint64_t v = 0;
    return ::read(ctl_, &v, sizeof v) == sizeof v ? v : 0;
  }
  // Signals the consumer as a (possibly hostile) guest would.
  void guest_signal(uint64_t n = 1) { (void)!::write(evt_, &n, sizeof n); }

  // The identity word the consumer is told to expect (as an announced
  // magic would tell it).
  void set_expected_magic(uint32_t m) { expected_magic_ = m; }

  // Starts both indexes at "index" (to exercise the 2^32 wrap).
  void start_at(uint32_t index) {
    prod.prod = index;
    prod.resv = index;
    intf()->prod = index;
    intf()->cons = index;
  }

  // Makes this a ring of a version-1 guest: its identity, its 80-byte
  // headers (written with put_v1(), not with the version-2 producer).
  void make_version1() {
    version_ = XEBEK_RING_VERSION_1;
    intf()->magic = XEBEK_RING_MAGIC;
    intf()->order = static_cast<uint8_t>(order_);
    intf()->version = XEBEK_RING_VERSION_1;
    intf()->hdr_size = sizeof(xebek_rec_v1);
  }
  // Appends one version-1 record and publishes it (no wrap: tests keep
  // their version-1 rings far from full).
  void put_v1(xebek_rec_v1 h, const void* payload, uint32_t n) {
    const uint32_t at = intf()->prod & (XEBEK_RING_SIZE(order_) - 1);
    h.len = static_cast<uint32_t>(sizeof h) + n;
    h.seq = v1_seq_++;
    std::memcpy(wdata() + at, &h, sizeof h);
    if (n) std::memcpy(wdata() + at + sizeof h, payload, n);
    intf()->prod += XEBEK_REC_ALIGNED(h.len);
  }

  xebek_producer prod{};

 private:
  static void signal(void* ctx) { static_cast<HeapRing*>(ctx)->guest_signal(1); }

  xebek0::DomainInfo dom_;
  unsigned order_;
  unsigned version_ = XEBEK_RING_VERSION;
  uint32_t expected_magic_ = XEBEK_RING_MAGIC;
  uint64_t v1_seq_ = 0;
  uint8_t* mem_ = nullptr;
  int evt_ = -1, ctl_ = -1;
};

// A record template with recognisable process fields.
inline xebek_rec make_rec(unsigned type, uint32_t pid = 100) {
  xebek_rec r{};
  r.type = static_cast<uint16_t>(type);
  r.time_ns = 1'700'000'000'000'000'000ull + pid;
  r.pid = pid;
  r.tgid = pid;
  r.ppid = 1;
  r.uid = 1000;
  r.fd = 0;
  r.inode = 0x1'0000'0001ull;
  r.ret = 1;
  std::memcpy(r.comm, "bash", 5);
  return r;
}

}  // namespace xebek_test
