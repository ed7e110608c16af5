// SPDX-License-Identifier: GPL-2.0-only
/*
 * Xebek ring: the memory shared with Dom0 and its announcement.
 *
 * At boot the guest allocates an interface page and 2^order data pages
 * and starts capturing at once (records wait in the ring until Dom0 maps
 * it, then the oldest are the ones kept and the rest are counted as lost).
 * It grants nothing and allocates no event channel: Dom0, privileged,
 * maps the pages by their frame numbers and polls the ring, so the guest's
 * grant table and event channels are those of a kernel without Xebek (an
 * intruder who allocates one finds the same first free entry).
 *
 * The handshake is one xenstore write of <XEBEK_XS_PATH>/<domid>/ring, a
 * node Dom0 pre-creates with permissions "n0 w<domid>" under a directory
 * of its own: the guest may write it but can neither read it back nor
 * list the directory, so nothing in the guest's view of xenstore shows
 * Xebek. The write is accepted once: Dom0 then revokes it, and allows it
 * again only around a suspend the toolstack asked for. One value keeps
 * the announcement atomic without a transaction:
 *	"version=2 order=<o> magic=<m> page-refs=<intf>,<d0>,..."
 * (the pages' guest frame numbers: machine frames for a PV guest).
 * where the magic is the interface page's identity word, drawn at random.
 * If the node is not there yet (xebekd not running), the write fails and
 * is retried with a backoff of up to 30 s.
 *
 * Dom0 changes capture by writing the control word in the interface page.
 * The guest binds no interrupt (one would show in /proc/interrupts): a
 * deferrable work item looks at the control word twice a second and
 * applies a change where flipping the static key may sleep.
 *
 * A restore or a migration gives the pages other machine frames: after
 * resume the ring is announced anew with the frames it has then; the ring
 * contents and sequence numbers carry on.
 */
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/delay.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/syscore_ops.h>
#include <linux/workqueue.h>
#include <xen/page.h>
#include <xen/xen.h>
#include <xen/xenbus.h>
#include <xen/xen-ops.h>
#include <asm/pvclock.h>
#include <xebek/producer.h>
#include "xebek.h"

#define XEBEK_RETRY_MAX	(30 * HZ)
#define XEBEK_CONTROL_POLL	(HZ / 2)

#define pvbuf_dbg(fmt, ...)						\
	do {								\
		if (IS_ENABLED(CONFIG_XEBEK_DEBUG))			\
			pr_info("xebek: " fmt, ##__VA_ARGS__);		\
	} while (0)

DEFINE_STATIC_KEY_FALSE(pvbuf_active_key);
u32 pvbuf_ctl;

static DEFINE_RAW_SPINLOCK(pvbuf_lock);	/* serialises the producer */
static struct xebek_producer pvbuf_prod;
static void *pvbuf_intf;
static void *pvbuf_data;
static unsigned int pvbuf_order __ro_after_init = CONFIG_XEBEK_RING_ORDER;
static u32 pvbuf_magic;			/* the interface page's identity */
/* The part of the ring bulk records leave to terminal input (1/8: 128 KiB
 * of the default 1 MiB, thousands of keystroke and terminal records).
 */
#define PVBUF_HEADROOM_PART 8
static unsigned long pvbuf_retry = HZ;

/* The interface page and the data pages, as announced. */
static unsigned int pvbuf_nr_pages(void)
{
	return 1 + (1U << pvbuf_order);
}

/* Page "i" of the announcement: the interface page, then the data. */
static unsigned long pvbuf_page_gfn(unsigned int i)
{
	return virt_to_gfn(i ? pvbuf_data + (i - 1) * XEN_PAGE_SIZE : pvbuf_intf);
}

/* The ring size from the command line; the name says nothing of Xebek. */
static int __init pvbuf_order_param(char *s)
{
	unsigned int v;

	if (kstrtouint(s, 10, &v) || v > XEBEK_RING_ORDER_MAX_FRAMES)
		return -EINVAL;
	pvbuf_order = v;
	return 0;
}
early_param("xen_pv_buf_order", pvbuf_order_param);

static void pvbuf_announce_fn(struct work_struct *work);
static void pvbuf_control_poll_fn(struct work_struct *work);
static void pvbuf_resume_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(pvbuf_announce_work, pvbuf_announce_fn);
static DECLARE_DEFERRABLE_WORK(pvbuf_control_work, pvbuf_control_poll_fn);
static DECLARE_WORK(pvbuf_resume_work, pvbuf_resume_fn);

u32 pvbuf_max_payload(void)
{
	return pvbuf_prod.max_rec - sizeof(struct xebek_rec);
}

u64 pvbuf_xen_time(void)
{
	struct pvclock_vcpu_time_info *src;
	u64 ns;

	preempt_disable_notrace();
	src = &__this_cpu_read(xen_vcpu)->time;
	ns = pvclock_clocksource_read(src);
	preempt_enable_notrace();
	return ns;
}

/*
 * The lock covers only the producer's index work: reserving (a header
 * and the pads and loss records in front of it) and committing (a bit
 * cleared, prod published). The payload is copied between the two with
 * interrupts on and no lock held, so writers on several vCPUs copy at
 * once; preemption stays off meanwhile, because records behind one still
 * being copied are published only when it commits.
 */
/*
 * Xen time of the last record reserved. Records are stamped under the
 * lock and never earlier than the one before, so Xen time runs forward
 * through the ring as seq does, whichever vCPU wrote them (their clocks
 * may differ by a little).
 */
static u64 pvbuf_last_xen_time;

struct xebek_rec *pvbuf_begin_from(const struct xebek_rec *tmpl,
				   u32 payload_len)
{
	struct xebek_rec *rec = NULL;
	unsigned long flags;

	preempt_disable();
	raw_spin_lock_irqsave(&pvbuf_lock, flags);
	if (likely(pvbuf_intf))
		rec = xebek_produce_begin_from(&pvbuf_prod, tmpl, payload_len,
					       pvbuf_bulk(tmpl, payload_len));
	if (rec) {
		rec->xen_time_ns = max(pvbuf_xen_time(), pvbuf_last_xen_time);
		pvbuf_last_xen_time = rec->xen_time_ns;
	}
	raw_spin_unlock_irqrestore(&pvbuf_lock, flags);
	if (!rec) {
		preempt_enable();
		return NULL;
	}
	/* The first piece that reaches the ring names its group. */
	if ((tmpl->flags & XEBEK_RF_PIECE) && tmpl->group != XEBEK_GROUP_NEW)
		rec->group = tmpl->group;
	return rec;
}

/* Dom0 polls the ring: a commit publishes, and signals nothing. */
void pvbuf_commit(struct xebek_rec *rec)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&pvbuf_lock, flags);
	xebek_produce_commit(&pvbuf_prod, rec);
	raw_spin_unlock_irqrestore(&pvbuf_lock, flags);
	preempt_enable();
}

void pvbuf_abort(struct xebek_rec *rec, unsigned int reason)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&pvbuf_lock, flags);
	xebek_produce_abort(&pvbuf_prod, rec, reason);
	raw_spin_unlock_irqrestore(&pvbuf_lock, flags);
	preempt_enable();
}

/*
 * Dom0 counts as gone once it has consumed nothing for this long. It
 * writes a batch to disk before it moves cons, which under load (or an
 * emulated Dom0) takes far longer than a record does to copy.
 */
#define XEBEK_WAIT_IDLE_MS	1000
/*
 * No call waits longer than this in all, however Dom0 moves: a slow one,
 * or other writers taking the room it frees first, cost one call this
 * much at most, and then the record is dropped and counted.
 */
#define XEBEK_WAIT_MAX_MS	5000

/* cons when the last wait gave up: no new wait until Dom0 moves it */
static u32 pvbuf_stalled_cons;
static bool pvbuf_stalled;

/*
 * Free bytes as of now, read without the lock: a hint that errs either
 * way by what other vCPUs reserve or Dom0 consumes meanwhile, which the
 * reservation itself then decides on.
 */
static u32 pvbuf_room_hint(void)
{
	u32 used = READ_ONCE(pvbuf_prod.resv) - READ_ONCE(pvbuf_prod.intf->cons);

	return used > pvbuf_prod.size ? 0 : pvbuf_prod.size - used;
}

bool pvbuf_wait_room(u32 payload_len, bool bulk)
{
	/* the record, a pad in front of it at worst, and pending losses;
	 * never more than an empty ring has
	 */
	u32 need = min(2 * XEBEK_REC_ALIGNED(sizeof(struct xebek_rec) + payload_len) +
		       XEBEK_LOSS_NR * XEBEK_REC_ALIGNED(sizeof(struct xebek_rec) +
							 sizeof(struct xebek_loss)) +
		       (bulk ? pvbuf_prod.headroom : 0),
		       pvbuf_prod.size);
	unsigned long idle_until = 0, give_up, flags;
	u32 room, cons, last = 0;
	bool first = true;

	/* the common case, a ring with room, takes no lock */
	if (likely(pvbuf_intf) && pvbuf_room_hint() >= need)
		return true;
	give_up = jiffies + msecs_to_jiffies(XEBEK_WAIT_MAX_MS);
	for (;;) {
		raw_spin_lock_irqsave(&pvbuf_lock, flags);
		if (!pvbuf_intf) {
			raw_spin_unlock_irqrestore(&pvbuf_lock, flags);
			return false;
		}
		room = xebek_producer_room(&pvbuf_prod);
		cons = READ_ONCE(pvbuf_prod.intf->cons);
		raw_spin_unlock_irqrestore(&pvbuf_lock, flags);
		if (room >= need)
			return true;
		/* a Dom0 that stopped draining costs one wait, not one per call */
		if (READ_ONCE(pvbuf_stalled) && cons == READ_ONCE(pvbuf_stalled_cons))
			return false;
		WRITE_ONCE(pvbuf_stalled, false);
		if (first || cons != last) {
			first = false;
			last = cons;
			idle_until = jiffies + msecs_to_jiffies(XEBEK_WAIT_IDLE_MS);
		} else if (time_after(jiffies, idle_until)) {
			WRITE_ONCE(pvbuf_stalled_cons, cons);
			WRITE_ONCE(pvbuf_stalled, true);
			return false;
		}
		/* a killed task is not held up by the capture */
		if (time_after(jiffies, give_up) || fatal_signal_pending(current))
			return false;
		usleep_range(200, 500);
	}
}

void pvbuf_drop(unsigned int reason)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&pvbuf_lock, flags);
	if (pvbuf_intf)
		xebek_producer_drop(&pvbuf_prod, reason);
	raw_spin_unlock_irqrestore(&pvbuf_lock, flags);
}

/* Applies the control word: in sleepable context, as static keys need. */
static void pvbuf_control_apply(void)
{
	unsigned long flags;
	u32 ctl;

	raw_spin_lock_irqsave(&pvbuf_lock, flags);
	ctl = xebek_producer_apply_control(&pvbuf_prod);
	raw_spin_unlock_irqrestore(&pvbuf_lock, flags);

	if (ctl == READ_ONCE(pvbuf_ctl) &&
	    static_key_enabled(&pvbuf_active_key) ==
	    ((ctl & XEBEK_CTL_ENABLE) && (ctl & XEBEK_CTL_ALL_MODES)))
		return;
	WRITE_ONCE(pvbuf_ctl, ctl);
	if ((ctl & XEBEK_CTL_ENABLE) && (ctl & XEBEK_CTL_ALL_MODES))
		static_branch_enable(&pvbuf_active_key);
	else
		static_branch_disable(&pvbuf_active_key);
	pvbuf_dbg("control %#x applied\n", ctl);
}

/* Deferrable: an idle guest is not woken up for it. */
static void pvbuf_control_poll_fn(struct work_struct *work)
{
	pvbuf_control_apply();
	schedule_delayed_work(&pvbuf_control_work, XEBEK_CONTROL_POLL);
}

/*
 * The announcement's keys, and the directory's name XOR-encoded (by the
 * Makefile, from CONFIG_XEBEK_XS_PATH): the image holds neither the
 * handshake's format nor the path, which an intruder reading /proc/kcore
 * would look for. The keys alone are words every Xen frontend uses.
 */
#include "xs_path.h"

static const char * const pvbuf_keys[] = {
	"version", "order", "magic",
};

/* Decodes the directory into "buf"; returns its length, or -1. */
static int pvbuf_xs_dir(char *buf, size_t len, unsigned int domid)
{
	char path[sizeof(pvbuf_xs_path) + 1];
	unsigned int i;
	int n;

	for (i = 0; i < sizeof(pvbuf_xs_path); i++)
		path[i] = pvbuf_xs_path[i] ^ PVBUF_XS_PATH_KEY;
	path[i] = '\0';
	n = snprintf(buf, len, "%s/%u", path, domid);
	memzero_explicit(path, sizeof(path));
	return n < (int)len ? n : -1;
}

/*
 * The pages' frames as of now (a restore moves them), runs of consecutive
 * frames as "first-last": the data pages are one allocation, so for most
 * guests their frames are a few runs. Returns the length written.
 */
static int pvbuf_put_frames(char *buf, size_t len)
{
	unsigned int nr = pvbuf_nr_pages(), i, j;
	unsigned long first;
	int n = 0;

	for (i = 0; i < nr; i = j) {
		first = pvbuf_page_gfn(i);
		for (j = i + 1; j < nr && pvbuf_page_gfn(j) == first + (j - i); j++)
			;
		n += scnprintf(buf + n, len - n, i ? ",%lu" : "%lu", first);
		if (j - i > 1)
			n += scnprintf(buf + n, len - n, "-%lu", first + (j - i - 1));
	}
	return n;
}

static void pvbuf_announce_fn(struct work_struct *work)
{
	unsigned int domid, i;
	u32 vals[ARRAY_SIZE(pvbuf_keys)];
	char dir[64];
	size_t len = 128 + 21 * pvbuf_nr_pages();
	char *val;
	int n, err;

	err = xenbus_scanf(XBT_NIL, "domid", "", "%u", &domid);
	if (err != 1)
		goto retry;
	val = kmalloc(len, GFP_KERNEL);
	if (!val)
		goto retry;
	vals[0] = XEBEK_RING_VERSION;
	vals[1] = pvbuf_order;
	vals[2] = pvbuf_magic;
	for (n = 0, i = 0; i < ARRAY_SIZE(pvbuf_keys); i++)
		n += scnprintf(val + n, len - n, "%s=%u ", pvbuf_keys[i], vals[i]);
	n += scnprintf(val + n, len - n, "%ss=", "page-ref");
	n += pvbuf_put_frames(val + n, len - n);
	if (n >= XENSTORE_PAYLOAD_MAX) {
		/* Cannot happen: 257 frames below 2^40 fit, in any order. */
		pvbuf_dbg("announcement too long for xenstore\n");
		kfree_sensitive(val);
		return;
	}
	err = pvbuf_xs_dir(dir, sizeof(dir), domid) < 0 ? -ENAMETOOLONG :
		xenbus_write(XBT_NIL, dir, "ring", val);
	memzero_explicit(dir, sizeof(dir));
	kfree_sensitive(val);
	if (err)
		goto retry;
	pvbuf_dbg("announced\n");
	pvbuf_retry = HZ;
	return;
retry:
	/* Most likely xebekd has not created the node yet. */
	pvbuf_dbg("announce failed (%d), retrying\n", err);
	schedule_delayed_work(&pvbuf_announce_work, pvbuf_retry);
	pvbuf_retry = min_t(unsigned long, pvbuf_retry * 2, XEBEK_RETRY_MAX);
}

/* After save/restore: a new domain (or the same one, on a checkpoint). */
static void pvbuf_resume_fn(struct work_struct *work)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&pvbuf_lock, flags);
	/* a new domain maps it: a new instance, the sequence carries on */
	xebek_producer_set_instance(&pvbuf_prod, get_random_u64());
	raw_spin_unlock_irqrestore(&pvbuf_lock, flags);
	pvbuf_retry = HZ;
	mod_delayed_work(system_wq, &pvbuf_announce_work, 0);
}

static void pvbuf_syscore_resume(void)
{
	/* Runs with interrupts off inside the suspend machinery, before
	 * xenstore is back: defer to a work item, which xenstore requests
	 * block until the store has resumed.
	 */
	if (pvbuf_intf)
		schedule_work(&pvbuf_resume_work);
}

static struct syscore_ops pvbuf_syscore_ops = {
	.resume = pvbuf_syscore_resume,
};

static int pvbuf_xenstore_ready(struct notifier_block *nb,
				unsigned long event, void *data)
{
	mod_delayed_work(system_wq, &pvbuf_announce_work, 0);
	return NOTIFY_DONE;
}

static struct notifier_block pvbuf_xenstore_nb = {
	.notifier_call = pvbuf_xenstore_ready,
};

static int __init pvbuf_init(void)
{
	struct page *pages;

	if (!xen_domain() || xen_initial_domain())
		return 0;

	pvbuf_intf = (void *)get_zeroed_page(GFP_KERNEL);
	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, pvbuf_order);
	if (!pvbuf_intf || !pages)
		goto nomem;
	pvbuf_data = page_address(pages);

	/* Random, so no page of the guest starts with a fixed pattern (and
	 * not compared with one: the constant would be in the image).
	 */
	do {
		pvbuf_magic = get_random_u32();
	} while (!pvbuf_magic);
	xebek_producer_init(&pvbuf_prod, pvbuf_intf, pvbuf_data, pvbuf_order,
			    pvbuf_magic, NULL, NULL);
	xebek_producer_set_headroom(&pvbuf_prod,
				    XEBEK_RING_SIZE(pvbuf_order) / PVBUF_HEADROOM_PART);
	xebek_producer_set_instance(&pvbuf_prod, get_random_u64());

	/* Capture starts with the default modes, before Dom0 connects. */
	pvbuf_control_apply();
	schedule_delayed_work(&pvbuf_control_work, XEBEK_CONTROL_POLL);
	register_syscore_ops(&pvbuf_syscore_ops);
	register_xenstore_notifier(&pvbuf_xenstore_nb);
	return 0;

nomem:
	if (pvbuf_intf)
		free_page((unsigned long)pvbuf_intf);
	if (pages)
		__free_pages(pages, pvbuf_order);
	pvbuf_intf = NULL;
	return 0;
}
device_initcall(pvbuf_init);
