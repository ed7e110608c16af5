// The guest writes its ring announcement into xenstore: XenTransport must
// accept exactly the well-formed ones (the guest is hostile).
#include "xebek0/xen_transport.hpp"

#include <gtest/gtest.h>

using xebek0::parse_xen_announcement;

namespace {
std::string refs(unsigned n) {
  std::string s;
  for (unsigned i = 0; i < n; i++) {
    if (i) s += ',';
    s += std::to_string(100 + i);
  }
  return s;
}
}  // namespace

TEST(XenAnnouncement, AcceptsWhatTheKernelWrites) {
  auto a = parse_xen_announcement("version=1 order=2 event-channel=17 ring-refs=" + refs(5));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->order, 2u);
  EXPECT_EQ(a->port, 17u);
  ASSERT_EQ(a->refs.size(), 5u);
  EXPECT_EQ(a->refs[0], 100u);
  EXPECT_EQ(a->refs[4], 104u);
}

TEST(XenAnnouncement, AcceptsEveryOrderUpToTheRingHeadersLimit) {
  for (unsigned order = 0; order <= XEBEK_RING_ORDER_MAX; ++order) {
    // Refs as large as a guest's grant table allows (5 digits).
    std::string r;
    for (unsigned i = 0; i < 1u + (1u << order); i++) {
      if (i) r += ',';
      r += std::to_string(32767 - i);
    }
    const std::string v = "version=1 order=" + std::to_string(order) + " event-channel=4095 ring-refs=" + r;
    ASSERT_LE(v.size(), 4096u) << "order " << order << " cannot be announced in one xenstore value";
    const auto a = parse_xen_announcement(v);
    ASSERT_TRUE(a) << "order " << order;
    EXPECT_EQ(a->refs.size(), 1u + (1u << order));
  }
}

TEST(XenAnnouncement, RejectsWrongRefCount) {
  EXPECT_FALSE(parse_xen_announcement("version=1 order=2 event-channel=17 ring-refs=" + refs(4)));
  EXPECT_FALSE(parse_xen_announcement("version=1 order=2 event-channel=17 ring-refs=" + refs(6)));
}

TEST(XenAnnouncement, RejectsMalformedFields) {
  const std::string ok_refs = " ring-refs=" + refs(2);
  EXPECT_FALSE(parse_xen_announcement(""));
  EXPECT_FALSE(parse_xen_announcement("version=3 order=0 event-channel=1" + ok_refs));
  EXPECT_FALSE(parse_xen_announcement("version=1 order=10 event-channel=1 ring-refs=" + refs(1025)));
  EXPECT_FALSE(parse_xen_announcement("version=1 order=0 event-channel=-1" + ok_refs));
  EXPECT_FALSE(parse_xen_announcement("version=1 order=0 event-channel=99999999999" + ok_refs));
  EXPECT_FALSE(parse_xen_announcement("version=1 order=0" + ok_refs));
  EXPECT_FALSE(parse_xen_announcement("version=1 version=1 order=0 event-channel=1" + ok_refs));
  EXPECT_FALSE(parse_xen_announcement("version=1 order=0 event-channel=1 ring-refs=1,,2"));
  EXPECT_FALSE(parse_xen_announcement("version=1 order=0 event-channel=1 ring-refs=1,2,"));
  EXPECT_FALSE(parse_xen_announcement("version=1  order=0 event-channel=1" + ok_refs));
  EXPECT_FALSE(parse_xen_announcement("version=1 order=0 event-channel=1 extra=1" + ok_refs));
  EXPECT_FALSE(parse_xen_announcement(std::string(5000, 'x')));
}

TEST(XenAnnouncement, EquivalentSpellingsHaveOneCanonicalForm) {
  // A guest that rewrites its node with an equivalent value must not make
  // Dom0 see a new ring (and re-attach, at a cost the guest chooses).
  const std::string plain = "version=1 order=1 event-channel=17 ring-refs=8,9,10";
  const auto canonical = xebek0::format_xen_announcement(*parse_xen_announcement(plain));
  EXPECT_EQ(canonical, plain);
  for (const std::string v : {"version=1 order=1 event-channel=17 ring-refs=08,9,10",
                              "version=01 order=001 event-channel=0017 ring-refs=8,09,010",
                              "ring-refs=8,9,10 event-channel=17 order=1 version=1",
                              "order=1 version=1 ring-refs=8,9,10 event-channel=17",
                              "version=1 order=1 event-channel=17 ring-refs=8,9,10 "}) {
    const auto a = parse_xen_announcement(v);
    ASSERT_TRUE(a) << v;
    EXPECT_EQ(xebek0::format_xen_announcement(*a), canonical) << v;
  }
}

TEST(XenAnnouncement, RejectsAPageGrantedTwice) {
  EXPECT_FALSE(parse_xen_announcement("version=1 order=1 event-channel=17 ring-refs=8,9,8"));
  EXPECT_FALSE(parse_xen_announcement("version=1 order=1 event-channel=17 ring-refs=8,9,9"));
}

TEST(XenAnnouncement, TheCanonicalFormParsesBackToTheSameRing) {
  // Dom0 maps the ring from the canonical text it validated when it looked
  // the domain up, not from the node again (which may have changed since).
  const auto a = parse_xen_announcement("order=2 event-channel=5 version=2 ring-refs=07,8,9,10,11");
  ASSERT_TRUE(a);
  const auto back = parse_xen_announcement(xebek0::format_xen_announcement(*a));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->version, 2u);
  EXPECT_EQ(back->order, 2u);
  EXPECT_EQ(back->port, 5u);
  EXPECT_EQ(back->refs, (std::vector<uint32_t>{7, 8, 9, 10, 11}));
}

TEST(XenAnnouncement, CarriesTheRingsRandomMagic) {
  const auto a =
      parse_xen_announcement("version=2 order=1 event-channel=17 magic=3735928559 ring-refs=8,9,10");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->has_magic);
  EXPECT_EQ(a->magic, 3735928559u);
  EXPECT_EQ(xebek0::format_xen_announcement(*a),
            "version=2 order=1 event-channel=17 magic=3735928559 ring-refs=8,9,10");
  const auto plain = parse_xen_announcement("version=2 order=1 event-channel=17 ring-refs=8,9,10");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->has_magic);
  EXPECT_EQ(plain->magic, XEBEK_RING_MAGIC) << "a guest that names none uses the fixed one";
}

TEST(XenAnnouncement, RejectsABadMagic) {
  const std::string rest = " ring-refs=8,9,10";
  const std::string head = "version=2 order=1 event-channel=17";
  EXPECT_FALSE(parse_xen_announcement(head + " magic=1 magic=1" + rest));
  EXPECT_FALSE(parse_xen_announcement(head + " magic=-5" + rest));
  EXPECT_FALSE(parse_xen_announcement(head + " magic=4294967296" + rest));
  EXPECT_FALSE(parse_xen_announcement(head + " magic=" + rest));
  EXPECT_FALSE(parse_xen_announcement(head + " magic=0x10" + rest));
}

// ---- Frame numbers (Xebek's kernel: no grants, no event channel)

TEST(XenAnnouncement, AcceptsFramesAndRunsOfFrames) {
  const auto a = parse_xen_announcement("version=2 order=2 magic=7 page-refs=900,1000-1003");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->has_port);
  EXPECT_TRUE(a->refs.empty());
  EXPECT_EQ(a->frames, (std::vector<uint64_t>{900, 1000, 1001, 1002, 1003}));
  // Frames above 2^32 (machines of more than 16 TiB) are frames too.
  const auto big = parse_xen_announcement("version=2 order=0 page-refs=5,4294967296");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->frames[1], 4294967296ull);
}

TEST(XenAnnouncement, FramesOfTheDefaultRingFitXenstoreWithoutAnyRun) {
  // 257 scattered frames of a machine of up to 2^40 pages: no run to help.
  std::string f;
  for (unsigned i = 0; i < 257; i++) {
    if (i) f += ',';
    f += std::to_string(1099511627775ull - 2 * i);
  }
  const std::string v = "version=2 order=8 magic=4294967295 page-refs=" + f;
  ASSERT_LE(v.size(), 4096u);
  const auto a = parse_xen_announcement(v);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->frames.size(), 257u);
}

TEST(XenAnnouncement, RejectsFramesThatDoNotMakeTheRing) {
  const std::string head = "version=2 order=1 page-refs=";
  EXPECT_FALSE(parse_xen_announcement(head + "1,2")) << "one page short";
  EXPECT_FALSE(parse_xen_announcement(head + "1,2-4")) << "one page too many";
  EXPECT_FALSE(parse_xen_announcement(head + "1,3-2")) << "a run backwards";
  EXPECT_FALSE(parse_xen_announcement(head + "1,2-2,3")) << "a run of one spelled as a run";
  EXPECT_FALSE(parse_xen_announcement(head + "2,1-2")) << "a frame named twice";
  EXPECT_FALSE(parse_xen_announcement(head + "1,2,-3"));
  EXPECT_FALSE(parse_xen_announcement(head + "1,2-,3"));
  EXPECT_FALSE(parse_xen_announcement(head + "1,2-3-4"));
  EXPECT_FALSE(parse_xen_announcement(head + "1,0x2,3"));
  EXPECT_FALSE(parse_xen_announcement(head + "1,2,18446744073709551616"));
  // A run far larger than any ring stops at once, whatever it names.
  EXPECT_FALSE(parse_xen_announcement(head + "0-18446744073709551615"));
  EXPECT_FALSE(parse_xen_announcement("version=2 order=9 page-refs=0-513"));
}

TEST(XenAnnouncement, FramesComeWithoutAnEventChannelAndNotBesideGrants) {
  EXPECT_FALSE(parse_xen_announcement("version=2 order=0 event-channel=5 page-refs=1,2"))
      << "Dom0 polls a ring it maps by frames: a port would be a guest's invention";
  EXPECT_FALSE(parse_xen_announcement("version=2 order=0 page-refs=1,2 ring-refs=3,4"));
  EXPECT_FALSE(parse_xen_announcement("version=2 order=0 ring-refs=3,4")) << "grants need a port";
  EXPECT_FALSE(parse_xen_announcement("version=2 order=0 page-refs=1,2 page-refs=1,2"));
}

TEST(XenAnnouncement, FramesHaveOneCanonicalFormWithRunsMerged) {
  const std::string canonical = "version=2 order=2 magic=9 page-refs=50,60-63";
  for (const std::string& v : {std::string("version=2 order=2 magic=9 page-refs=50,60,61,62,63"),
                               std::string("page-refs=050,60-61,62-63 magic=09 order=2 version=2"),
                               canonical}) {
    const auto a = parse_xen_announcement(v);
    ASSERT_TRUE(a) << v;
    EXPECT_EQ(xebek0::format_xen_announcement(*a), canonical) << v;
    const auto back = parse_xen_announcement(xebek0::format_xen_announcement(*a));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->frames, a->frames);
  }
}

TEST(XenAnnouncement, FramesAreVersion2AndAtMostOrder8) {
  EXPECT_FALSE(parse_xen_announcement("version=1 order=0 page-refs=1,2"));
  EXPECT_FALSE(parse_xen_announcement("version=2 order=9 page-refs=0,1-512"))
      << "513 frames may not fit one xenstore value: the guest never announces them";
  EXPECT_TRUE(parse_xen_announcement("version=2 order=8 page-refs=0,1-256"));
}

TEST(XenAnnouncement, FramesBeyondAnyMachineAreRefusedSoRunsNeverWrap) {
  EXPECT_FALSE(parse_xen_announcement("version=2 order=0 page-refs=18446744073709551615,0"));
  EXPECT_FALSE(parse_xen_announcement("version=2 order=0 page-refs=1099511627776,0"));
  const auto top = parse_xen_announcement("version=2 order=1 page-refs=1099511627774,1099511627775,0");
  ASSERT_TRUE(top);
  const std::string canonical = xebek0::format_xen_announcement(*top);
  EXPECT_EQ(canonical, "version=2 order=1 page-refs=1099511627774-1099511627775,0");
  EXPECT_TRUE(parse_xen_announcement(canonical));
}
