// The native -> Sebek mapping: types, splitting, counter with loss gaps,
// comm truncation, socket bodies, records Sebek cannot carry.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "sebekd_format/header.hpp"
#include "xebekd/sebek_mapping.hpp"

using namespace xebekd;

namespace {

struct Out {
  sebekd_format::Header h;
  std::vector<std::uint8_t> data;
};

std::vector<Out> run(SebekMapper& m, const Event& e) {
  std::vector<Out> out;
  const std::uint32_t n = m.map(e, [&](const SebekRecord& r) {
    out.push_back({r.header, {r.data.begin(), r.data.end()}});
  });
  EXPECT_EQ(n, out.size());
  return out;
}

Event base(EventType t) {
  Event e;
  e.type = t;
  e.time_ns = 1'700'000'000'123'456'789ull;
  e.pid = 1234;
  e.tgid = 1200;
  e.ppid = 1000;
  e.uid = 7;
  e.fd = 3;
  e.inode = 0x1'0000'0005ull;  // 64-bit inode: Sebek keeps the low 32 bits
  std::memcpy(e.comm.data(), "bash", 4);
  return e;
}

}  // namespace

TEST(SebekMapping, ReadKeepsHeaderFields) {
  SebekMapper m(1111);
  Event e = base(EventType::Read);
  const std::uint8_t byte = 'x';
  e.data = {&byte, 1};
  auto out = run(m, e);
  ASSERT_EQ(out.size(), 1u);
  const sebekd_format::Header& h = out[0].h;
  EXPECT_EQ(h.magic, 1111u);
  EXPECT_EQ(h.version, 3);
  EXPECT_EQ(h.type, 0);
  EXPECT_EQ(h.counter, 0u);
  EXPECT_EQ(h.time_sec, 1'700'000'000u);
  EXPECT_EQ(h.time_usec, 123'456u);
  EXPECT_EQ(h.pid, 1234u);  // the thread id, as Sebek's current->pid
  EXPECT_EQ(h.ppid, 1000u);
  EXPECT_EQ(h.uid, 7u);
  EXPECT_EQ(h.fd, 3u);
  EXPECT_EQ(h.inode, 5u);
  EXPECT_EQ(sebekd_format::comm_name(h.comm), "bash");
  EXPECT_EQ(h.length, 1u);
  EXPECT_EQ(out[0].data, std::vector<std::uint8_t>{'x'});
  EXPECT_EQ(m.next_counter(), 1u);
}

TEST(SebekMapping, WriteSplitsLikeSebek) {
  SebekMapper m;
  Event e = base(EventType::Write);
  std::vector<std::uint8_t> buf(2 * 1320, 'a');
  e.data = buf;
  auto out = run(m, e);
  ASSERT_EQ(out.size(), 3u);  // two full chunks and an empty remainder
  EXPECT_EQ(out[0].h.type, 1);
  EXPECT_EQ(out[0].h.length, 1320u);
  EXPECT_EQ(out[1].h.length, 1320u);
  EXPECT_EQ(out[2].h.length, 0u);
  EXPECT_EQ(out[2].h.counter, 2u);
}

TEST(SebekMapping, PresplitChunkIsOneRecord) {
  SebekMapper m;
  Event e = base(EventType::Read);
  std::vector<std::uint8_t> buf(1320, 'a');
  e.data = buf;
  e.flags = kFlagSebekChunk;
  auto out = run(m, e);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].h.length, 1320u);
}

TEST(SebekMapping, LossSkipsCounterValues) {
  SebekMapper m;
  Event r = base(EventType::Read);
  run(m, r);
  Event loss = base(EventType::Loss);
  loss.lost = 3;
  EXPECT_TRUE(run(m, loss).empty());
  auto out = run(m, r);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].h.counter, 4u);  // 1, 2, 3 were lost
}

TEST(SebekMapping, LongCommIsCutWithoutNul) {
  SebekMapper m;
  Event e = base(EventType::Open);
  e.comm = {};
  std::memcpy(e.comm.data(), "sshd-session-x", 14);
  const char path[] = "/etc/passwd";
  e.data = {reinterpret_cast<const std::uint8_t*>(path), sizeof path - 1};
  auto out = run(m, e);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].h.type, 3);
  EXPECT_EQ(std::string(out[0].h.comm.begin(), out[0].h.comm.end()), "sshd-session");
  EXPECT_EQ(std::string(out[0].data.begin(), out[0].data.end()), "/etc/passwd");
}

TEST(SebekMapping, ForkIsZeroLengthReadOfChild) {
  SebekMapper m;
  Event e = base(EventType::Fork);
  e.pid = 1235;
  e.ppid = 1234;
  auto out = run(m, e);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].h.type, 0);
  EXPECT_EQ(out[0].h.length, 0u);
  EXPECT_EQ(out[0].h.fd, 0u);
  EXPECT_EQ(out[0].h.inode, 0u);
  EXPECT_EQ(out[0].h.pid, 1235u);
  EXPECT_EQ(out[0].h.ppid, 1234u);
}

TEST(SebekMapping, SocketBodyUsesSebekCallNumbers) {
  SebekMapper m;
  Event e = base(EventType::Socket);
  e.socket.family = 2;
  e.socket.call = 3;
  e.socket.proto = 6;
  e.socket.local_addr = {10, 0, 0, 23};
  e.socket.remote_addr = {10, 0, 0, 5};
  e.socket.local_port = 40000;
  e.socket.remote_port = 80;
  auto out = run(m, e);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].h.type, 2);
  ASSERT_EQ(out[0].data.size(), 15u);
  const std::vector<std::uint8_t> want{10, 0, 0, 5, 0, 80, 10, 0, 0, 23, 0x9c, 0x40, 0, 3, 6};
  EXPECT_EQ(out[0].data, want);
}

TEST(SebekMapping, ExecAndIpv6HaveNoSebekRecord) {
  SebekMapper m;
  Event x = base(EventType::Exec);
  EXPECT_TRUE(run(m, x).empty());
  Event s = base(EventType::Socket);
  s.socket.family = 10;
  EXPECT_TRUE(run(m, s).empty());
  EXPECT_EQ(m.next_counter(), 0u);  // no counter value used
}

// ---- what ring protocol version 2 adds ------------------------------------

TEST(SebekMappingV2, AV4MappedPeerOfADualStackListenerIsIpv4) {
  SebekMapper m;
  Event e = base(EventType::Socket);
  e.socket.family = 10;
  e.socket.call = 5;  // accept
  e.socket.proto = 6;
  e.socket.remote_addr = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7};
  e.socket.remote_port = 51000;
  e.socket.local_port = 22;  // local end: "::", the listener's address
  auto out = run(m, e);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].data.size(), sebekd_format::kSocketBodySize);
  const auto b = sebekd_format::decode_socket_body(
      std::span<const std::uint8_t, sebekd_format::kSocketBodySize>(out[0].data.data(), sebekd_format::kSocketBodySize));
  EXPECT_EQ(b.dst_ip, 0xc0000207u);
  EXPECT_EQ(b.dst_port, 51000);
  EXPECT_EQ(b.src_ip, 0u);
  EXPECT_EQ(b.src_port, 22);
  EXPECT_EQ(b.call, 5);

  e.socket.local_addr = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 23};
  out = run(m, e);
  ASSERT_EQ(out.size(), 1u);
  const auto b2 = sebekd_format::decode_socket_body(
      std::span<const std::uint8_t, sebekd_format::kSocketBodySize>(out[0].data.data(), sebekd_format::kSocketBodySize));
  EXPECT_EQ(b2.src_ip, 0x0a000017u);

  e.socket.remote_addr = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};  // real IPv6
  EXPECT_TRUE(run(m, e).empty());
}

TEST(SebekMappingV2, CallsSebekNeverEmittedAndFailedOpensStayNative) {
  SebekMapper m;
  Event sock = base(EventType::Socket);
  sock.socket.family = 2;
  sock.socket.proto = 17;
  for (std::uint16_t call : {1, 2, 8}) {  // socket, bind, socketpair
    sock.socket.call = call;
    EXPECT_TRUE(run(m, sock).empty()) << "call " << call;
  }
  Event open = base(EventType::Open);
  open.flags = kFlagFailed;
  open.retval = -2;
  const std::string path = "/nonexistent";
  open.data = {reinterpret_cast<const std::uint8_t*>(path.data()), path.size()};
  EXPECT_TRUE(run(m, open).empty()) << "Sebek logged successful opens only";
  EXPECT_TRUE(run(m, base(EventType::Close)).empty());
  EXPECT_TRUE(run(m, base(EventType::ProcVm)).empty());
  EXPECT_EQ(m.next_counter(), 0u) << "no counter value is used up";
  sock.socket.call = 3;
  sock.flags = kFlagFailed;
  sock.retval = -111;
  EXPECT_EQ(run(m, sock).size(), 1u) << "a failed connect is a probe Sebek showed too";
}

TEST(SebekMappingV2, AJoinedPayloadIsSplitLikeTheClient) {
  SebekMapper m;
  Event e = base(EventType::Write);
  e.flags = kFlagTty;
  std::vector<std::uint8_t> five(5u << 20);
  for (std::size_t i = 0; i < five.size(); ++i) five[i] = static_cast<std::uint8_t>(i * 31);
  e.data = five;
  const auto out = run(m, e);
  const std::size_t chunks = five.size() / sebekd_format::kMaxChunk;
  ASSERT_EQ(out.size(), chunks + 1);  // full chunks, then the remainder (Sebek's rule)
  std::vector<std::uint8_t> back;
  for (const auto& o : out) {
    EXPECT_EQ(o.h.type, 1);
    EXPECT_LE(o.data.size(), sebekd_format::kMaxChunk);
    back.insert(back.end(), o.data.begin(), o.data.end());
  }
  EXPECT_EQ(back, five);
  EXPECT_EQ(out.back().data.size(), five.size() % sebekd_format::kMaxChunk);
}

TEST(SebekMappingV2, AReaderOfAnOlderLogMapsV4MappedPeersAsItsWriterDid) {
  SebekMapper m;
  m.set_v4_mapped(false);  // native log version 2: IPv6 never reached the stream
  Event e = base(EventType::Socket);
  e.socket.family = 10;
  e.socket.call = 3;
  e.socket.remote_addr = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7};
  EXPECT_TRUE(run(m, e).empty());
  m.set_v4_mapped(true);
  EXPECT_EQ(run(m, e).size(), 1u);
}
