// Ring unit tests: the C producer against the xebek0 Consumer in one
// process. Wrap, padding, full ring, loss records, notify suppression,
// control word, commit/resume semantics.
#include "drain.hpp"
#include "heap_ring.hpp"

#include "xebek0/consumer.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

using xebek0::Consumer;
using xebek0::ConsumerOptions;
using xebek0::Record;
using xebek_test::drain;
using xebek_test::HeapRing;
using xebek_test::make_rec;

namespace {

constexpr uint32_t kHdr = sizeof(xebek_rec);

bool put(HeapRing& r, unsigned type, const std::string& payload, uint32_t pid = 100) {
  xebek_rec t = make_rec(type, pid);
  return xebek_produce(&r.prod, &t, payload.data(), static_cast<uint32_t>(payload.size())) == 0;
}

TEST(Ring, RecordRoundTripKeepsEveryField) {
  HeapRing r(0);
  xebek_rec t = make_rec(XEBEK_REC_OPEN, 4242);
  t.tgid = 4240;
  t.ppid = 77;
  t.uid = 0;
  t.fd = 3;
  t.inode = 0xdead'beef'cafe'f00dull;
  t.ret = -13;
  t.flags = XEBEK_RF_TRUNCATED;
  std::memcpy(t.comm, "fifteen-chars-x", 16);
  const std::string path = "/etc/shadow";
  ASSERT_EQ(0, xebek_produce(&r.prod, &t, path.data(), static_cast<uint32_t>(path.size())));

  Consumer c(r);
  std::vector<std::string> pl;
  auto recs = drain(c, &pl);
  ASSERT_EQ(1u, recs.size());
  const xebek_rec& h = recs[0].hdr;
  EXPECT_EQ(uint32_t{kHdr + 11}, h.len);
  EXPECT_EQ(XEBEK_REC_OPEN, h.type);
  EXPECT_EQ(XEBEK_RF_TRUNCATED, h.flags);
  EXPECT_EQ(0u, h.seq);
  EXPECT_EQ(t.time_ns, h.time_ns);
  EXPECT_EQ(4242u, h.pid);
  EXPECT_EQ(4240u, h.tgid);
  EXPECT_EQ(77u, h.ppid);
  EXPECT_EQ(0u, h.uid);
  EXPECT_EQ(3, h.fd);
  EXPECT_EQ(0xdead'beef'cafe'f00dull, h.inode);
  EXPECT_EQ(-13, h.ret);
  EXPECT_EQ(0, std::memcmp(h.comm, "fifteen-chars-x", 16));
  EXPECT_EQ(path, pl[0]);
  EXPECT_EQ(0u, c.stats().protocol_errors);
}

TEST(Ring, SocketPayloadIsCopiedOut) {
  HeapRing r(0);
  xebek_sock s{};
  s.family = XEBEK_AF_INET6;
  s.call = 3;
  s.proto = 6;
  s.remote_port = 0x5000;
  for (int i = 0; i < 16; ++i) s.remote_addr[i] = static_cast<uint8_t>(i);
  xebek_rec t = make_rec(XEBEK_REC_SOCKET);
  ASSERT_EQ(0, xebek_produce(&r.prod, &t, &s, sizeof s));
  Consumer c(r);
  auto recs = drain(c);
  ASSERT_EQ(1u, recs.size());
  EXPECT_EQ(XEBEK_AF_INET6, recs[0].sock.family);
  EXPECT_EQ(0x5000, recs[0].sock.remote_port);
  EXPECT_EQ(15, recs[0].sock.remote_addr[15]);
}

TEST(Ring, WrapsManyTimesAndAcrossTheIndexOverflow) {
  for (uint32_t start : {0u, 0xffff'f000u}) {
    HeapRing r(0);  // 4 KiB: wraps every few records
    r.start_at(start);
    Consumer c(r);
    uint64_t expect_seq = 0;
    for (int round = 0; round < 500; ++round) {
      for (int k = 0; k < 5; ++k)
        ASSERT_TRUE(put(r, XEBEK_REC_WRITE, std::string(100 + round % 50 + k, 'a' + k)));
      std::vector<std::string> pl;
      auto recs = drain(c, &pl);
      ASSERT_EQ(5u, recs.size());
      for (int k = 0; k < 5; ++k) {
        EXPECT_EQ(expect_seq++, recs[k].hdr.seq);
        EXPECT_EQ(std::string(100 + round % 50 + k, 'a' + k), pl[k]);
      }
    }
    EXPECT_EQ(0u, c.stats().protocol_errors) << c.failure();
    EXPECT_NE(start, r.intf()->prod);
  }
}

TEST(Ring, PadsInsteadOfStraddlingTheEnd) {
  HeapRing r(0);
  const uint32_t size = XEBEK_RING_SIZE(0);
  // Fill to 64 bytes before the end (3 x 1344 = 4032), consume, then a
  // record that cannot fit there.
  Consumer c(r);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(put(r, XEBEK_REC_WRITE, std::string(1344 - kHdr, 'x')));
  ASSERT_EQ(3u, drain(c).size());
  ASSERT_EQ(size - 64, r.intf()->prod);
  ASSERT_TRUE(put(r, XEBEK_REC_WRITE, std::string(200, 'y')));
  // A pad record covers the last 64 bytes; the record starts at offset 0.
  auto* pad = reinterpret_cast<xebek_rec*>(r.wdata() + size - 64);
  EXPECT_EQ(XEBEK_REC_PAD, pad->type);
  EXPECT_EQ(64u, pad->len);
  auto* rec = reinterpret_cast<xebek_rec*>(r.wdata());
  EXPECT_EQ(XEBEK_REC_WRITE, rec->type);
  std::vector<std::string> pl;
  auto recs = drain(c, &pl);
  ASSERT_EQ(1u, recs.size());
  EXPECT_EQ(std::string(200, 'y'), pl[0]);
  EXPECT_EQ(r.data(), recs[0].payload.data() - kHdr);
  EXPECT_EQ(3u, recs[0].hdr.seq);  // padding takes no sequence number
  EXPECT_EQ(0u, c.stats().protocol_errors);
}

TEST(Ring, AnExactFitNeedsNoPad) {
  HeapRing r(0);
  const uint32_t size = XEBEK_RING_SIZE(0);
  ASSERT_TRUE(put(r, XEBEK_REC_WRITE, std::string(size / 2 - kHdr, 'a')));
  ASSERT_TRUE(put(r, XEBEK_REC_WRITE, std::string(size / 2 - kHdr, 'b')));
  EXPECT_EQ(size, r.intf()->prod);  // completely full, no pad
  EXPECT_FALSE(put(r, XEBEK_REC_READ, "c"));
  Consumer c(r);
  EXPECT_EQ(2u, drain(c).size());
}

TEST(Ring, FullRingDropsCountsAndReportsLossWhenSpaceReturns) {
  HeapRing r(0);
  int queued = 0, dropped = 0;
  for (int i = 0; i < 100; ++i) (put(r, XEBEK_REC_READ, "k") ? queued : dropped)++;
  ASSERT_GT(dropped, 0);
  EXPECT_EQ(static_cast<uint64_t>(dropped), r.intf()->drops[XEBEK_LOSS_RING_FULL]);
  EXPECT_EQ(XEBEK_RING_SIZE(0) / XEBEK_REC_ALIGNED(kHdr + 1), static_cast<uint32_t>(queued));

  Consumer c(r);
  EXPECT_EQ(static_cast<size_t>(queued), drain(c).size());
  // Space is back: the next record is preceded by one loss record.
  ASSERT_TRUE(put(r, XEBEK_REC_READ, "z"));
  auto recs = drain(c);
  ASSERT_EQ(2u, recs.size());
  EXPECT_EQ(XEBEK_REC_LOSS, recs[0].hdr.type);
  EXPECT_EQ(static_cast<uint64_t>(dropped), recs[0].loss.count);
  EXPECT_EQ(XEBEK_LOSS_RING_FULL, recs[0].loss.reason);
  EXPECT_EQ(XEBEK_REC_READ, recs[1].hdr.type);
  EXPECT_EQ(recs[0].hdr.seq + 1, recs[1].hdr.seq);
  EXPECT_EQ(static_cast<uint64_t>(dropped), c.stats().lost[XEBEK_LOSS_RING_FULL]);
  // Reported once only.
  ASSERT_TRUE(put(r, XEBEK_REC_READ, "y"));
  recs = drain(c);
  ASSERT_EQ(1u, recs.size());
  EXPECT_EQ(XEBEK_REC_READ, recs[0].hdr.type);
  EXPECT_EQ(0u, c.stats().protocol_errors);
}

TEST(Ring, BulkRecordsLeaveTheHeadroomToTerminalRecords) {
  HeapRing r(0);  // one 4 KiB page
  xebek_producer_set_headroom(&r.prod, 1024);
  const std::string bulk(200, 'f');
  int bulk_queued = 0;
  for (int i = 0; i < 100; ++i) {
    xebek_rec* h = xebek_produce_begin_bulk(&r.prod, XEBEK_REC_WRITE, static_cast<uint32_t>(bulk.size()));
    if (!h) break;
    std::memcpy(xebek_rec_payload(h), bulk.data(), bulk.size());
    xebek_produce_commit(&r.prod, h);
    ++bulk_queued;
  }
  const uint32_t rec = XEBEK_REC_ALIGNED(kHdr + 200);
  // Bulk stopped with at least the headroom free, and less than one more
  // record beyond it.
  const uint32_t free_after = XEBEK_RING_SIZE(0) - r.prod.prod;
  EXPECT_GE(free_after, 1024u);
  EXPECT_LT(free_after, 1024u + rec);
  EXPECT_EQ(1u, r.intf()->drops[XEBEK_LOSS_RING_FULL]) << "the bulk record that would take it";
  // Terminal records still fit in the headroom.
  int tty_queued = 0;
  while (put(r, XEBEK_REC_READ, "k")) ++tty_queued;
  EXPECT_GE(static_cast<uint32_t>(tty_queued), 1024u / XEBEK_REC_ALIGNED(kHdr + 1) - 1u);
  Consumer c(r);
  auto recs = drain(c);
  size_t writes = 0, reads = 0;
  for (const auto& x : recs) (x.hdr.type == XEBEK_REC_WRITE ? writes : reads) += x.hdr.type != XEBEK_REC_LOSS;
  EXPECT_EQ(static_cast<size_t>(bulk_queued), writes);
  EXPECT_EQ(static_cast<size_t>(tty_queued), reads);
}

TEST(Ring, HeadroomIsAtMostHalfTheRingAndZeroReservesNothing) {
  HeapRing r(0);
  xebek_producer_set_headroom(&r.prod, 1u << 20);
  EXPECT_EQ(XEBEK_RING_SIZE(0) / 2u, r.prod.headroom);
  HeapRing plain(0);
  int n = 0;
  while (xebek_rec* h = xebek_produce_begin_bulk(&plain.prod, XEBEK_REC_READ, 1)) {
    xebek_produce_commit(&plain.prod, h);
    ++n;
  }
  EXPECT_EQ(XEBEK_RING_SIZE(0) / XEBEK_REC_ALIGNED(kHdr + 1), static_cast<uint32_t>(n))
      << "without headroom a bulk record may fill the ring";
}

TEST(Ring, LossRecordsPerReasonAndAbortLeavesNoTrace) {
  HeapRing r(1);
  xebek_rec* h = xebek_produce_begin(&r.prod, XEBEK_REC_READ, 10);
  ASSERT_NE(nullptr, h);
  xebek_produce_abort(&r.prod, h, XEBEK_LOSS_FAULT);
  EXPECT_EQ(0u, r.intf()->prod);  // nothing published
  EXPECT_EQ(0u, r.prod.resv) << "the latest reservation is taken back";
  EXPECT_EQ(nullptr, xebek_produce_begin(&r.prod, XEBEK_REC_WRITE, XEBEK_REC_MAX));
  xebek_producer_drop(&r.prod, XEBEK_LOSS_FAULT);
  EXPECT_EQ(2u, r.intf()->drops[XEBEK_LOSS_FAULT]);
  EXPECT_EQ(1u, r.intf()->drops[XEBEK_LOSS_TOO_BIG]);
  ASSERT_TRUE(put(r, XEBEK_REC_READ, "a"));
  Consumer c(r);
  auto recs = drain(c);
  ASSERT_EQ(3u, recs.size());
  EXPECT_EQ(XEBEK_LOSS_TOO_BIG, recs[0].loss.reason);
  EXPECT_EQ(1u, recs[0].loss.count);
  EXPECT_EQ(XEBEK_LOSS_FAULT, recs[1].loss.reason);
  EXPECT_EQ(2u, recs[1].loss.count);
  EXPECT_EQ(0u, recs[0].hdr.seq);  // the aborted record took no seq
  EXPECT_EQ(2u, recs[2].hdr.seq);
}

TEST(Ring, ProducerSignalsOnlyWhenAsked) {
  HeapRing r(6);  // 256 KiB: the burst of 1000 records of 160 bytes fits
  Consumer c(r);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(put(r, XEBEK_REC_READ, "k"));
  EXPECT_EQ(0u, r.prod.notifications);  // nobody asked
  drain(c);
  EXPECT_FALSE(c.arm_notify(1));  // empty: may sleep
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(put(r, XEBEK_REC_READ, "k"));
  EXPECT_EQ(1u, r.prod.notifications);  // one signal for the whole burst
  EXPECT_EQ(0u, r.intf()->notify_req);  // cleared by the producer
  c.on_event();
  EXPECT_EQ(1u, c.stats().events);
  EXPECT_EQ(0u, c.stats().unsolicited_events);
  EXPECT_EQ(1000u, drain(c).size());
}

TEST(Ring, BatchedWakeupsUnderSustainedLoad) {
  // A consumer that asks to be woken per 16 KiB: 1-byte records, 64 KiB ring.
  HeapRing r(4);
  Consumer c(r);
  uint64_t produced = 0, consumed = 0;
  const uint32_t batch_bytes = 16 * 1024;
  c.arm_notify(batch_bytes);
  while (produced < 100'000) {
    ASSERT_TRUE(put(r, XEBEK_REC_READ, "k"));
    ++produced;
    if (c.ring().consume_events()) {  // woken
      consumed += drain(c).size();
      if (c.arm_notify(batch_bytes)) consumed += drain(c).size();
    }
  }
  consumed += drain(c).size();
  EXPECT_EQ(produced, consumed);
  const double per_1000 = 1000.0 * static_cast<double>(r.prod.notifications) / static_cast<double>(produced);
  EXPECT_LE(per_1000, 11.0);  // one per 16 KiB / 160 B = one per ~102 records
  EXPECT_GE(r.prod.notifications, 1u);
}

TEST(Ring, ArmingRechecksSoNoWakeupIsLost) {
  HeapRing r(0);
  Consumer c(r);
  ASSERT_TRUE(put(r, XEBEK_REC_READ, "k"));  // arrives before the consumer arms
  EXPECT_TRUE(c.arm_notify(1));              // must not sleep
  EXPECT_EQ(1u, drain(c).size());
  EXPECT_FALSE(c.arm_notify(1));
  ASSERT_TRUE(put(r, XEBEK_REC_READ, "k"));
  EXPECT_EQ(1u, r.prod.notifications);
}

TEST(Ring, ABatchTargetBeyondTheRingIsClampedSoTheSignalComes) {
  HeapRing r(0);
  Consumer c(r);
  EXPECT_FALSE(c.arm_notify(1u << 30));
  int n = 0;
  while (r.prod.notifications == 0 && put(r, XEBEK_REC_READ, "k")) ++n;
  EXPECT_EQ(1u, r.prod.notifications);
  EXPECT_EQ(static_cast<int>(XEBEK_RING_SIZE(0) / 2 / XEBEK_REC_ALIGNED(kHdr + 1)) + 1, n);
}

TEST(Ring, ControlWordReachesTheProducerAndIsAcknowledged) {
  HeapRing r(0);
  Consumer c(r);
  EXPECT_EQ(uint32_t{XEBEK_CTL_DEFAULT}, c.control());
  EXPECT_TRUE(xebek_control_wants(XEBEK_CTL_DEFAULT, XEBEK_REC_READ, 1));
  EXPECT_FALSE(xebek_control_wants(XEBEK_CTL_DEFAULT, XEBEK_REC_READ, 2));
  EXPECT_FALSE(xebek_control_wants(XEBEK_CTL_DEFAULT, XEBEK_REC_WRITE, 1));

  const uint32_t want = XEBEK_CTL_ENABLE | XEBEK_CTL_READS | XEBEK_CTL_WRITES | XEBEK_CTL_EXEC;
  c.set_control(want);
  EXPECT_EQ(1u, r.guest_signals());
  EXPECT_EQ(want, r.intf()->control);
  EXPECT_EQ(want, xebek_producer_apply_control(&r.prod));
  c.poll();
  EXPECT_EQ(want, c.stats().control_applied);
  EXPECT_TRUE(xebek_control_wants(want, XEBEK_REC_READ, 4096));
  EXPECT_TRUE(xebek_control_wants(want, XEBEK_REC_WRITE, 1));
  EXPECT_TRUE(xebek_control_wants(want, XEBEK_REC_EXEC, 10));
  EXPECT_FALSE(xebek_control_wants(want, XEBEK_REC_SOCKET, 48));
  EXPECT_FALSE(xebek_control_wants(want, XEBEK_REC_OPEN, 5));

  c.set_control(want & ~XEBEK_CTL_ENABLE);
  EXPECT_FALSE(xebek_control_wants(r.intf()->control, XEBEK_REC_READ, 1));
  EXPECT_FALSE(xebek_control_wants(r.intf()->control, XEBEK_REC_WRITE, 1));
}

TEST(Ring, ConsAdvancesOnlyOnCommitAndARestartSkipsWhatWasWritten) {
  HeapRing r(2);
  xebek_producer_set_instance(&r.prod, 0x1234);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(put(r, XEBEK_REC_READ, std::string(1, 'a' + i)));
  uint64_t last_written = 0;
  {
    Consumer c(r);
    auto b = c.poll();
    ASSERT_EQ(10u, b.size());
    EXPECT_EQ(0u, r.intf()->cons);  // not committed: still the guest's
    // The daemon wrote the first 4 records, then died before committing.
    last_written = b[3].hdr.seq;
    EXPECT_EQ(0x1234u, c.stats().instance);
  }
  ConsumerOptions o;
  o.resume = ConsumerOptions::ResumePoint{0x1234, last_written};
  Consumer again(r, o);
  std::vector<std::string> pl;
  auto recs = drain(again, &pl);
  ASSERT_EQ(6u, recs.size());
  EXPECT_EQ(4u, recs[0].hdr.seq);
  EXPECT_EQ("e", pl[0]);
  EXPECT_EQ(4u, again.stats().skipped_replayed);
  EXPECT_EQ(r.intf()->prod, r.intf()->cons);

  // A different ring instance (guest rebooted): nothing is skipped.
  HeapRing fresh(2);
  xebek_producer_set_instance(&fresh.prod, 0x9999);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(put(fresh, XEBEK_REC_READ, "x"));
  Consumer c3(fresh, o);
  EXPECT_EQ(3u, drain(c3).size());
  EXPECT_EQ(0u, c3.stats().skipped_replayed);
}

TEST(Ring, PollReturnsAtMostOneBatch) {
  HeapRing r(4);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(put(r, XEBEK_REC_READ, "k"));
  ConsumerOptions o;
  o.max_batch = 16;
  Consumer c(r, o);
  EXPECT_EQ(16u, c.poll().size());
  EXPECT_EQ(16u, c.poll().size());
  EXPECT_EQ(16u, c.poll().size());
  EXPECT_EQ(2u, c.poll().size());
  EXPECT_EQ(0u, r.intf()->cons);
  c.commit();
  EXPECT_EQ(r.intf()->prod, r.intf()->cons);
}

}  // namespace
