// The native log's on-disk layout: the one definition of every structure
// in native.xnl, with offsets and static assertions. The writer
// (native_batch.cpp), the reader and the recovery walk (native_log.cpp)
// all derive from these structs; nothing else knows an offset.
//
// Version 3 (current) is version 2 plus each event's detail (the fields of
// ring protocol version 2: DetailEntry): after every FullEntry, and after a
// RefEntry whose extras say kExtraDetail. Version 2 batches still read
// (their events have the implied detail of a version-1 guest).
//
// Version 2. The file is a sequence of batches, one per write:
//
//   BatchHead      96 bytes   where the batch stands: receive time, ring
//                             instance, first seq, the stream/pcap ranges
//                             and Sebek counters it covers, the resume point
//   index          index_len  one entry per event:
//                               RefEntry (12 bytes + optional extras) when
//                               the Sebek stream holds the event: payload
//                               and most fields are read back from the
//                               stream record it points at;
//                               FullEntry (136 bytes) otherwise (exec,
//                               IPv6, losses, anything the stream cannot
//                               carry exactly)
//   data           the FullEntries' payloads, in index order
//   BatchTail      8 bytes    CRC-32C of head and index, end magic
//
// A payload is therefore on disk once: in the stream when Sebek can carry
// it, else in the native log. The data area is not checksummed: it is
// copied once, straight from the guest's ring, and the guest may change it
// meanwhile; a checksum over it would let a guest make Dom0's own log look
// damaged. A batch with no entries is a checkpoint (it opens a rotated
// log with the state recovery needs).
//
// Version 1 (previous; still read): one entry per event, NativeV1Fixed,
// the payload, then a CRC-32C of the fixed part. Little-endian throughout:
// Xebek's Dom0 is x86.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace xebekd::native {

static_assert(std::endian::native == std::endian::little,
              "the native log is written in the host's order on x86 Dom0s");

inline constexpr std::uint32_t kBatchMagic = 0x324c4e58;     // "XNL2"
inline constexpr std::uint32_t kBatchEndMagic = 0x454c4e58;  // "XNLE"
inline constexpr std::uint16_t kVersion = 3;
inline constexpr std::uint16_t kVersion2 = 2;  // previous batch layout, still read
inline constexpr std::uint64_t kNoPcap = ~0ull;

// BatchHead.flags
inline constexpr std::uint16_t kBatchHasResumeSeq = 1u << 0;  // resume_seq is valid

struct BatchHead {
  std::uint32_t magic;          //  0 kBatchMagic
  std::uint16_t version;        //  4 kVersion
  std::uint16_t flags;          //  6 kBatch*
  std::uint32_t total_len;      //  8 head + index + data + tail
  std::uint32_t index_len;      // 12 bytes of entries after the head
  std::uint32_t count;          // 16 entries
  std::uint32_t domid;          // 20
  std::uint64_t recv_time_ns;   // 24 Dom0's CLOCK_REALTIME when it wrote the batch
  std::uint64_t ring_instance;  // 32 the ring the events came from
  std::uint64_t first_seq;      // 40 seq of the first entry; each next one is +1
                                //    unless its entry says otherwise
  std::uint64_t resume_seq;     // 48 highest seq in the logs after this batch
  std::uint64_t stream_start;   // 56 sebek.sbk length before the batch
  std::uint64_t stream_end;     // 64 ...and after it
  std::uint64_t pcap_start;     // 72 sebek.pcap likewise (kNoPcap: none written)
  std::uint64_t pcap_end;       // 80
  std::uint32_t first_counter;  // 88 Sebek counter of the batch's first record
  std::uint32_t next_counter;   // 92 ...after its last
};
static_assert(sizeof(BatchHead) == 96, "batch head layout");
static_assert(offsetof(BatchHead, recv_time_ns) == 24, "batch head layout");
static_assert(offsetof(BatchHead, resume_seq) == 48, "batch head layout");
static_assert(offsetof(BatchHead, pcap_end) == 80, "batch head layout");
static_assert(offsetof(BatchHead, next_counter) == 92, "batch head layout");

struct BatchTail {
  std::uint32_t crc;    // 0 CRC-32C of the head and the index
  std::uint32_t magic;  // 4 kBatchEndMagic
};
static_assert(sizeof(BatchTail) == 8, "batch tail layout");

// The first byte of every entry: the event type, and which form follows.
inline constexpr std::uint8_t kEntryFull = 0x80;
inline constexpr std::uint8_t kEntryTypeMask = 0x7f;

// RefEntry.extras: optional fields that follow the entry, in this order.
// Absent, each takes its usual value.
inline constexpr std::uint8_t kExtraSeq = 1u << 0;        // u64; else previous seq + 1
inline constexpr std::uint8_t kExtraTgid = 1u << 1;       // u32; else pid
inline constexpr std::uint8_t kExtraInodeHigh = 1u << 2;  // u32 bits 32..63; else 0
inline constexpr std::uint8_t kExtraCommTail = 1u << 3;   // 4 bytes comm[12..15]; else 0
inline constexpr std::uint8_t kExtraRetval = 1u << 4;     // i64; else data length (open: fd)
inline constexpr std::uint8_t kExtraFlags = 1u << 5;      // u32; else 0
inline constexpr std::uint8_t kExtraDetail = 1u << 6;     // DetailEntry; else implied_detail()
// u64 xen_time_ns: the detail is the previous entry's of the same batch
// with this Xen time, group = seq and nothing truncated (a session's
// keystrokes differ in nothing else). Never together with kExtraDetail.
inline constexpr std::uint8_t kExtraDetailLike = 1u << 7;
inline constexpr std::uint8_t kExtraKnownV2 = 0x3f;       // what a version-2 batch may use
inline constexpr std::uint8_t kExtraKnown = 0xff;

// An event whose Sebek records are in the stream: pid, ppid, uid, fd, the
// low 32 bits of the inode, the first 12 bytes of comm, the time to the
// microsecond and the payload are those of the first record (and the
// payload continues through the records that follow).
struct RefEntry {
  std::uint8_t kind;         //  0 EventType
  std::uint8_t extras;       //  1 kExtra*
  std::uint16_t time_ns_rem; //  2 time_ns modulo 1000 (the stream holds microseconds)
  std::uint32_t stream_rel;  //  4 first Sebek record: stream offset - stream_start
  std::uint32_t data_len;    //  8 payload bytes
};
static_assert(sizeof(RefEntry) == 12, "reference entry layout");
static_assert(offsetof(RefEntry, stream_rel) == 4, "reference entry layout");
static_assert(offsetof(RefEntry, data_len) == 8, "reference entry layout");

// Every field of an event, for what the stream cannot carry exactly.
struct FullEntry {
  std::uint8_t kind;             //   0 EventType | kEntryFull
  std::uint8_t proto;            //   1 socket IPPROTO_*
  std::uint16_t family;          //   2 socket AF_*
  std::uint32_t flags;           //   4 event flags
  std::uint64_t seq;             //   8
  std::uint64_t time_ns;         //  16
  std::uint32_t pid;             //  24
  std::uint32_t tgid;            //  28
  std::uint32_t ppid;            //  32
  std::uint32_t uid;             //  36
  std::uint32_t fd;              //  40
  std::uint32_t data_len;        //  44 bytes of this entry in the data area
  std::uint64_t inode;           //  48
  std::int64_t retval;           //  56
  char comm[16];                 //  64
  std::uint16_t call;            //  80 socket call (Sebek numbering)
  std::uint16_t local_port;      //  82 host order
  std::uint16_t remote_port;     //  84 host order
  std::uint16_t reserved0;       //  86 0
  std::uint8_t local_addr[16];   //  88
  std::uint8_t remote_addr[16];  // 104
  std::uint64_t lost;            // 120 loss: records dropped
  std::uint32_t loss_reason;     // 128
  std::uint32_t reserved1;       // 132 0
};
static_assert(sizeof(FullEntry) == 136, "full entry layout");
static_assert(offsetof(FullEntry, inode) == 48, "full entry layout");
static_assert(offsetof(FullEntry, comm) == 64, "full entry layout");
static_assert(offsetof(FullEntry, local_addr) == 88, "full entry layout");
static_assert(offsetof(FullEntry, lost) == 120, "full entry layout");

// An event's detail (version 3): after every FullEntry, and after a
// RefEntry with kExtraDetail (its other extras come first).
struct DetailEntry {
  std::uint64_t xen_time_ns;   //  0
  std::uint32_t sid;           //  8
  std::uint32_t euid;          // 12
  std::uint32_t fsuid;         // 16
  std::uint32_t gid;           // 20
  std::uint32_t egid;          // 24
  std::uint32_t dev;           // 28
  std::uint32_t tty;           // 32
  std::uint32_t open_flags;    // 36
  std::uint32_t mode;          // 40
  std::uint16_t sock_type;     // 44
  std::uint16_t sock_proto;    // 46
  std::uint32_t target_pid;    // 48
  std::uint32_t reserved0;     // 52 0
  std::uint64_t group;         // 56
  std::uint64_t not_captured;  // 64
};
static_assert(sizeof(DetailEntry) == 72, "detail entry layout");
static_assert(offsetof(DetailEntry, sock_type) == 44, "detail entry layout");
static_assert(offsetof(DetailEntry, target_pid) == 48, "detail entry layout");
static_assert(offsetof(DetailEntry, group) == 56, "detail entry layout");
static_assert(offsetof(DetailEntry, not_captured) == 64, "detail entry layout");

// The writer closes a batch once its index passes kBatchIndexTarget or its
// data kBatchDataTarget; the reader refuses an index beyond kMaxBatchIndex
// (a corrupt length must not drive an allocation).
inline constexpr std::uint32_t kBatchIndexTarget = 4u << 20;
inline constexpr std::uint64_t kBatchDataTarget = 1ull << 30;
inline constexpr std::uint32_t kMaxBatchIndex = 16u << 20;

// ---- version 1 ---------------------------------------------------------

inline constexpr std::uint32_t kV1Magic = 0x314c4e58;  // "XNL1"
inline constexpr std::uint16_t kV1Checkpoint = 0;       // type of a checkpoint entry
inline constexpr std::uint32_t kV1CheckpointHasSeq = 1u << 0;

struct NativeV1Fixed {
  std::uint32_t magic;          //   0 kV1Magic
  std::uint32_t total_len;      //   4 fixed + data + 4-byte CRC
  std::uint64_t seq;            //   8
  std::uint64_t recv_time_ns;   //  16
  std::uint32_t domid;          //  24
  std::uint16_t type;           //  28 EventType, or kV1Checkpoint
  std::uint16_t family;         //  30
  std::uint32_t flags;          //  32
  std::uint32_t pid;            //  36
  std::uint32_t tgid;           //  40
  std::uint32_t ppid;           //  44
  std::uint32_t uid;            //  48
  std::uint32_t fd;             //  52
  std::uint64_t inode;          //  56
  std::int64_t retval;          //  64
  std::uint64_t time_ns;        //  72
  char comm[16];                //  80
  std::uint16_t call;           //  96
  std::uint8_t proto;           //  98
  std::uint8_t reserved0;       //  99
  std::uint16_t local_port;     // 100
  std::uint16_t remote_port;    // 102
  std::uint8_t local_addr[16];  // 104
  std::uint8_t remote_addr[16]; // 120
  std::uint64_t lost;           // 136
  std::uint32_t loss_reason;    // 144
  std::uint32_t first_counter;  // 148
  std::uint32_t sebek_records;  // 152
  std::uint32_t next_counter;   // 156
  std::uint64_t stream_end;     // 160
  std::uint64_t pcap_end;       // 168
  std::uint32_t data_len;       // 176
  std::uint32_t reserved1;      // 180
  std::uint64_t ring_instance;  // 184
};
static_assert(sizeof(NativeV1Fixed) == 192, "version 1 entry layout");
static_assert(offsetof(NativeV1Fixed, comm) == 80, "version 1 entry layout");
static_assert(offsetof(NativeV1Fixed, stream_end) == 160, "version 1 entry layout");
static_assert(offsetof(NativeV1Fixed, data_len) == 176, "version 1 entry layout");
static_assert(offsetof(NativeV1Fixed, ring_instance) == 184, "version 1 entry layout");
inline constexpr std::size_t kV1TrailerSize = 4;

}  // namespace xebekd::native
