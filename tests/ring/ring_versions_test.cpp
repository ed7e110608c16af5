// The consumer reads both ring protocol versions: a version-1 guest's ring
// gives the same events and the same Sebek records as before, and the
// fields version 2 adds are validated before they steer anything.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <cstring>
#include <tuple>
#include <string>
#include <vector>

#include "heap_ring.hpp"
#include "xebek0/consumer.hpp"
#include "xebekd/ring_event.hpp"
#include "xebekd/sebek_mapping.hpp"

using xebek0::Consumer;
using xebek0::ProtocolError;
using xebek_test::HeapRing;
using xebek_test::make_rec;

namespace {

xebek_rec_v1 v1_rec(unsigned type, uint32_t pid) {
  xebek_rec_v1 r{};
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

uint64_t count(const Consumer& c, ProtocolError e) { return c.stats().by_kind[static_cast<unsigned>(e)]; }

// The Sebek stream bytes (headers and data) the records map to.
std::vector<uint8_t> sebek_bytes(std::span<const xebek0::Record> recs) {
  xebekd::SebekMapper m;
  std::vector<uint8_t> out;
  for (const auto& r : recs)
    m.map(xebekd::event_from_record(r), [&](const xebekd::SebekRecord& s) {
      const auto* h = reinterpret_cast<const uint8_t*>(&s.header);
      out.insert(out.end(), h, h + sizeof s.header);
      out.insert(out.end(), s.data.begin(), s.data.end());
    });
  return out;
}

xebek_sock ipv4_connect() {
  xebek_sock s{};
  s.family = XEBEK_AF_INET;
  s.call = 3;
  s.proto = 6;
  s.local_addr[0] = 10, s.local_addr[3] = 23;
  s.remote_addr[0] = 192, s.remote_addr[3] = 7;
  s.local_port = htons(40000);
  s.remote_port = htons(4444);
  return s;
}

}  // namespace

TEST(RingVersions, AVersion1RingIsReadAsBefore) {
  HeapRing v1(2, "old-guest", false);
  v1.make_version1();
  HeapRing v2(2, "new-guest");
  Consumer c1(v1), c2(v2);
  ASSERT_FALSE(c1.failed()) << c1.failure();
  const xebek_sock sock = ipv4_connect();
  v1.put_v1(v1_rec(XEBEK_REC_READ, 7), "k", 1);
  v1.put_v1(v1_rec(XEBEK_REC_OPEN, 7), "/etc/passwd", 11);
  v1.put_v1(v1_rec(XEBEK_REC_SOCKET, 7), &sock, sizeof sock);
  v1.put_v1(v1_rec(XEBEK_REC_FORK, 8), nullptr, 0);
  for (auto [type, payload, n] : {std::tuple<unsigned, const void*, uint32_t>{XEBEK_REC_READ, "k", 1},
                                  {XEBEK_REC_OPEN, "/etc/passwd", 11},
                                  {XEBEK_REC_SOCKET, &sock, uint32_t{sizeof sock}},
                                  {XEBEK_REC_FORK, nullptr, 0}}) {
    xebek_rec t = make_rec(type, type == XEBEK_REC_FORK ? 8 : 7);
    t.euid = t.fsuid = t.uid;
    ASSERT_EQ(0, xebek_produce(&v2.prod, &t, payload, n));
  }
  const auto r1 = c1.poll();
  ASSERT_EQ(r1.size(), 4u);
  EXPECT_EQ(c1.stats().protocol_errors, 0u);
  for (const auto& r : r1) {
    EXPECT_EQ(r.hdr.euid, r.hdr.uid) << "a version-1 guest reports the real uid only";
    EXPECT_EQ(r.hdr.group, r.hdr.seq);
    EXPECT_EQ(r.hdr.sid, 0u);
  }
  EXPECT_EQ(std::string(r1[1].payload.begin(), r1[1].payload.end()), "/etc/passwd");
  EXPECT_EQ(r1[2].sock.remote_port, htons(4444));
  const std::vector<uint8_t> old_stream = sebek_bytes(r1);
  const auto r2 = c2.poll();
  ASSERT_EQ(r2.size(), 4u);
  EXPECT_EQ(old_stream, sebek_bytes(r2)) << "both versions give the same Sebek records";
  EXPECT_EQ(old_stream.size(), 4u * sizeof(sebekd_format::Header) + 1u + 11u + 15u);  // four records
}

TEST(RingVersions, Version2TypesAreUnknownInAVersion1Ring) {
  HeapRing v1(2, "old-guest", false);
  v1.make_version1();
  Consumer c(v1);
  v1.put_v1(v1_rec(XEBEK_REC_CLOSE, 7), nullptr, 0);
  v1.put_v1(v1_rec(XEBEK_REC_READ, 7), "k", 1);
  const auto recs = c.poll();
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].hdr.type, XEBEK_REC_READ);
  EXPECT_EQ(count(c, ProtocolError::UnknownType), 1u);
  EXPECT_FALSE(c.failed());
}

TEST(RingVersions, AnIdentityThatContradictsTheAnnouncementIsRefused) {
  HeapRing r(2, "liar");  // announced version 2, claims version 1 in its page
  r.intf()->version = XEBEK_RING_VERSION_1;
  Consumer c(r);
  EXPECT_TRUE(c.failed());
  EXPECT_EQ(count(c, ProtocolError::BadIdentity), 1u);
}

TEST(RingVersions, TheInterfacePageMustHoldTheAnnouncedMagic) {
  HeapRing fixed(2, "fixed-magic");  // writes XEBEK_RING_MAGIC
  fixed.set_expected_magic(0x1234abcdu);  // but announced another
  Consumer refused(fixed);
  EXPECT_TRUE(refused.failed());
  EXPECT_EQ(count(refused, ProtocolError::BadIdentity), 1u);

  HeapRing random(2, "random-magic");
  random.intf()->magic = 0x1234abcdu;
  random.set_expected_magic(0x1234abcdu);
  Consumer accepted(random);
  EXPECT_FALSE(accepted.failed());
  EXPECT_EQ(count(accepted, ProtocolError::BadIdentity), 0u);
}

TEST(RingVersions, ProcessVmAndCloseRecordsAreValidated) {
  HeapRing r(3);
  Consumer c(r);
  xebek_rec vm = make_rec(XEBEK_REC_PROCVM);
  const xebek_procvm target{777, 1};
  ASSERT_EQ(0, xebek_produce(&r.prod, &vm, &target, sizeof target));
  ASSERT_EQ(0, xebek_produce(&r.prod, &vm, &target, 4));  // short payload
  xebek_rec close = make_rec(XEBEK_REC_CLOSE);
  ASSERT_EQ(0, xebek_produce(&r.prod, &close, nullptr, 0));
  ASSERT_EQ(0, xebek_produce(&r.prod, &close, "junk", 4));  // a close has no payload
  const auto recs = c.poll();
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].procvm.target_pid, 777u);
  const xebekd::Event e = xebekd::event_from_record(recs[0]);
  EXPECT_EQ(e.type, xebekd::EventType::ProcVm);
  EXPECT_EQ(e.detail.target_pid, 777u);
  EXPECT_TRUE(e.flags & xebekd::kFlagProcVmWrite);
  EXPECT_EQ(recs[1].hdr.type, XEBEK_REC_CLOSE);
  EXPECT_EQ(count(c, ProtocolError::BadPayload), 2u);
  EXPECT_FALSE(c.failed());
}

TEST(RingVersions, PieceFieldsThatCannotBeAreIgnored) {
  HeapRing r(3);
  Consumer c(r);
  xebek_rec open = make_rec(XEBEK_REC_OPEN);
  open.flags = XEBEK_RF_PIECE | XEBEK_RF_LAST;  // an open is never split
  open.offset = 99;
  ASSERT_EQ(0, xebek_produce(&r.prod, &open, "/x", 2));
  // The producer sets group = seq; a group after the piece itself is a lie.
  struct xebek_rec* h = xebek_produce_begin(&r.prod, XEBEK_REC_READ, 1);
  ASSERT_NE(h, nullptr);
  h->flags = XEBEK_RF_PIECE;
  h->group = h->seq + 5;
  xebek_rec_payload(h)[0] = 'z';
  xebek_produce_commit(&r.prod, h);
  xebek_rec lone_last = make_rec(XEBEK_REC_WRITE);
  lone_last.flags = XEBEK_RF_LAST;
  ASSERT_EQ(0, xebek_produce(&r.prod, &lone_last, "w", 1));
  const auto recs = c.poll();
  ASSERT_EQ(recs.size(), 3u);
  for (const auto& rec : recs) {
    EXPECT_EQ(rec.hdr.flags & (XEBEK_RF_PIECE | XEBEK_RF_LAST), 0) << "type " << rec.hdr.type;
    EXPECT_EQ(rec.hdr.group, rec.hdr.seq);
    EXPECT_EQ(rec.hdr.offset, 0u);
  }
  EXPECT_EQ(count(c, ProtocolError::BadPiece), 3u);
  EXPECT_FALSE(c.failed());
}
