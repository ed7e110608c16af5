// Hostile producers: a guest that writes whatever it likes into its ring.
// Each case must be counted as a protocol error of that domain, without a
// crash (ASan/UBSan builds run these too) and without disturbing another
// domain served by the same loop.
#include "heap_ring.hpp"

#include "xebek0/consumer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

using xebek0::Consumer;
using xebek0::ProtocolError;
using xebek_test::HeapRing;
using xebek_test::make_rec;

namespace {

constexpr uint32_t kHdr = sizeof(xebek_rec);

void put(HeapRing& r, unsigned type, uint32_t n, char fill = 'p') {
  xebek_rec t = make_rec(type);
  std::string payload(n, fill);
  ASSERT_EQ(0, xebek_produce(&r.prod, &t, payload.data(), n));
}

uint64_t count(const Consumer& c, ProtocolError e) {
  return c.stats().by_kind[static_cast<unsigned>(e)];
}

xebek_rec* rec_at(HeapRing& r, uint32_t off) {
  return reinterpret_cast<xebek_rec*>(r.wdata() + off);
}

// Serves a hostile domain and an honest one from one loop, like xebekd.
// "attack" tampers with the hostile ring after it received two records.
// Returns the hostile domain's consumer state for inspection.
struct Outcome {
  uint64_t victim_records = 0;
  uint64_t bystander_records = 0;
  uint64_t victim_errors = 0;
  bool victim_failed = false;
  xebek0::DomainStats stats;
};

Outcome serve(const std::function<void(HeapRing&)>& attack, ProtocolError expect,
              unsigned order = 2) {
  HeapRing bad(order, "hostile"), good(order, "honest");
  Consumer cb(bad), cg(good);
  Outcome o;
  for (int round = 0; round < 20; ++round) {
    put(bad, XEBEK_REC_READ, 1);
    put(bad, XEBEK_REC_WRITE, 100);
    put(good, XEBEK_REC_READ, 1);
    if (round == 5) attack(bad);
    for (Consumer* c : {&cb, &cg}) {
      if (c->failed()) continue;  // isolated: the loop just skips it
      for (auto b = c->poll(); !b.empty(); b = c->poll()) {
        for (const auto& rec : b) {
          // Everything handed out stays inside the mapped area.
          const uint8_t* lo = c->ring().data();
          const uint8_t* hi = lo + c->ring().size();
          EXPECT_GE(rec.payload.data(), lo);
          EXPECT_LE(rec.payload.data() + rec.payload.size(), hi);
          EXPECT_EQ(rec.hdr.len, kHdr + rec.payload.size());
          (c == &cb ? o.victim_records : o.bystander_records)++;
        }
        c->commit();
      }
    }
  }
  EXPECT_GE(count(cb, expect), 1u) << "expected " << xebek0::to_string(expect);
  EXPECT_EQ(0u, cg.stats().protocol_errors);
  EXPECT_FALSE(cg.failed());
  EXPECT_EQ(20u, o.bystander_records);
  o.victim_errors = cb.stats().protocol_errors;
  o.victim_failed = cb.failed();
  o.stats = cb.stats();
  if (cb.failed()) {
    EXPECT_NE(std::string::npos, cb.failure().find("hostile")) << cb.failure();
    EXPECT_TRUE(cb.poll().empty());  // stays isolated
  }
  return o;
}

TEST(HostileProducer, ProdAheadOfConsByMoreThanTheRingSize) {
  auto o = serve([](HeapRing& r) { r.intf()->prod += r.size() + 8; }, ProtocolError::ProdAhead);
  EXPECT_TRUE(o.victim_failed);
  EXPECT_EQ(10u, o.victim_records);  // the 5 rounds before the attack only
}

TEST(HostileProducer, ConsMovedByTheGuest) {
  auto o = serve([](HeapRing& r) { r.intf()->cons -= 8; }, ProtocolError::ConsMoved);
  EXPECT_TRUE(o.victim_failed);
}

TEST(HostileProducer, RecordLengthPastTheEndOfTheArea) {
  auto o = serve(
      [](HeapRing& r) {
        // Fill up to near the end so that a length past the end is still
        // below the largest record size, then stretch the newest record.
        const uint32_t mask = r.size() - 1;
        while ((r.prod.prod & mask) < r.size() - 200) put(r, XEBEK_REC_READ, 1);
        const uint32_t off = (r.prod.prod - XEBEK_REC_ALIGNED(kHdr + 1)) & mask;
        rec_at(r, off)->len = r.size() - off + 8;
      },
      // 8 KiB: the fill from where round 5 stands to the end fits beside
      // the records not yet consumed.
      ProtocolError::PastEnd, 1);
  EXPECT_TRUE(o.victim_failed);
}

TEST(HostileProducer, RecordLengthPastProd) {
  auto o = serve(
      [](HeapRing& r) {
        uint32_t last = r.prod.prod - XEBEK_REC_ALIGNED(kHdr + 100);
        rec_at(r, last & (r.size() - 1))->len = kHdr + 200;
      },
      ProtocolError::PastProd, 4);
  EXPECT_TRUE(o.victim_failed);
}

TEST(HostileProducer, ZeroLength) {
  auto o = serve(
      [](HeapRing& r) {
        uint32_t last = r.prod.prod - XEBEK_REC_ALIGNED(kHdr + 100);
        rec_at(r, last & (r.size() - 1))->len = 0;
      },
      ProtocolError::ZeroLength);
  EXPECT_TRUE(o.victim_failed);
}

TEST(HostileProducer, ShortLength) {
  auto o = serve(
      [](HeapRing& r) {
        uint32_t last = r.prod.prod - XEBEK_REC_ALIGNED(kHdr + 100);
        rec_at(r, last & (r.size() - 1))->len = 8;
      },
      ProtocolError::ShortLength);
  EXPECT_TRUE(o.victim_failed);
}

TEST(HostileProducer, HugeLength) {
  auto o = serve(
      [](HeapRing& r) {
        uint32_t last = r.prod.prod - XEBEK_REC_ALIGNED(kHdr + 100);
        rec_at(r, last & (r.size() - 1))->len = 0xffff'fff0u;
      },
      ProtocolError::HugeLength);
  EXPECT_TRUE(o.victim_failed);
}

TEST(HostileProducer, UnalignedProducerIndex) {
  auto o = serve([](HeapRing& r) { r.intf()->prod -= 3; }, ProtocolError::ProdUnaligned);
  EXPECT_TRUE(o.victim_failed);
}

TEST(HostileProducer, UnalignedStartingConsumerIndex) {
  HeapRing r(0);
  r.intf()->cons = 4;
  r.intf()->prod = 4 + 88;
  Consumer c(r);
  EXPECT_TRUE(c.failed());
  EXPECT_EQ(1u, count(c, ProtocolError::ConsMoved));
  EXPECT_TRUE(c.poll().empty());
}

TEST(HostileProducer, ProducerIndexMovedBackwards) {
  HeapRing r(2);
  for (int i = 0; i < 10; ++i) put(r, XEBEK_REC_READ, 1);
  Consumer c(r);
  ASSERT_EQ(10u, c.poll().size());  // read, not yet committed
  r.intf()->prod -= 2 * XEBEK_REC_ALIGNED(kHdr + 1);  // behind what was read
  EXPECT_TRUE(c.poll().empty());
  EXPECT_EQ(1u, count(c, ProtocolError::ProdBackwards));
  EXPECT_TRUE(c.failed());
}

TEST(HostileProducer, UnknownTypeIsSkippedAndCounted) {
  auto o = serve(
      [](HeapRing& r) {
        uint32_t last = r.prod.prod - XEBEK_REC_ALIGNED(kHdr + 100);
        rec_at(r, last & (r.size() - 1))->type = 0x7777;
      },
      ProtocolError::UnknownType);
  EXPECT_FALSE(o.victim_failed);  // framing intact: keep serving the domain
  EXPECT_EQ(39u, o.victim_records);
}

TEST(HostileProducer, PadThatDoesNotReachTheEnd) {
  auto o = serve(
      [](HeapRing& r) {
        uint32_t last = r.prod.prod - XEBEK_REC_ALIGNED(kHdr + 100);
        rec_at(r, last & (r.size() - 1))->type = XEBEK_REC_PAD;
      },
      ProtocolError::BadPad);
  EXPECT_TRUE(o.victim_failed);
}

TEST(HostileProducer, BadLossRecord) {
  auto o = serve(
      [](HeapRing& r) {
        xebek_rec t = make_rec(XEBEK_REC_LOSS);
        xebek_loss l{5, 99, 0};
        ASSERT_EQ(0, xebek_produce(&r.prod, &t, &l, sizeof l));
      },
      ProtocolError::BadLossReason);
  EXPECT_FALSE(o.victim_failed);
  EXPECT_EQ(0u, o.stats.lost[XEBEK_LOSS_OTHER]);
}

TEST(HostileProducer, LossRecordTooShortForItsStruct) {
  auto o = serve(
      [](HeapRing& r) {
        xebek_rec t = make_rec(XEBEK_REC_LOSS);
        const uint64_t count = 7;
        ASSERT_EQ(0, xebek_produce(&r.prod, &t, &count, sizeof count));
      },
      ProtocolError::BadPayload);
  EXPECT_FALSE(o.victim_failed);
  EXPECT_EQ(0u, o.stats.lost[XEBEK_LOSS_RING_FULL]);
}

TEST(HostileProducer, SocketRecordWithWrongPayloadSize) {
  auto o = serve([](HeapRing& r) { put(r, XEBEK_REC_SOCKET, 15); }, ProtocolError::BadPayload);
  EXPECT_FALSE(o.victim_failed);
}

TEST(HostileProducer, RingOrderChangedAfterMapping) {
  auto o = serve([](HeapRing& r) { r.intf()->order = 9; }, ProtocolError::OrderChanged);
  EXPECT_TRUE(o.victim_failed);
}

TEST(HostileProducer, MagicChangedAfterMapping) {
  auto o = serve([](HeapRing& r) { r.intf()->magic = 0; }, ProtocolError::BadIdentity);
  EXPECT_TRUE(o.victim_failed);
}

TEST(HostileProducer, SequenceGapIsCountedButRecordsKept) {
  auto o = serve([](HeapRing& r) { r.prod.seq += 1000; }, ProtocolError::SeqGap);
  EXPECT_FALSE(o.victim_failed);
  EXPECT_EQ(40u, o.victim_records);
}

TEST(HostileProducer, SequenceRunningBackwardsIsCountedButRecordsKept) {
  auto o = serve([](HeapRing& r) { r.prod.seq -= 3; }, ProtocolError::SeqBackwards);
  EXPECT_FALSE(o.victim_failed);
  EXPECT_EQ(40u, o.victim_records);
}

TEST(HostileProducer, HugeLossCountIsCappedNotWrapped) {
  auto o = serve(
      [](HeapRing& r) {
        xebek_rec t = make_rec(XEBEK_REC_LOSS);
        xebek_loss l{~0ull - 5, XEBEK_LOSS_RING_FULL, 0};
        ASSERT_EQ(0, xebek_produce(&r.prod, &t, &l, sizeof l));
      },
      ProtocolError::LossHuge);
  EXPECT_FALSE(o.victim_failed);
  EXPECT_EQ(xebek0::kMaxLossPerRecord, o.stats.lost[XEBEK_LOSS_RING_FULL]);
}

TEST(HostileProducer, NotifyFloodIsCountedAndDoesNotStallOthers) {
  HeapRing bad(0, "hostile"), good(0, "honest");
  Consumer cb(bad), cg(good);
  for (int i = 0; i < 200'000; ++i) bad.guest_signal();
  put(good, XEBEK_REC_READ, 1);
  cb.on_event();  // one wakeup reads the whole accumulated count
  EXPECT_EQ(1u, count(cb, ProtocolError::NotifyFlood));
  EXPECT_EQ(200'000u, cb.stats().unsolicited_events);
  EXPECT_FALSE(cb.failed());
  // Thousands of separate wakeups (Xen coalesces to one each): counted once
  // per second, each wakeup O(1).
  for (int i = 0; i < 5000; ++i) {
    bad.guest_signal();
    cb.on_event();
    EXPECT_TRUE(cb.poll().empty());
  }
  EXPECT_EQ(1u, count(cb, ProtocolError::NotifyFlood));
  EXPECT_EQ(1u, cg.poll().size());
  EXPECT_EQ(0u, cg.stats().protocol_errors);
}

TEST(HostileProducer, SolicitedSignalsAreNoFlood) {
  HeapRing r(4);
  Consumer c(r);
  for (int i = 0; i < 3000; ++i) {
    EXPECT_FALSE(c.arm_notify(1));
    put(r, XEBEK_REC_READ, 1);
    c.on_event();
    ASSERT_EQ(1u, c.poll().size());
    c.commit();
  }
  EXPECT_EQ(3000u, c.stats().events);
  EXPECT_EQ(0u, c.stats().unsolicited_events);
  EXPECT_EQ(0u, c.stats().protocol_errors);
}

// Double fetch: a guest thread keeps flipping the length of a record
// between a valid value and a hostile one while Dom0 reads it. Because the
// header is copied once and only the copy is checked, every outcome is
// either the valid record (with a consistent payload span) or a counted
// error; never an out-of-bounds read (ASan) or a mismatch.
TEST(HostileProducer, LengthChangedBetweenTwoReads) {
  HeapRing r(0);
  put(r, XEBEK_REC_WRITE, 40);
  xebek_rec* h = rec_at(r, 0);
  const uint32_t good_len = h->len;
  std::atomic<bool> stop{false};
  std::thread guest([&] {
    uint32_t values[] = {good_len, 0xffff'0000u, XEBEK_RING_SIZE(0) + 64, 0, good_len + 4000};
    for (unsigned i = 0; !stop.load(std::memory_order_relaxed); ++i)
      __atomic_store_n(&h->len, values[i % 5], __ATOMIC_RELAXED);
  });
  uint64_t delivered = 0, errors = 0;
  for (int i = 0; i < 20'000; ++i) {
    Consumer c(r);  // fresh each time: reads the same record again
    auto b = c.poll();
    if (!b.empty()) {
      ASSERT_EQ(1u, b.size());
      EXPECT_EQ(good_len, b[0].hdr.len);
      EXPECT_EQ(good_len - kHdr, b[0].payload.size());
      ++delivered;
    } else {
      EXPECT_TRUE(c.failed());
      EXPECT_EQ(1u, c.stats().protocol_errors);
      ++errors;
    }
  }
  stop = true;
  guest.join();
  EXPECT_EQ(20'000u, delivered + errors);
  std::printf("double fetch: %llu delivered, %llu errors\n",
              static_cast<unsigned long long>(delivered), static_cast<unsigned long long>(errors));
}

}  // namespace
