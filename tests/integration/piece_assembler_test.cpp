// Payloads split by the guest into pieces come back whole, and a hostile
// or broken guest's pieces never make xebekd invent bytes or hold more
// than its budget.
#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "xebekd/piece_assembler.hpp"

using namespace xebekd;

namespace {

// Owns the bytes of the pieces (in the daemon they sit in the ring); a
// deque, so that adding a record moves none of the earlier ones.
struct Guest {
  std::deque<std::string> bytes;
  std::uint64_t seq = 0;

  Event record(std::uint32_t pid, std::string data, std::uint64_t group = ~0ull) {
    bytes.push_back(std::move(data));
    Event e;
    e.type = EventType::Write;
    e.pid = e.tgid = pid;
    e.seq = seq++;
    e.detail.group = group == ~0ull ? e.seq : group;
    e.data = {reinterpret_cast<const std::uint8_t*>(bytes.back().data()), bytes.back().size()};
    return e;
  }
};

std::string text(const Event& e) { return {e.data.begin(), e.data.end()}; }

}  // namespace

TEST(PieceAssembler, PiecesInOrderBecomeOneEvent) {
  PieceAssembler a;
  Guest g;
  std::vector<Event> out;
  Event p0 = g.record(7, "hello ");
  const std::uint64_t group = p0.seq;
  a.add(p0, true, false, 0, out);
  Event other = g.record(8, "x");  // another thread between the pieces
  a.add(other, false, false, 0, out);
  a.add(g.record(7, "big ", group), true, false, 6, out);
  Event last = g.record(7, "world", group);
  last.retval = 15;
  a.add(last, true, true, 10, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(text(out[0]), "x");
  EXPECT_EQ(text(out[1]), "hello big world");
  EXPECT_EQ(out[1].seq, last.seq) << "the event stands for every piece up to its last";
  EXPECT_EQ(out[1].detail.group, group);
  EXPECT_EQ(out[1].retval, 15);
  EXPECT_FALSE(out[1].flags & kFlagTruncated);
  a.release();
  EXPECT_EQ(a.held_bytes(), 0u);
}

TEST(PieceAssembler, MissingPiecesAreCountedNeverInvented) {
  PieceAssembler a;
  Guest g;
  std::vector<Event> out;
  // The first pieces were consumed before a restart: the group starts at 100.
  Event p = g.record(7, "tail", 0);
  a.add(p, true, false, 100, out);
  a.add(g.record(7, "end", 0), true, true, 110, out);  // a gap of 6 bytes
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(text(out[0]), "tailend");
  EXPECT_TRUE(out[0].flags & kFlagTruncated);
  EXPECT_EQ(out[0].detail.not_captured, 106u);
}

TEST(PieceAssembler, TheGuestsOwnCapIsAddedOnce) {
  PieceAssembler a;
  Guest g;
  std::vector<Event> out;
  Event p0 = g.record(7, "aa");
  p0.flags = kFlagTruncated;
  p0.detail.not_captured = 1000;
  a.add(p0, true, false, 0, out);
  Event p1 = g.record(7, "bb", p0.seq);
  p1.flags = kFlagTruncated;
  p1.detail.not_captured = 1000;
  a.add(p1, true, true, 2, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(text(out[0]), "aabb");
  EXPECT_EQ(out[0].detail.not_captured, 1000u);
}

TEST(PieceAssembler, AThreadThatMovesOnEndsItsGroup) {
  PieceAssembler a;
  Guest g;
  std::vector<Event> out;
  a.add(g.record(7, "never ends"), true, false, 0, out);
  a.add(g.record(7, "next syscall"), false, false, 0, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(text(out[0]), "never ends");
  EXPECT_TRUE(out[0].flags & kFlagTruncated) << "its last piece never came";
  EXPECT_EQ(text(out[1]), "next syscall");
}

TEST(PieceAssembler, OverlapsAreRefusedAndCounted) {
  PieceAssembler a;
  Guest g;
  std::vector<Event> out;
  Event p0 = g.record(7, "abcd");
  a.add(p0, true, false, 0, out);
  a.add(g.record(7, "XX", p0.seq), true, false, 2, out);  // rewrites bytes it already gave
  a.add(g.record(7, "ef", p0.seq), true, true, 4, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(text(out[0]), "abcdef");
  EXPECT_EQ(a.overlaps(), 1u);
}

TEST(PieceAssembler, ADomainHoldsNoMoreThanItsBudget) {
  PieceLimits lim;
  lim.max_bytes = 10;
  lim.max_groups = 2;
  PieceAssembler a(lim);
  Guest g;
  std::vector<Event> out;
  Event p = g.record(7, "0123456789abcdef");
  a.add(p, true, false, 0, out);
  EXPECT_EQ(a.held_bytes(), 10u);
  a.add(g.record(8, "zz"), true, false, 0, out);  // no room left at all
  a.add(g.record(9, "yy"), true, false, 0, out);  // a third group: the oldest goes out
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(text(out[0]), "0123456789");
  EXPECT_EQ(out[0].detail.not_captured, 6u);
  EXPECT_TRUE(out[0].flags & kFlagTruncated);
  a.flush(out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1].data.size(), 0u);
  EXPECT_EQ(out[1].detail.not_captured, 2u);
  a.release();
  EXPECT_EQ(a.held_bytes(), 0u);
}
