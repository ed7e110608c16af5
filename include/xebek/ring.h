/* SPDX-License-Identifier: MIT */
/*
 * xebek/ring.h - the shared ring between a DomU (producer) and Dom0 (consumer)
 *
 * One header, valid as C11 (the DomU kernel patch includes it verbatim) and
 * as C++20 (the Dom0 library xebek0). Only fixed-width types; every field
 * has a fixed offset, checked by static assertions at the end of the file.
 * Byte order is the guest's native order; Xebek supports x86 guests only,
 * so that is little-endian on both sides.
 *
 * Layout of the shared memory (all pages granted by the DomU to Dom0):
 *
 *   interface page (4 KiB)   struct xebek_ring_intf: indexes, notify
 *                            request, order, version, drop counters, control
 *   data area                2^order pages, a byte ring of variable-length
 *                            records (struct xebek_rec + payload)
 *
 * Xen conventions followed (read, not copied):
 *  - xen/include/public/io/ring.h: free-running 32-bit producer and consumer
 *    indexes that are only masked with (size - 1) when used as offsets, so
 *    "prod - cons" is the number of used bytes even across the 2^32 wrap;
 *    barriers are supplied by the includer; an event index ("notify_at",
 *    the analogue of rsp_event) lets the consumer say how far the producer
 *    must get before a notification is worth an event-channel hypercall.
 *  - xen/include/public/io/libxenvchan.h: a byte ring with an explicit
 *    notify request bit that the reader sets before sleeping and that the
 *    writer clears when it signals, so the producer signals only when the
 *    consumer asked.
 *
 * Trust: the producer (guest kernel) writes everything except "cons",
 * "notify_req", "notify_at" and "control". A compromised guest may write
 * anything anywhere in these pages at any time; the consumer therefore
 * reads each shared word once, validates the copy and never trusts "order"
 * after mapping (it keeps the size it mapped).
 */
#ifndef XEBEK_RING_H
#define XEBEK_RING_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <asm/barrier.h>
#include <linux/compiler.h>
#else
#include <stdint.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Barriers and single accesses of shared words.
 *
 * The includer may predefine any of these. Defaults:
 *  kernel:    virt_mb/virt_rmb/virt_wmb (real barriers even on a UP guest,
 *             since the other side is another VM), READ_ONCE/WRITE_ONCE;
 *  userspace: __atomic fences and relaxed __atomic loads/stores, which
 *             compile to plain moves plus the needed fences on x86.
 *
 * XEBEK_MB()  full barrier: orders earlier loads AND stores against later
 *             loads and stores. Needed where a store must be visible before
 *             a later load (notify request then re-check of prod; prod
 *             publication then check of the notify request).
 * XEBEK_RMB() read barrier: loads before it complete before loads after it
 *             (read prod, then the records it covers).
 * XEBEK_WMB() write barrier: stores before it are visible before stores
 *             after it (write the records, then publish prod).
 * XEBEK_READ(x) / XEBEK_WRITE(x, v): one untorn access of a shared word,
 *             never merged or repeated by the compiler.
 * ---------------------------------------------------------------------- */
#ifdef __KERNEL__
#ifndef XEBEK_MB
#define XEBEK_MB()  virt_mb()
#endif
#ifndef XEBEK_RMB
#define XEBEK_RMB() virt_rmb()
#endif
#ifndef XEBEK_WMB
#define XEBEK_WMB() virt_wmb()
#endif
#ifndef XEBEK_READ
#define XEBEK_READ(x) READ_ONCE(x)
#endif
#ifndef XEBEK_WRITE
#define XEBEK_WRITE(x, v) WRITE_ONCE(x, v)
#endif
#else /* userspace */
#ifndef XEBEK_MB
#define XEBEK_MB()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef XEBEK_RMB
#define XEBEK_RMB() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif
#ifndef XEBEK_WMB
#define XEBEK_WMB() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif
#ifndef XEBEK_READ
#define XEBEK_READ(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#endif
#ifndef XEBEK_WRITE
#define XEBEK_WRITE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#endif
#endif

/* ------------------------------------------------------------------------
 * Constants
 * ---------------------------------------------------------------------- */
/* The identity word a consumer expects when the handshake names none
 * (stand-ins and older guests); the guest kernel announces a random one. */
#define XEBEK_RING_MAGIC     0x4b424558u  /* "XEBK" in memory order */
#define XEBEK_RING_VERSION   2u           /* protocol version; bump on change */
#define XEBEK_RING_VERSION_1 1u           /* the previous one, still read by Dom0 */
#define XEBEK_PAGE_SIZE      4096u        /* Xen grants 4 KiB pages */
#define XEBEK_RING_ORDER_MIN 0u           /* 1 data page */
/* 512 data pages = 2 MiB. The bound is the handshake: the announcement
 * lists every grant ref in one xenstore value, which holds at most 4096
 * bytes (XENSTORE_PAYLOAD_MAX); 513 refs of up to 5 digits (a guest's
 * grant table has at most 32768 v1 entries with Xen's default 64 frames)
 * plus the keys fit, 1025 would not. */
#define XEBEK_RING_ORDER_MAX 9u
/* A ring announced by its pages' frame numbers (page-refs) rather than
 * grants: 257 frames below XEBEK_FRAME_LIMIT (x86-64 addresses at most
 * 2^52 bytes) fit in one xenstore value in any order, 513 might not. */
#define XEBEK_RING_ORDER_MAX_FRAMES 8u
#define XEBEK_FRAME_LIMIT    (1ull << 40)
/* Bytes of data area for an order (order already validated). */
#define XEBEK_RING_SIZE(order) ((uint32_t)XEBEK_PAGE_SIZE << (order))

/* Records start on 8-byte boundaries: headers are naturally aligned and
 * the smallest possible gap before the end (8 bytes) still holds the
 * length and type of a padding record. */
#define XEBEK_REC_ALIGN      8u
#define XEBEK_REC_ALIGNED(n) (((n) + (XEBEK_REC_ALIGN - 1u)) & ~(uint32_t)(XEBEK_REC_ALIGN - 1u))

/* Largest record (header + payload). A larger payload is split by the
 * hook into pieces (XEBEK_RF_PIECE), each a record of its own; a record
 * that still does not fit is dropped with XEBEK_LOSS_TOO_BIG. A record
 * must also fit in half the ring so one record can never wedge it. */
#define XEBEK_REC_MAX        (64u * 1024u)

/* ------------------------------------------------------------------------
 * The control word (written by Dom0, read by the guest).
 *
 * Dom0 writes it and then signals the event channel; the guest applies it
 * from sleepable context (static keys) and echoes the value it applied in
 * "control_applied", so Dom0 can tell a pending change from an applied one.
 * The modes mirror Sebek's module options.
 * ---------------------------------------------------------------------- */
#define XEBEK_CTL_ENABLE     (1u << 0) /* capture on at all */
#define XEBEK_CTL_KEYSTROKES (1u << 1) /* terminal input, and reads of exactly
                                        * 1 byte from pipes and sockets (a
                                        * reverse shell's keys); a version-1
                                        * guest: every 1-byte read */
#define XEBEK_CTL_READS      (1u << 2) /* all reads, any length */
#define XEBEK_CTL_WRITES     (1u << 3) /* all writes (Sebek WRITE_TRACKING) */
#define XEBEK_CTL_SOCKETS    (1u << 4) /* connect/accept/listen/send/recv (Sebek SOCKET_TRACKING) */
#define XEBEK_CTL_OPENS      (1u << 5) /* opens with their path, failed ones
                                        * too, and closes */
#define XEBEK_CTL_EXEC       (1u << 6) /* execve with filename and argv, and
                                        * process_vm_readv/writev */
#define XEBEK_CTL_FORK       (1u << 7) /* fork/vfork/clone markers */
#define XEBEK_CTL_TTY_IN     (1u << 8) /* every read of a terminal (tty or pty
                                        * slave): one record per syscall with
                                        * all the bytes the reader received */
#define XEBEK_CTL_TTY_OUT    (1u << 9) /* every write to a terminal */
#define XEBEK_CTL_SEBEK_KEYS (1u << 10) /* Sebek's exact KEYSTROKES_ONLY rule:
                                        * every read of exactly 1 byte, of
                                        * anything (regular files, devices) */
#define XEBEK_CTL_SUCCESS_ONLY (1u << 11) /* leave out failed opens and
                                        * connects (less data, no probes) */
#define XEBEK_CTL_ALL_MODES  (0x7feu)   /* every capture mode bit above
                                        * (SUCCESS_ONLY is a filter, not a mode) */
/* What a guest uses until Dom0 says otherwise: terminal sessions in and
 * out, keystrokes, sockets, opens, exec and process creation. */
#define XEBEK_CTL_DEFAULT    (XEBEK_CTL_ENABLE | XEBEK_CTL_KEYSTROKES | \
                              XEBEK_CTL_TTY_IN | XEBEK_CTL_TTY_OUT | \
                              XEBEK_CTL_SOCKETS | XEBEK_CTL_OPENS | \
                              XEBEK_CTL_EXEC | XEBEK_CTL_FORK)
/* The defaults of a version-1 guest (Sebek's plus opens and fork). */
#define XEBEK_CTL_DEFAULT_V1 (XEBEK_CTL_ENABLE | XEBEK_CTL_KEYSTROKES | \
                              XEBEK_CTL_SOCKETS | XEBEK_CTL_OPENS | \
                              XEBEK_CTL_FORK)

/* Bits of "notify_req" (libxenvchan style). */
#define XEBEK_NOTIFY_DATA    (1u << 0) /* consumer sleeps: signal when prod reaches notify_at */

/* ------------------------------------------------------------------------
 * Loss reasons: index into drops[] and the reason of a loss record.
 * ---------------------------------------------------------------------- */
#define XEBEK_LOSS_RING_FULL 0u /* no room in the ring (consumer too slow) */
#define XEBEK_LOSS_TOO_BIG   1u /* record larger than XEBEK_REC_MAX or half the ring */
#define XEBEK_LOSS_FAULT     2u /* copying user data failed (page not present, ...) */
#define XEBEK_LOSS_OTHER     3u /* anything else the hook had to give up on */
#define XEBEK_LOSS_NR        8u /* slots in drops[]; 4-7 reserved, zero */

/* ------------------------------------------------------------------------
 * The interface page. Producer-written and consumer-written words live in
 * separate 64-byte cache lines so the two sides do not false-share.
 * ---------------------------------------------------------------------- */
struct xebek_ring_intf {
	/* line 0: identity, written once by the producer before publishing */
	uint32_t magic;          /*   0 the announced magic, else XEBEK_RING_MAGIC */
	uint16_t version;        /*   4 XEBEK_RING_VERSION */
	uint8_t  order;          /*   6 data area = 2^order pages; informative
	                          *     only for Dom0, which uses the order it
	                          *     read from xenstore when it mapped */
	uint8_t  _pad0;          /*   7 zero */
	uint32_t hdr_size;       /*   8 sizeof(struct xebek_rec) the producer uses */
	uint32_t _pad1;          /*  12 zero */
	uint64_t instance;       /*  16 random per ring set-up (guest boot, resume):
	                          *     with seq it names a record uniquely, so
	                          *     a restarted Dom0 skips only what it wrote
	                          *     from this very ring */
	uint32_t _pad1b[10];     /*  24 zero */

	/* line 1: producer-written */
	uint32_t prod;           /*  64 free-running byte index: end of the last
	                          *     committed record; offsets are prod & (size-1) */
	uint32_t _pad2;          /*  68 zero */
	uint64_t drops[XEBEK_LOSS_NR]; /* 72 records dropped since start, per
	                          *     reason (cumulative; the loss records in
	                          *     the ring carry the same counts in pieces) */
	uint32_t control_applied;/* 136 last control word the guest applied */
	uint32_t _pad3[13];      /* 140 zero */

	/* line 3: consumer-written */
	uint32_t cons;           /* 192 free-running byte index: everything before
	                          *     it is consumed and may be overwritten */
	uint32_t notify_req;     /* 196 XEBEK_NOTIFY_* bits set by the consumer
	                          *     before it sleeps; the producer clears a bit
	                          *     when it signals for it */
	uint32_t notify_at;      /* 200 event index: with XEBEK_NOTIFY_DATA set,
	                          *     signal once prod - notify_at < 2^31, i.e.
	                          *     prod has reached it (cons + 1 = "any new
	                          *     record", larger = "wake me for a batch") */
	uint32_t control;        /* 204 XEBEK_CTL_* bits, written by Dom0 */
	uint32_t _pad4[12];      /* 208 zero */
	/* 256 .. 4095: reserved, zero */
};

/* ------------------------------------------------------------------------
 * Records
 *
 * Every record starts on an 8-byte boundary with struct xebek_rec and never
 * straddles the end of the data area: when the next record does not fit
 * before the end, the producer writes an XEBEK_REC_PAD record that covers
 * the rest (only its "len" and "type" are meaningful; it may be as short as
 * 8 bytes) and continues at offset 0. The next record starts at
 * XEBEK_REC_ALIGNED(len) after the start of this one.
 * ---------------------------------------------------------------------- */
#define XEBEK_REC_PAD    0u /* filler up to the end of the data area */
#define XEBEK_REC_READ   1u /* payload: the bytes read (Sebek type 0);
                             * XEBEK_RF_TTY: terminal input */
#define XEBEK_REC_WRITE  2u /* payload: the bytes written (Sebek type 1);
                             * XEBEK_RF_TTY: terminal output */
#define XEBEK_REC_OPEN   3u /* payload: absolute path, no NUL (Sebek type 3);
                             * XEBEK_RF_FAILED: the path as asked for,
                             * ret = -errno, fd = -1 */
#define XEBEK_REC_SOCKET 4u /* payload: struct xebek_sock (Sebek type 2) */
#define XEBEK_REC_FORK   5u /* no payload; describes the new child:
                             * pid/tgid = child, ppid = parent, comm inherited
                             * (Sebek's zero-length read fork marker) */
#define XEBEK_REC_EXEC   6u /* payload: filename NUL argv[0] NUL argv[1] NUL ...;
                             * XEBEK_RF_TRUNCATED when argv was cut */
#define XEBEK_REC_LOSS   7u /* payload: struct xebek_loss; process fields zero.
                             * Where the producer gave up a reservation
                             * that later ones were framed behind, the loss
                             * record takes its room: bytes after the
                             * struct are skipped */
#define XEBEK_REC_CLOSE  8u /* no payload: close of fd (its file's inode, dev,
                             * flags, mode), so a file's or socket's lifetime
                             * is known; version 2, no Sebek type */
#define XEBEK_REC_PROCVM 9u /* payload: struct xebek_procvm; ret = bytes moved
                             * by process_vm_readv/writev; version 2, no
                             * Sebek type */
#define XEBEK_REC_TYPE_MAX XEBEK_REC_PROCVM
#define XEBEK_REC_TYPE_MAX_V1 XEBEK_REC_LOSS

/* Record flags */
#define XEBEK_RF_TRUNCATED (1u << 0) /* payload shorter than the syscall moved:
                                     * "not_captured" bytes were left out */
#define XEBEK_RF_TTY       (1u << 1) /* a terminal's (tty or pty slave) input
                                     * (READ) or output (WRITE) */
#define XEBEK_RF_SEBEK_CHUNK (1u << 2) /* payload is one Sebek record the producer
                                     * already split and timed (a replayed
                                     * Sebek capture): Dom0 writes it as
                                     * exactly one Sebek record, unsplit */
#define XEBEK_RF_PIECE     (1u << 3) /* one piece of a payload split over
                                     * several records: "group" is the seq of
                                     * the first piece, "offset" where this
                                     * one's bytes belong (version 2) */
#define XEBEK_RF_LAST      (1u << 4) /* the last piece of its group */
#define XEBEK_RF_FAILED    (1u << 5) /* the operation failed: ret is -errno
                                     * (opens, connects) */

/* Version 2 record header (152 bytes). Ids are as seen from the initial
 * namespaces; a field a record type has no use for is zero. */
struct xebek_rec {
	uint32_t len;      /*   0 header + payload bytes, unpadded (>= 8; a
	                    *     non-pad record >= sizeof(struct xebek_rec)) */
	uint16_t type;     /*   4 XEBEK_REC_* */
	uint16_t flags;    /*   6 XEBEK_RF_* */
	uint64_t seq;      /*   8 per-ring sequence number: 0 for the first
	                    *     record, +1 for every non-pad record, so a
	                    *     restarted Dom0 skips what it already wrote */
	uint64_t time_ns;  /*  16 CLOCK_REALTIME ns after the syscall returned */
	uint64_t xen_time_ns; /* 24 Xen system time (ns since the host booted):
	                    *     the guest cannot set it, so it orders history
	                    *     even when the guest's clock is changed */
	uint32_t pid;      /*  32 thread id (Sebek "pid") */
	uint32_t tgid;     /*  36 process id */
	uint32_t ppid;     /*  40 parent's tgid (Sebek "parent_pid") */
	uint32_t sid;      /*  44 session id (pid of the session leader) */
	uint32_t uid;      /*  48 real uid */
	uint32_t euid;     /*  52 effective uid: setuid escalation shows here */
	uint32_t fsuid;    /*  56 filesystem uid */
	uint32_t gid;      /*  60 real gid */
	uint32_t egid;     /*  64 effective gid */
	int32_t  fd;       /*  68 file descriptor, -1 if none */
	uint64_t inode;    /*  72 inode number of fd's file (socket inode for sockets) */
	uint32_t dev;      /*  80 device of that inode's filesystem (Linux's
	                    *     new_encode_dev: minor low byte, major, minor high) */
	uint32_t tty;      /*  84 terminal: for XEBEK_RF_TTY records the one read
	                    *     or written, else the controlling terminal;
	                    *     device number as "dev", 0 none */
	int64_t  ret;      /*  88 the syscall's return value (-errno on failure) */
	uint32_t open_flags; /* 96 O_* flags: as opened (open), else the file's */
	uint32_t mode;     /* 100 open: the creation mode asked for; else the
	                    *     file's i_mode (type bits: tty, pipe, socket) */
	uint16_t sock_type; /* 104 socket records: SOCK_STREAM, SOCK_DGRAM, ... */
	uint16_t sock_proto; /* 106 socket records: IPPROTO_* */
	uint32_t _pad0;    /* 108 zero */
	uint64_t group;    /* 112 XEBEK_RF_PIECE: seq of the group's first piece;
	                    *     else the record's own seq */
	uint64_t offset;   /* 120 XEBEK_RF_PIECE: offset of this piece's first
	                    *     byte in the whole payload; else 0 */
	uint64_t not_captured; /* 128 XEBEK_RF_TRUNCATED: payload bytes the
	                    *     syscall moved that no record carries */
	uint8_t  comm[16]; /* 136 task comm, NUL-padded (15 chars + NUL in Linux) */
	/* 152: payload (len - sizeof(struct xebek_rec) bytes) */
};

/* Version 1 record header (80 bytes), as written by guests of protocol
 * version 1; Dom0 still reads their rings. */
struct xebek_rec_v1 {
	uint32_t len;      /*  0 as above */
	uint16_t type;     /*  4 XEBEK_REC_PAD .. XEBEK_REC_LOSS */
	uint16_t flags;    /*  6 XEBEK_RF_TRUNCATED, _TTY, _SEBEK_CHUNK */
	uint64_t seq;      /*  8 */
	uint64_t time_ns;  /* 16 */
	uint32_t pid;      /* 24 */
	uint32_t tgid;     /* 28 */
	uint32_t ppid;     /* 32 */
	uint32_t uid;      /* 36 real uid */
	int32_t  fd;       /* 40 */
	uint32_t _pad0;    /* 44 zero */
	uint64_t inode;    /* 48 */
	int64_t  ret;      /* 56 */
	uint8_t  comm[16]; /* 64 */
	/* 80: payload */
};

#define XEBEK_AF_UNIX  1u  /* Linux AF_UNIX: socketpair only, no addresses */
#define XEBEK_AF_INET  2u  /* Linux AF_INET */
#define XEBEK_AF_INET6 10u /* Linux AF_INET6 */

/* Payload of XEBEK_REC_SOCKET. Addresses and ports in network byte order;
 * an IPv4 address fills the first 4 bytes of its 16, the rest zero. */
struct xebek_sock {
	uint16_t family;         /*  0 XEBEK_AF_INET or XEBEK_AF_INET6; for
	                          *    socketpair, the pair's family (unix) */
	uint16_t call;           /*  2 socketcall number as in Sebek: 3 connect,
	                          *    4 listen, 5 accept, 11 sendto, 12 recvfrom,
	                          *    16 sendmsg, 17 recvmsg; and, version 2
	                          *    only, 1 socket, 2 bind (local_* is the
	                          *    address asked for) and 8 socketpair
	                          *    (one record per end, ret the other
	                          *    end's fd, addresses zero), which Sebek
	                          *    never emitted */
	uint8_t  proto;          /*  4 IPPROTO_* of the socket (6 tcp, 17 udp) */
	uint8_t  _pad0;          /*  5 zero */
	uint16_t local_port;     /*  6 network order */
	uint16_t remote_port;    /*  8 network order */
	uint16_t _pad1;          /* 10 zero */
	uint8_t  local_addr[16]; /* 12 */
	uint8_t  remote_addr[16];/* 28 */
	uint32_t _pad2;          /* 44 zero */
};

/* Payload of XEBEK_REC_PROCVM: whose memory the caller read or wrote. */
struct xebek_procvm {
	uint32_t target_pid;  /* 0 the other process's tgid */
	uint32_t write;       /* 4 1: process_vm_writev, 0: process_vm_readv */
};

/* Payload of XEBEK_REC_LOSS: "count" records were dropped for "reason"
 * since the previous loss record of that reason. */
struct xebek_loss {
	uint64_t count;  /* 0 */
	uint32_t reason; /* 8 XEBEK_LOSS_* */
	uint32_t _pad0;  /* 12 zero */
};

/* ------------------------------------------------------------------------
 * Layout checks: the ABI must not depend on the compiler.
 * ---------------------------------------------------------------------- */
#ifdef __cplusplus
#define XEBEK_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define XEBEK_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif
#define XEBEK_OFFSETOF(t, f) __builtin_offsetof(t, f)

XEBEK_STATIC_ASSERT(sizeof(struct xebek_ring_intf) == 256, "interface page layout");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_ring_intf, instance) == 16, "instance offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_ring_intf, prod) == 64, "prod offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_ring_intf, drops) == 72, "drops offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_ring_intf, control_applied) == 136, "control_applied offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_ring_intf, cons) == 192, "cons offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_ring_intf, control) == 204, "control offset");
XEBEK_STATIC_ASSERT(sizeof(struct xebek_rec) == 152, "record header layout");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, xen_time_ns) == 24, "xen_time_ns offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, pid) == 32, "pid offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, sid) == 44, "sid offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, euid) == 52, "euid offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, egid) == 64, "egid offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, fd) == 68, "fd offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, inode) == 72, "inode offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, dev) == 80, "dev offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, tty) == 84, "tty offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, ret) == 88, "ret offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, open_flags) == 96, "open_flags offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, sock_type) == 104, "sock_type offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, group) == 112, "group offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, offset) == 120, "offset offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, not_captured) == 128, "not_captured offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec, comm) == 136, "comm offset");
XEBEK_STATIC_ASSERT(sizeof(struct xebek_rec) % XEBEK_REC_ALIGN == 0, "header keeps alignment");
XEBEK_STATIC_ASSERT(sizeof(struct xebek_rec_v1) == 80, "version 1 record header layout");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec_v1, inode) == 48, "version 1 inode offset");
XEBEK_STATIC_ASSERT(XEBEK_OFFSETOF(struct xebek_rec_v1, comm) == 64, "version 1 comm offset");
XEBEK_STATIC_ASSERT(sizeof(struct xebek_sock) == 48, "socket payload layout");
XEBEK_STATIC_ASSERT(sizeof(struct xebek_loss) == 16, "loss payload layout");
XEBEK_STATIC_ASSERT(sizeof(struct xebek_procvm) == 8, "process_vm payload layout");

#ifdef __cplusplus
}
#endif

#endif /* XEBEK_RING_H */
