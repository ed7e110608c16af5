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
extern u32 xebek_ctl;

/*
 * Reserves a record in the ring, with the producer lock held and
 * interrupts off until xebek_commit() or xebek_abort(). Returns NULL
 * (lock released, loss counted) if the ring is absent or full.
 */
struct xebek_rec *xebek_begin(unsigned int type, u32 payload_len,
			      unsigned long *irqflags);
/*
 * The same, with every header field but len and seq taken from "tmpl"
 * (gathered before the lock is taken). A piece's group is its own seq
 * when tmpl->group is XEBEK_GROUP_NEW.
 */
struct xebek_rec *xebek_begin_from(const struct xebek_rec *tmpl,
				   u32 payload_len, unsigned long *irqflags);
#define XEBEK_GROUP_NEW (~0ULL)
void xebek_commit(unsigned long irqflags);
void xebek_abort(unsigned int reason, unsigned long irqflags);
/*
 * Sleeps until a record of "payload_len" bytes fits in the ring, while Dom0
 * keeps consuming; false once it has stopped (or the ring is gone). For
 * the pieces of a large payload, where the caller may sleep.
 */
bool xebek_wait_room(u32 payload_len);
/* Counts a record given up before it was reserved. */
void xebek_drop(unsigned int reason);
/* Largest payload a record may carry in this ring. */
u32 xebek_max_payload(void);
/* Xen system time in ns: the clock the guest cannot set. */
u64 xebek_xen_time(void);

#endif /* _XEN_XEBEK_XEBEK_H */
