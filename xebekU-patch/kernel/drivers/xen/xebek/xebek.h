/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private interface between the ring owner (ring.c) and the hooks
 * (capture.c).
 */
#ifndef _XEN_XEBEK_XEBEK_H
#define _XEN_XEBEK_XEBEK_H

#include <linux/types.h>
/* record helpers and the control word rules live with the producer */
#include <xebek/producer.h>

/* The control word last applied (XEBEK_CTL_*); read locklessly by hooks. */
extern u32 pvbuf_ctl;

/*
 * A bulk record: a file's or a socket's payload, neither terminal I/O nor
 * a 1-byte (keystroke) read. Bulk records leave the ring's headroom to
 * the others, so a flood of file I/O cannot crowd out keystrokes.
 */
static inline bool pvbuf_bulk(const struct xebek_rec *tmpl, u32 payload_len)
{
	return (tmpl->type == XEBEK_REC_READ || tmpl->type == XEBEK_REC_WRITE) &&
	       !(tmpl->flags & XEBEK_RF_TTY) && payload_len > 1;
}

/*
 * Reserves a record in the ring, every header field but len and seq taken
 * from "tmpl" (gathered before). A piece's group is its own seq when
 * tmpl->group is XEBEK_GROUP_NEW. Returns NULL (loss counted) if the ring
 * is absent or full (for a bulk record: down to its headroom). Otherwise
 * preemption stays off, and no lock is held, until pvbuf_commit() or
 * pvbuf_abort(): copy the payload in between without sleeping, and never
 * write the header's "len".
 */
struct xebek_rec *pvbuf_begin_from(const struct xebek_rec *tmpl,
				   u32 payload_len);
#define XEBEK_GROUP_NEW (~0ULL)
void pvbuf_commit(struct xebek_rec *rec);
void pvbuf_abort(struct xebek_rec *rec, unsigned int reason);
/*
 * Sleeps until a record of "payload_len" bytes fits in the ring (above the
 * headroom if "bulk"), while Dom0 keeps consuming; false once it has
 * stopped (or the ring is gone). For the pieces of a large payload and
 * for bulk records, where the caller may sleep.
 */
bool pvbuf_wait_room(u32 payload_len, bool bulk);
/* Counts a record given up before it was reserved. */
void pvbuf_drop(unsigned int reason);
/* Largest payload a record may carry in this ring. */
u32 pvbuf_max_payload(void);
/* Xen system time in ns: the clock the guest cannot set. */
u64 pvbuf_xen_time(void);

#endif /* _XEN_XEBEK_XEBEK_H */
