/* SPDX-License-Identifier: MIT */
/*
 * xebek/producer.h - the producer side of the Xebek ring (see ring.h)
 *
 * Plain C11 in kernel style, all inline, no dependency beyond
 * memcpy/memset (XEBEK_MEMCPY/XEBEK_MEMSET, overridable). The DomU kernel
 * patch includes this file unchanged; the userspace stand-in for a DomU
 * (xebek_sim_producer) compiles the very same code.
 *
 * Concurrency: reserve, copy, commit. The includer serialises every call
 * on a ring (the kernel with a spinlock, interrupts off), but only for
 * the index work inside them: the payload is copied between
 * xebek_produce_begin() and xebek_produce_commit() with no lock held, so
 * several writers (one per vCPU) copy at once. Records become visible to
 * Dom0 in the order they were reserved: "prod" is published up to the
 * first record still being copied, and the commit of that one publishes
 * the others that completed behind it. Nothing here sleeps, allocates or
 * loops unboundedly (a commit steps over at most the records reserved
 * while it copied).
 *
 * Use:
 *	rec = xebek_produce_begin(p, XEBEK_REC_READ, n);
 *	if (rec) {
 *		rec->pid = ...; (header is pre-zeroed; len/type/seq are set,
 *		                 and the caller must not write len)
 *		if (copy_payload(xebek_rec_payload(rec), n) != 0)
 *			xebek_produce_abort(p, rec, XEBEK_LOSS_FAULT);
 *		else
 *			xebek_produce_commit(p, rec);
 *	}
 *
 * Never blocks: when the ring is full the record is dropped and counted
 * per reason (private count plus the cumulative drops[] in the interface
 * page); the next record that fits is preceded by one XEBEK_REC_LOSS record
 * per reason that had drops, so Dom0 sees how many were lost and where.
 */
#ifndef XEBEK_PRODUCER_H
#define XEBEK_PRODUCER_H

#include "ring.h"

#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif

/* Always inlined in the kernel: no function of the producer becomes a
 * symbol of its own, so kallsyms names nothing of it. */
#ifndef XEBEK_INLINE
#ifdef __KERNEL__
#define XEBEK_INLINE static __always_inline
#else
#define XEBEK_INLINE static inline
#endif
#endif

#ifndef XEBEK_MEMCPY
#define XEBEK_MEMCPY(d, s, n) memcpy((d), (s), (n))
#endif
#ifndef XEBEK_MEMSET
#define XEBEK_MEMSET(d, c, n) memset((d), (c), (n))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Signals the consumer (event channel / eventfd); supplied by the includer.
 * Called from inside commit, so it must not sleep. */
typedef void (*xebek_notify_fn)(void *ctx);

/*
 * A record reserved and not yet committed carries this bit in its "len"
 * (private to the producer: "prod" never covers such a record, so Dom0
 * never reads one). Commit clears it; the publication of "prod" stops at
 * the first record that still has it.
 */
#define XEBEK_REC_BUSY (1u << 31)

struct xebek_producer {
	struct xebek_ring_intf *intf;	/* shared interface page */
	uint8_t *data;			/* shared data area, "size" bytes */
	uint32_t size;			/* 2^order pages, in bytes */
	uint32_t max_rec;		/* largest record accepted */
	uint32_t prod;			/* private copy of the published prod */
	uint32_t resv;			/* end of the last reservation: records
					 * in [prod, resv) are being copied or
					 * wait for one before them */
	uint64_t seq;			/* seq of the next record reserved */
	uint64_t pending[XEBEK_LOSS_NR];	/* dropped, not yet reported */
	uint64_t drops[XEBEK_LOSS_NR];	/* cumulative, mirrored to intf->drops */
	uint32_t headroom;		/* bytes bulk records leave free */
	uint64_t notifications;		/* times notify() was called */
	xebek_notify_fn notify;
	void *notify_ctx;
};

XEBEK_INLINE uint8_t *xebek_rec_payload(struct xebek_rec *rec)
{
	return (uint8_t *)rec + sizeof(*rec);
}

/*
 * Sets up a fresh ring: zeroes the interface page, writes identity and the
 * default control word, and starts both indexes at 0. "intf" must be a
 * whole XEBEK_PAGE_SIZE page, "data" XEBEK_RING_SIZE(order) bytes.
 * "magic" is the page's identity word: the guest kernel draws it at random
 * per set-up and tells Dom0 in the handshake, so no page in its memory
 * starts with a fixed pattern; stand-ins pass XEBEK_RING_MAGIC.
 * Returns 0, or -1 if order is out of range.
 */
XEBEK_INLINE int xebek_producer_init(struct xebek_producer *p,
				     void *intf, void *data, unsigned int order,
				     uint32_t magic, xebek_notify_fn notify,
				     void *notify_ctx)
{
	struct xebek_ring_intf *ri = (struct xebek_ring_intf *)intf;
	uint32_t size, half;

	if (order > XEBEK_RING_ORDER_MAX)
		return -1;
	size = XEBEK_RING_SIZE(order);
	half = size / 2u;

	XEBEK_MEMSET(p, 0, sizeof(*p));
	p->intf = ri;
	p->data = (uint8_t *)data;
	p->size = size;
	p->max_rec = half < XEBEK_REC_MAX ? half : XEBEK_REC_MAX;
	p->notify = notify;
	p->notify_ctx = notify_ctx;

	XEBEK_MEMSET(intf, 0, XEBEK_PAGE_SIZE);
	ri->version = (uint16_t)XEBEK_RING_VERSION;
	ri->order = (uint8_t)order;
	ri->hdr_size = (uint32_t)sizeof(struct xebek_rec);
	ri->control = XEBEK_CTL_DEFAULT;
	/* Magic last: a consumer that sees it sees a complete page. */
	XEBEK_WMB();
	XEBEK_WRITE(ri->magic, magic);
	return 0;
}

/* Records the ring's instance number (random, chosen by the includer:
 * get_random_u64() in the kernel). Call right after xebek_producer_init(),
 * before announcing the ring. */
XEBEK_INLINE void xebek_producer_set_instance(struct xebek_producer *p,
					       uint64_t instance)
{
	XEBEK_WRITE(p->intf->instance, instance);
}

/* Reserves "bytes" of the data area (at most half of it) for records
 * begun with xebek_produce_begin(): one begun with
 * xebek_produce_begin_bulk() is dropped rather than take them, so a flood
 * of file or socket payloads cannot crowd out terminal input. 0, the
 * default, reserves nothing. */
XEBEK_INLINE void xebek_producer_set_headroom(struct xebek_producer *p,
					       uint32_t bytes)
{
	p->headroom = bytes < p->size / 2u ? bytes : p->size / 2u;
}

/* Free bytes in the data area as of Dom0's last published cons, after
 * every reservation (0 when cons is not one Dom0 could have written). */
XEBEK_INLINE uint32_t xebek_producer_room(struct xebek_producer *p)
{
	uint32_t cons = XEBEK_READ(p->intf->cons);
	uint32_t used = p->resv - cons;

	return used > p->size || p->prod - cons > p->size ? 0u : p->size - used;
}

/* Counts one dropped record for "reason" (also usable by a hook that gives
 * up before reserving, e.g. on a fault while gathering its fields). */
XEBEK_INLINE void xebek_producer_drop(struct xebek_producer *p,
				       unsigned int reason)
{
	if (reason >= XEBEK_LOSS_NR)
		reason = XEBEK_LOSS_OTHER;
	p->pending[reason]++;
	p->drops[reason]++;
	XEBEK_WRITE(p->intf->drops[reason], p->drops[reason]);
}

/* Start of the next record of "len" bytes placed at "pos", writing a pad
 * record first if it would straddle the end of the data area. */
XEBEK_INLINE uint32_t xebek_p_place(struct xebek_producer *p, uint32_t pos,
				    uint32_t len, int write)
{
	uint32_t off = pos & (p->size - 1u);
	uint32_t room = p->size - off;

	if (len <= room)
		return pos;
	if (write) {
		struct xebek_rec *pad = (struct xebek_rec *)(p->data + off);

		/* room >= 8 since both are multiples of 8: len and type fit */
		pad->len = room;
		pad->type = (uint16_t)XEBEK_REC_PAD;
		pad->flags = 0;
	}
	return pos + room;
}

XEBEK_INLINE struct xebek_rec *xebek_p_rec_at(struct xebek_producer *p,
					      uint32_t pos)
{
	return (struct xebek_rec *)(p->data + (pos & (p->size - 1u)));
}

/* Writes a header at "pos": the fields of "tmpl" if given, else zero. */
XEBEK_INLINE struct xebek_rec *xebek_p_hdr_at(struct xebek_producer *p,
					      uint32_t pos, uint32_t len,
					      uint16_t type, uint64_t seq,
					      const struct xebek_rec *tmpl)
{
	struct xebek_rec *rec = xebek_p_rec_at(p, pos);

	if (tmpl) {
		XEBEK_MEMCPY(rec, tmpl, sizeof(*rec));
	} else {
		XEBEK_MEMSET(rec, 0, sizeof(*rec));
		rec->fd = -1;
	}
	rec->len = len;
	rec->type = type;
	rec->seq = seq;
	rec->group = seq;
	return rec;
}

/* Writes the loss records of every reason with pending drops at "pos";
 * returns the position after them. */
XEBEK_INLINE uint32_t xebek_p_put_losses(struct xebek_producer *p,
					 uint32_t pos)
{
	const uint32_t loss_len = (uint32_t)(sizeof(struct xebek_rec) +
					     sizeof(struct xebek_loss));
	unsigned int r;

	for (r = 0; r < XEBEK_LOSS_NR; r++) {
		struct xebek_rec *lr;
		struct xebek_loss loss;

		if (!p->pending[r])
			continue;
		pos = xebek_p_place(p, pos, loss_len, 1);
		lr = xebek_p_hdr_at(p, pos, loss_len, (uint16_t)XEBEK_REC_LOSS,
				   p->seq++, NULL);
		loss.count = p->pending[r];
		loss.reason = r;
		loss._pad0 = 0;
		XEBEK_MEMCPY(xebek_rec_payload(lr), &loss, sizeof(loss));
		p->pending[r] = 0;
		pos += XEBEK_REC_ALIGNED(loss_len);
	}
	return pos;
}

/* Reserves a record, leaving "keep" bytes of the free space untouched. */
XEBEK_INLINE struct xebek_rec *xebek_p_begin(struct xebek_producer *p,
					     unsigned int type,
					     uint32_t payload_len,
					     uint32_t keep,
					     const struct xebek_rec *tmpl)
{
	const uint32_t hdr = (uint32_t)sizeof(struct xebek_rec);
	const uint32_t loss_len = hdr + (uint32_t)sizeof(struct xebek_loss);
	struct xebek_rec *rec;
	uint32_t len, cons, used, pos, r, rec_pos;

	if (payload_len > p->max_rec - hdr) {
		xebek_producer_drop(p, XEBEK_LOSS_TOO_BIG);
		return NULL;
	}
	len = hdr + payload_len;

	cons = XEBEK_READ(p->intf->cons);
	/* Our later stores into freed space must not pass this load. */
	XEBEK_MB();
	used = p->resv - cons;
	if (used > p->size - keep || p->prod - cons > p->size) {
		/* Into the headroom a bulk record must leave; or cons outside
		 * [resv - size, prod] (past what was published): Dom0 wrote
		 * garbage, and what might be unread is never overwritten. */
		xebek_producer_drop(p, XEBEK_LOSS_RING_FULL);
		return NULL;
	}

	/* Dry run: where would pending loss records, padding and the record
	 * end? All or nothing, so a failed attempt leaves no trace. */
	pos = p->resv;
	for (r = 0; r < XEBEK_LOSS_NR; r++) {
		if (!p->pending[r])
			continue;
		pos = xebek_p_place(p, pos, loss_len, 0);
		pos += XEBEK_REC_ALIGNED(loss_len);
	}
	pos = xebek_p_place(p, pos, len, 0);
	if (pos + XEBEK_REC_ALIGNED(len) - p->resv > p->size - used - keep) {
		xebek_producer_drop(p, XEBEK_LOSS_RING_FULL);
		return NULL;
	}

	/* It fits: loss records and pads (complete as written), then the
	 * header, busy until its commit. */
	rec_pos = xebek_p_place(p, xebek_p_put_losses(p, p->resv), len, 1);
	rec = xebek_p_hdr_at(p, rec_pos, len | XEBEK_REC_BUSY, (uint16_t)type,
			     p->seq++, tmpl);
	p->resv = rec_pos + XEBEK_REC_ALIGNED(len);
	return rec;
}

/*
 * Reserves a record of "type" with "payload_len" payload bytes. Returns its
 * header (zeroed except len, type, seq, group = seq, fd = -1) with the
 * payload room behind it, or NULL when the record was dropped (and
 * counted). The record is invisible to Dom0 until xebek_produce_commit().
 */
XEBEK_INLINE struct xebek_rec *xebek_produce_begin(struct xebek_producer *p,
						    unsigned int type,
						    uint32_t payload_len)
{
	return xebek_p_begin(p, type, payload_len, 0u, NULL);
}

/* The same for a bulk record (a file's or a socket's payload): dropped,
 * as for a full ring, when it would take the headroom. */
XEBEK_INLINE struct xebek_rec *xebek_produce_begin_bulk(struct xebek_producer *p,
							 unsigned int type,
							 uint32_t payload_len)
{
	return xebek_p_begin(p, type, payload_len, p->headroom, NULL);
}

/* The same with every header field but len, seq and group taken from
 * "tmpl", inside the reservation: a caller that fills the header after
 * begin must never write "len", which marks the record busy. */
XEBEK_INLINE struct xebek_rec *xebek_produce_begin_from(struct xebek_producer *p,
							 const struct xebek_rec *tmpl,
							 uint32_t payload_len,
							 int bulk)
{
	return xebek_p_begin(p, tmpl->type, payload_len,
			     bulk ? p->headroom : 0u, tmpl);
}

/* Free-running index of a reserved record (it lies in [prod, resv)). */
XEBEK_INLINE uint32_t xebek_p_pos_of(struct xebek_producer *p,
				     const struct xebek_rec *rec)
{
	uint32_t off = (uint32_t)((const uint8_t *)rec - p->data);

	return p->prod + ((off - p->prod) & (p->size - 1u));
}

/* Signals Dom0 if it asked to be woken once prod reached notify_at. */
XEBEK_INLINE void xebek_p_notify(struct xebek_producer *p)
{
	struct xebek_ring_intf *ri = p->intf;
	uint32_t req, at;

	req = XEBEK_READ(ri->notify_req);
	if (!(req & XEBEK_NOTIFY_DATA))
		return;
	XEBEK_RMB();	/* notify_at was written before the request bit */
	at = XEBEK_READ(ri->notify_at);
	if (p->prod - at >= 0x80000000u)
		return;	/* not there yet: Dom0 waits for a bigger batch */
	XEBEK_WRITE(ri->notify_req, req & ~XEBEK_NOTIFY_DATA);
	p->notifications++;
	if (p->notify)
		p->notify(p->notify_ctx);
}

/*
 * Publishes prod over every complete record from it on, up to the first
 * one still busy (its commit publishes the rest). Each step is one record
 * this producer wrote, so the walk ends at resv at the latest.
 */
XEBEK_INLINE void xebek_p_publish(struct xebek_producer *p)
{
	uint32_t pos = p->prod;

	while (pos != p->resv) {
		uint32_t len = xebek_p_rec_at(p, pos)->len;
		uint32_t step = XEBEK_REC_ALIGNED(len);

		if ((len & XEBEK_REC_BUSY) || !step || step > p->resv - pos)
			break;
		pos += step;
	}
	if (pos == p->prod)
		return;
	p->prod = pos;
	/* Records complete before Dom0 can see the index that covers them.
	 * A full barrier rather than a write barrier: the records other
	 * writers copied are ordered before this point only through the
	 * includer's lock, and only a full (cumulative) barrier carries
	 * their stores, not just this CPU's, before the index. */
	XEBEK_MB();
	XEBEK_WRITE(p->intf->prod, pos);
	/* prod visible before we look at the request (pairs with the
	 * consumer's barrier between setting the request and re-reading
	 * prod): either it sees our prod or we see its request. */
	XEBEK_MB();
	xebek_p_notify(p);
}

/* Marks "rec" complete, publishes what that makes contiguous and signals
 * Dom0 if it asked for it. */
XEBEK_INLINE void xebek_produce_commit(struct xebek_producer *p,
				       struct xebek_rec *rec)
{
	rec->len &= ~XEBEK_REC_BUSY;
	xebek_p_publish(p);
}

/*
 * Gives up the reservation "rec" (e.g. the copy from user memory faulted)
 * and counts the record as dropped for "reason". The latest reservation
 * is taken back and leaves no trace. One with later reservations behind
 * it keeps its place (they are framed after it) and is published as the
 * loss record of its own drop, its length unchanged: Dom0 reads a loss
 * record's struct xebek_loss and skips the bytes after it. A reservation
 * too short for that (a payload shorter than struct xebek_loss) keeps its
 * type with a zeroed payload counted in not_captured (and in drops[]);
 * callers avoid that case by gathering such short payloads before they
 * reserve.
 */
XEBEK_INLINE void xebek_produce_abort(struct xebek_producer *p,
				      struct xebek_rec *rec,
				      unsigned int reason)
{
	const uint32_t hdr = (uint32_t)sizeof(struct xebek_rec);
	uint32_t len = rec->len & ~XEBEK_REC_BUSY;
	uint32_t pos = xebek_p_pos_of(p, rec);
	uint64_t seq = rec->seq;
	struct xebek_loss loss;

	if (reason >= XEBEK_LOSS_NR)
		reason = XEBEK_LOSS_OTHER;
	if (pos + XEBEK_REC_ALIGNED(len) == p->resv) {
		p->resv = pos;
		p->seq = seq;
		xebek_producer_drop(p, reason);
		xebek_p_publish(p);	/* loss records or pads before it */
		return;
	}
	if (len >= hdr + (uint32_t)sizeof(loss)) {
		xebek_p_hdr_at(p, pos, len | XEBEK_REC_BUSY,
			       (uint16_t)XEBEK_REC_LOSS, seq, NULL);
		loss.count = 1;
		loss.reason = reason;
		loss._pad0 = 0;
		XEBEK_MEMCPY(xebek_rec_payload(rec), &loss, sizeof(loss));
		p->drops[reason]++;
		XEBEK_WRITE(p->intf->drops[reason], p->drops[reason]);
	} else {
		/* The record says itself that none of its bytes are real:
		 * counted in drops[], no loss record besides. */
		rec->flags |= XEBEK_RF_TRUNCATED;
		rec->not_captured += len - hdr;
		XEBEK_MEMSET(xebek_rec_payload(rec), 0, len - hdr);
		p->drops[reason]++;
		XEBEK_WRITE(p->intf->drops[reason], p->drops[reason]);
	}
	xebek_produce_commit(p, rec);
}

/*
 * One call for a record whose payload is already in memory: copies the
 * process fields of "tmpl" (everything but len, seq and group) and the
 * payload. Returns 0 if queued, -1 if dropped.
 */
XEBEK_INLINE int xebek_produce(struct xebek_producer *p,
				const struct xebek_rec *tmpl,
				const void *payload, uint32_t payload_len)
{
	struct xebek_rec *rec = xebek_produce_begin_from(p, tmpl, payload_len, 0);

	if (!rec)
		return -1;
	if (payload_len)
		XEBEK_MEMCPY(xebek_rec_payload(rec), payload, payload_len);
	xebek_produce_commit(p, rec);
	return 0;
}

/* Reads the control word Dom0 wrote and acknowledges it in
 * control_applied. Call where the capture switches are set from it. */
XEBEK_INLINE uint32_t xebek_producer_apply_control(struct xebek_producer *p)
{
	uint32_t ctl = XEBEK_READ(p->intf->control);

	XEBEK_WRITE(p->intf->control_applied, ctl);
	return ctl;
}

/* Where a read or write goes, for the keystroke and terminal rules. */
#define XEBEK_SRC_FILE 0u /* regular file, device, anything else */
#define XEBEK_SRC_TTY  1u /* a terminal: a tty or a pty slave */
#define XEBEK_SRC_PIPE 2u /* a pipe, FIFO or socket (a reverse shell's input) */

/* Whether control word "ctl" asks for a read or write of "len" bytes
 * (type XEBEK_REC_READ or XEBEK_REC_WRITE) on a file of kind "src". */
XEBEK_INLINE int xebek_control_wants_io(uint32_t ctl, unsigned int type,
					 unsigned int src, uint64_t len)
{
	if (!(ctl & XEBEK_CTL_ENABLE))
		return 0;
	if (type == XEBEK_REC_WRITE)
		return (ctl & XEBEK_CTL_WRITES) ||
		       (src == XEBEK_SRC_TTY && (ctl & XEBEK_CTL_TTY_OUT));
	if (type != XEBEK_REC_READ)
		return 0;
	if (ctl & XEBEK_CTL_READS)
		return 1;
	if (src == XEBEK_SRC_TTY &&
	    (ctl & (XEBEK_CTL_TTY_IN | XEBEK_CTL_KEYSTROKES)))
		return 1;
	if (len != 1u)
		return 0;
	return (ctl & XEBEK_CTL_SEBEK_KEYS) ||
	       (src == XEBEK_SRC_PIPE && (ctl & XEBEK_CTL_KEYSTROKES));
}

/* Whether control word "ctl" asks for a record of "type" carrying
 * "payload_len" bytes. Reads and writes of unknown origin (records
 * replayed from a Sebek capture) follow Sebek's own rule: a 1-byte read is
 * a keystroke. */
XEBEK_INLINE int xebek_control_wants(uint32_t ctl, unsigned int type,
				      uint32_t payload_len)
{
	if (!(ctl & XEBEK_CTL_ENABLE))
		return 0;
	switch (type) {
	case XEBEK_REC_READ:
		if (payload_len == 1u && (ctl & XEBEK_CTL_KEYSTROKES))
			return 1;
		return xebek_control_wants_io(ctl, type, XEBEK_SRC_FILE,
					      payload_len);
	case XEBEK_REC_WRITE:
		return xebek_control_wants_io(ctl, type, XEBEK_SRC_FILE,
					      payload_len);
	case XEBEK_REC_OPEN:
	case XEBEK_REC_CLOSE:
		return !!(ctl & XEBEK_CTL_OPENS);
	case XEBEK_REC_SOCKET:
		return !!(ctl & XEBEK_CTL_SOCKETS);
	case XEBEK_REC_FORK:
		return !!(ctl & XEBEK_CTL_FORK);
	case XEBEK_REC_EXEC:
	case XEBEK_REC_PROCVM:
		return !!(ctl & XEBEK_CTL_EXEC);
	default:
		return 0;
	}
}

#ifdef __cplusplus
}
#endif

#endif /* XEBEK_PRODUCER_H */
