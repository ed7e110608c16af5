// Reserve, copy, commit: the producer with several writers copying at once
// (the guest kernel's vCPUs), against the xebek0 Consumer. Records appear
// in reservation order however their commits interleave; a record given
// up behind later ones leaves a loss record in its place; and threads on
// every core writing concurrently lose, duplicate, reorder or corrupt
// nothing.
#include "drain.hpp"
#include "heap_ring.hpp"

#include "xebek0/consumer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using xebek0::Consumer;
using xebek0::Record;
using xebek_test::drain;
using xebek_test::HeapRing;

namespace {

constexpr uint32_t kHdr = sizeof(xebek_rec);

xebek_rec* reserve(HeapRing& r, uint32_t n, char fill) {
  xebek_rec* h = xebek_produce_begin(&r.prod, XEBEK_REC_READ, n);
  if (h) std::memset(xebek_rec_payload(h), fill, n);
  return h;
}

TEST(ReserveCommit, ALaterCommitWaitsForTheEarlierReservation) {
  HeapRing r(1);
  Consumer c(r);
  xebek_rec* a = reserve(r, 100, 'a');
  xebek_rec* b = reserve(r, 50, 'b');
  ASSERT_TRUE(a && b);
  xebek_produce_commit(&r.prod, b);
  EXPECT_EQ(0u, r.intf()->prod) << "b is complete, but a before it is not";
  EXPECT_TRUE(drain(c).empty());
  xebek_produce_commit(&r.prod, a);
  EXPECT_EQ(XEBEK_REC_ALIGNED(kHdr + 100) + XEBEK_REC_ALIGNED(kHdr + 50), r.intf()->prod);
  std::vector<std::string> pl;
  const auto recs = drain(c, &pl);
  ASSERT_EQ(2u, recs.size());
  EXPECT_EQ(0u, recs[0].hdr.seq);
  EXPECT_EQ(std::string(100, 'a'), pl[0]);
  EXPECT_EQ(1u, recs[1].hdr.seq);
  EXPECT_EQ(std::string(50, 'b'), pl[1]);
  EXPECT_EQ(0u, c.stats().protocol_errors);
}

TEST(ReserveCommit, CommitPublishesOnlyUpToTheFirstBusyRecord) {
  HeapRing r(1);
  Consumer c(r);
  xebek_rec* a = reserve(r, 8, 'a');
  xebek_rec* b = reserve(r, 8, 'b');
  xebek_rec* d = reserve(r, 8, 'd');
  ASSERT_TRUE(a && b && d);
  xebek_produce_commit(&r.prod, a);
  xebek_produce_commit(&r.prod, d);
  ASSERT_EQ(1u, drain(c).size()) << "a only: b is still being copied";
  xebek_produce_commit(&r.prod, b);
  const auto recs = drain(c);
  ASSERT_EQ(2u, recs.size());
  EXPECT_EQ(1u, recs[0].hdr.seq);
  EXPECT_EQ(2u, recs[1].hdr.seq);
  EXPECT_EQ(0u, c.stats().protocol_errors);
}

TEST(ReserveCommit, AGivenUpReservationBehindOthersBecomesItsLossRecord) {
  HeapRing r(1);
  Consumer c(r);
  xebek_rec* a = reserve(r, 300, 'a');
  xebek_rec* b = reserve(r, 20, 'b');
  ASSERT_TRUE(a && b);
  xebek_produce_abort(&r.prod, a, XEBEK_LOSS_FAULT);
  xebek_produce_commit(&r.prod, b);
  std::vector<std::string> pl;
  const auto recs = drain(c, &pl);
  ASSERT_EQ(2u, recs.size());
  EXPECT_EQ(XEBEK_REC_LOSS, recs[0].hdr.type);
  EXPECT_EQ(kHdr + 300, recs[0].hdr.len) << "it keeps its room, so b stays where it was framed";
  EXPECT_EQ(1u, recs[0].loss.count);
  EXPECT_EQ(XEBEK_LOSS_FAULT, recs[0].loss.reason);
  EXPECT_EQ(std::string(20, 'b'), pl[1]);
  EXPECT_EQ(1u, c.stats().lost[XEBEK_LOSS_FAULT]);
  EXPECT_EQ(1u, r.intf()->drops[XEBEK_LOSS_FAULT]);
  EXPECT_EQ(0u, c.stats().protocol_errors);
  // Reported once: the next record brings no loss record of its own.
  xebek_rec* e = reserve(r, 1, 'e');
  ASSERT_TRUE(e);
  xebek_produce_commit(&r.prod, e);
  const auto more = drain(c);
  ASSERT_EQ(1u, more.size());
  EXPECT_EQ(XEBEK_REC_READ, more[0].hdr.type);
  EXPECT_EQ(0u, c.stats().protocol_errors);
}

TEST(ReserveCommit, AShortReservationGivenUpBehindOthersCarriesNoBytes) {
  HeapRing r(1);
  Consumer c(r);
  xebek_rec* a = reserve(r, 4, 'a');  // too short to hold a loss record
  xebek_rec* b = reserve(r, 4, 'b');
  ASSERT_TRUE(a && b);
  xebek_produce_abort(&r.prod, a, XEBEK_LOSS_FAULT);
  xebek_produce_commit(&r.prod, b);
  std::vector<std::string> pl;
  auto recs = drain(c, &pl);
  ASSERT_EQ(2u, recs.size());
  EXPECT_TRUE(recs[0].hdr.flags & XEBEK_RF_TRUNCATED);
  EXPECT_EQ(4u, recs[0].hdr.not_captured);
  EXPECT_EQ(std::string(4, '\0'), pl[0]) << "none of the bytes read before the fault";
  EXPECT_EQ(1u, r.intf()->drops[XEBEK_LOSS_FAULT]);
  // Counted once: the record says it carries nothing, no loss record follows.
  xebek_rec* d = reserve(r, 1, 'd');
  ASSERT_TRUE(d);
  xebek_produce_commit(&r.prod, d);
  recs = drain(c);
  ASSERT_EQ(1u, recs.size());
  EXPECT_EQ(XEBEK_REC_READ, recs[0].hdr.type);
  EXPECT_EQ(0u, c.stats().protocol_errors);
}

TEST(ReserveCommit, TakingBackTheLatestReservationStillPublishesTheLossesInFrontOfIt) {
  HeapRing r(0);
  Consumer c(r);
  xebek_producer_drop(&r.prod, XEBEK_LOSS_RING_FULL);
  xebek_rec* a = reserve(r, 30, 'a');  // preceded by the loss record
  ASSERT_TRUE(a);
  xebek_produce_abort(&r.prod, a, XEBEK_LOSS_FAULT);
  const auto recs = drain(c);
  ASSERT_EQ(1u, recs.size());
  EXPECT_EQ(XEBEK_REC_LOSS, recs[0].hdr.type);
  EXPECT_EQ(XEBEK_LOSS_RING_FULL, recs[0].loss.reason);
  EXPECT_EQ(0u, recs[0].hdr.seq);
  xebek_rec* b = reserve(r, 2, 'b');
  ASSERT_TRUE(b);
  EXPECT_EQ(2u, b->seq) << "a loss record (seq 1) for the fault, then b";
  xebek_produce_commit(&r.prod, b);
  const auto more = drain(c);
  ASSERT_EQ(2u, more.size());
  EXPECT_EQ(XEBEK_LOSS_FAULT, more[0].loss.reason);
  EXPECT_EQ(0u, c.stats().protocol_errors);
}

TEST(ReserveCommit, GivingUpInAnyOrderKeepsSeqAndFraming) {
  // Over a wrap of the area (padding written by a reservation), give up
  // the middle one, then the latest, then the first.
  HeapRing r(0);
  Consumer c(r);
  for (int i = 0; i < 3; ++i) xebek_produce_commit(&r.prod, reserve(r, 1000, 'p'));
  ASSERT_EQ(3u, drain(c).size());
  xebek_rec* a = reserve(r, 100, 'a');
  xebek_rec* b = reserve(r, 900, 'b');  // does not fit before the end: a pad, then b at 0
  xebek_rec* d = reserve(r, 200, 'd');
  ASSERT_TRUE(a && b && d);
  xebek_produce_abort(&r.prod, b, XEBEK_LOSS_FAULT);  // behind it: d, so it becomes a loss record
  xebek_produce_abort(&r.prod, d, XEBEK_LOSS_OTHER);  // the latest: taken back
  xebek_produce_abort(&r.prod, a, XEBEK_LOSS_FAULT);  // behind it: b's loss record
  xebek_rec* e = reserve(r, 10, 'e');
  ASSERT_TRUE(e);
  xebek_produce_commit(&r.prod, e);
  const auto recs = drain(c);
  std::vector<unsigned> types;
  uint64_t lost = 0;
  for (const auto& rec : recs) {
    types.push_back(rec.hdr.type);
    if (rec.hdr.type == XEBEK_REC_LOSS) lost += rec.loss.count;
  }
  // a's and b's loss records in their places, d's drop reported in front of e.
  EXPECT_EQ((std::vector<unsigned>{XEBEK_REC_LOSS, XEBEK_REC_LOSS, XEBEK_REC_LOSS, XEBEK_REC_READ}), types);
  EXPECT_EQ(3u, lost);
  EXPECT_EQ(0u, c.stats().protocol_errors) << "seq contiguous, padding where it belongs";
}

TEST(ReserveCommit, AConsPastWhatWasPublishedIsRefused) {
  HeapRing r(1);
  xebek_rec* a = reserve(r, 100, 'a');
  ASSERT_TRUE(a);
  // Dom0 claims to have consumed the record still being copied.
  r.intf()->cons = r.prod.resv;
  EXPECT_EQ(nullptr, reserve(r, 10, 'x')) << "its room is not free";
  EXPECT_EQ(0u, xebek_producer_room(&r.prod));
  EXPECT_EQ(1u, r.intf()->drops[XEBEK_LOSS_RING_FULL]);
}

TEST(ReserveCommit, RoomCountsRecordsStillBeingCopied) {
  HeapRing r(0);
  const uint32_t before = xebek_producer_room(&r.prod);
  xebek_rec* a = reserve(r, 1000, 'a');
  ASSERT_TRUE(a);
  EXPECT_EQ(before - XEBEK_REC_ALIGNED(kHdr + 1000), xebek_producer_room(&r.prod));
  // The ring fills with reservations alone.
  int n = 0;
  while (reserve(r, 1000, 'x')) ++n;
  EXPECT_EQ(2, n);
  EXPECT_EQ(1u, r.intf()->drops[XEBEK_LOSS_RING_FULL]);
}

// One record per (thread, index): the payload repeats both, with a length
// that varies with the index so that records wrap the area at every offset.
struct Tag {
  uint32_t thread;
  uint32_t index;
};

uint32_t payload_len(uint32_t index) { return 16u + (index * 37u) % 900u; }

void fill(uint8_t* p, uint32_t n, Tag t) {
  for (uint32_t o = 0; o + sizeof t <= n; o += sizeof t) std::memcpy(p + o, &t, sizeof t);
  for (uint32_t o = n - n % sizeof t; o < n; ++o) p[o] = static_cast<uint8_t>(t.index);
}

bool intact(const uint8_t* p, uint32_t n, Tag t) {
  std::vector<uint8_t> want(n);
  fill(want.data(), n, t);
  return std::memcmp(p, want.data(), n) == 0;
}

TEST(ReserveCommit, ThreadsOnEveryCoreLoseReorderOrCorruptNothing) {
  const unsigned threads = std::max(4u, 2 * std::thread::hardware_concurrency());
  constexpr uint32_t kPerThread = 4000;
  HeapRing r(3);  // 32 KiB: the writers wrap it many times over
  Consumer c(r);
  std::mutex lock;  // the kernel's spinlock: index work only
  std::atomic<unsigned> done{0};
  std::atomic<uint64_t> aborted{0};

  auto writer = [&](uint32_t t) {
    for (uint32_t i = 0; i < kPerThread;) {
      const uint32_t n = payload_len(i);
      xebek_rec* h = nullptr;
      {
        std::lock_guard<std::mutex> g(lock);
        // Wait for room rather than drop, so every record must arrive.
        if (xebek_producer_room(&r.prod) >= 2 * XEBEK_REC_ALIGNED(kHdr + n) + 8 * 168)
          h = xebek_produce_begin(&r.prod, XEBEK_REC_READ, n);
      }
      if (!h) {
        std::this_thread::yield();
        continue;
      }
      h->pid = t;
      fill(xebek_rec_payload(h), n, Tag{t, i});  // outside the lock
      const bool give_up = (i * 7919u + t) % 97u == 0;
      std::lock_guard<std::mutex> g(lock);
      if (give_up) {
        xebek_produce_abort(&r.prod, h, XEBEK_LOSS_FAULT);
        ++aborted;
      } else {
        xebek_produce_commit(&r.prod, h);
      }
      ++i;
    }
    ++done;
  };
  std::vector<std::thread> pool;
  for (uint32_t t = 0; t < threads; ++t) pool.emplace_back(writer, t);

  std::vector<int64_t> last(threads, -1);
  uint64_t received = 0, bad = 0, reordered = 0, lost = 0;
  auto consume = [&] {
    for (auto b = c.poll(); !b.empty(); b = c.poll()) {
      for (const auto& rec : b) {
        if (rec.hdr.type == XEBEK_REC_LOSS) {
          lost += rec.loss.count;
          continue;
        }
        const uint32_t t = rec.hdr.pid;
        Tag tag{};
        if (t >= threads || rec.payload.size() < sizeof tag) {
          ++bad;
          continue;
        }
        std::memcpy(&tag, rec.payload.data(), sizeof tag);
        if (tag.thread != t || rec.payload.size() != payload_len(tag.index) ||
            !intact(rec.payload.data(), static_cast<uint32_t>(rec.payload.size()), tag))
          ++bad;
        else if (static_cast<int64_t>(tag.index) <= last[t])
          ++reordered;
        else
          last[t] = tag.index;
        ++received;
      }
      c.commit();
    }
  };
  while (done.load() < threads) consume();
  for (auto& th : pool) th.join();
  consume();

  EXPECT_EQ(0u, bad);
  EXPECT_EQ(0u, reordered);
  EXPECT_EQ(uint64_t{threads} * kPerThread, received + aborted.load());
  EXPECT_EQ(aborted.load(), lost) << "each record given up is reported, once";
  EXPECT_EQ(aborted.load(), r.intf()->drops[XEBEK_LOSS_FAULT]);
  EXPECT_EQ(0u, r.intf()->drops[XEBEK_LOSS_RING_FULL]);
  EXPECT_EQ(0u, c.stats().protocol_errors) << "seq runs on, framing holds";
  EXPECT_EQ(r.prod.resv, r.intf()->prod) << "everything reserved is published";
}

}  // namespace
