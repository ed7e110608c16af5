// SPDX-License-Identifier: GPL-2.0-only
/*
 * Xebek ring: the memory shared with Dom0 and its announcement.
 *
 * At boot the guest allocates an interface page and 2^order data pages,
 * grants them to Dom0, allocates an unbound event channel for Dom0 and
 * starts capturing at once (records wait in the ring until Dom0 maps it,
 * then the oldest are the ones kept and the rest are counted as lost).
 *
 * The handshake is one xenstore write of <XEBEK_XS_PATH>/<domid>/ring, a
 * node Dom0 pre-creates with permissions "n0 w<domid>" under a directory
 * of its own: the guest may write it but can neither read it back nor
 * list the directory, so nothing in the guest's view of xenstore shows
 * Xebek. The write is accepted once: Dom0 then revokes it, and allows it
 * again only around a suspend the toolstack asked for. One value keeps
 * the announcement atomic without a transaction:
 *	"version=2 order=<o> event-channel=<port> ring-refs=<intf>,<d0>,..."
 * If the node is not there yet (xebekd not running), the write fails and
 * is retried with a backoff of up to 30 s.
 *
 * Dom0 changes capture by writing the control word in the interface page.
 * The guest binds no interrupt (one would show in /proc/interrupts): it
 * only sends on its event channel, and a deferrable work item looks at
 * the control word twice a second and applies a change where flipping the
 * static key may sleep. The port stays masked, as Linux leaves every port
 * it has not bound, so Dom0's notifications are never delivered.
 *
 * Save/restore and migration invalidate grants and event channels: after
 * resume the same pages are granted again and announced anew; the ring
 * contents and sequence numbers carry on. The old port is not closed:
 * after a real restore its number may belong to another channel by now,
 * so a checkpoint (a cancelled suspend) leaves one unbound port behind.
 */
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/delay.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/syscore_ops.h>
#include <linux/workqueue.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xen.h>
#include <xen/xenbus.h>
#include <xen/interface/event_channel.h>
#include <xen/xen-ops.h>
#include <asm/pvclock.h>
#include <asm/xen/hypercall.h>
#include <xebek/producer.h>
#include "xebek.h"

#define XEBEK_RETRY_MAX	(30 * HZ)
#define XEBEK_CONTROL_POLL	(HZ / 2)

#define xebek_dbg(fmt, ...)						\
	do {								\
		if (IS_ENABLED(CONFIG_XEBEK_DEBUG))			\
			pr_info("xebek: " fmt, ##__VA_ARGS__);		\
	} while (0)

DEFINE_STATIC_KEY_FALSE(xebek_capture_key);
u32 xebek_ctl;

static DEFINE_SPINLOCK(xebek_lock);	/* serialises the producer */
static struct xebek_producer xebek_prod;
static bool xebek_live;			/* grants and port valid */
static void *xebek_intf;
static void *xebek_data;
static unsigned int xebek_order __ro_after_init = CONFIG_XEBEK_RING_ORDER;
static grant_ref_t xebek_refs[1 + (1U << XEBEK_RING_ORDER_MAX)];
static evtchn_port_t xebek_port;
static unsigned long xebek_retry = HZ;

/* The interface page and the data pages, as granted and announced. */
static unsigned int xebek_nr_refs(void)
{
	return 1 + (1U << xebek_order);
}

/* The ring size from the command line; the name says nothing of Xebek. */
static int __init xebek_order_param(char *s)
{
	unsigned int v;

	if (kstrtouint(s, 10, &v) || v > XEBEK_RING_ORDER_MAX)
		return -EINVAL;
	xebek_order = v;
	return 0;
}
early_param("xen_pv_buf_order", xebek_order_param);

static void xebek_announce_fn(struct work_struct *work);
static void xebek_control_poll_fn(struct work_struct *work);
static void xebek_resume_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(xebek_announce_work, xebek_announce_fn);
static DECLARE_DEFERRABLE_WORK(xebek_control_work, xebek_control_poll_fn);
static DECLARE_WORK(xebek_resume_work, xebek_resume_fn);

/* Called by the producer, under xebek_lock, when Dom0 asked to be woken. */
static void xebek_notify(void *ctx)
{
	notify_remote_via_evtchn(xebek_port);
}

u32 xebek_max_payload(void)
{
	return xebek_prod.max_rec - sizeof(struct xebek_rec);
}

u64 xebek_xen_time(void)
{
	struct pvclock_vcpu_time_info *src;
	u64 ns;

	preempt_disable_notrace();
	src = &__this_cpu_read(xen_vcpu)->time;
	ns = pvclock_clocksource_read(src);
	preempt_enable_notrace();
	return ns;
}

struct xebek_rec *xebek_begin(unsigned int type, u32 payload_len,
			      unsigned long *irqflags)
{
	struct xebek_rec *rec;

	spin_lock_irqsave(&xebek_lock, *irqflags);
	if (unlikely(!xebek_intf)) {
		spin_unlock_irqrestore(&xebek_lock, *irqflags);
		return NULL;
	}
	rec = xebek_produce_begin(&xebek_prod, type, payload_len);
	if (!rec)
		spin_unlock_irqrestore(&xebek_lock, *irqflags);
	return rec;
}

struct xebek_rec *xebek_begin_from(const struct xebek_rec *tmpl,
				   u32 payload_len, unsigned long *irqflags)
{
	struct xebek_rec *rec = xebek_begin(tmpl->type, payload_len, irqflags);
	u32 len;
	u64 seq;

	if (!rec)
		return NULL;
	len = rec->len;
	seq = rec->seq;
	memcpy(rec, tmpl, sizeof(*rec));
	rec->len = len;
	rec->seq = seq;
	/* The first piece that reaches the ring names its group. */
	if (!(tmpl->flags & XEBEK_RF_PIECE) || tmpl->group == XEBEK_GROUP_NEW)
		rec->group = seq;
	return rec;
}

void xebek_commit(unsigned long irqflags)
{
	/* No event channel while re-granting after resume: Dom0 then sees
	 * the records on its next wakeup instead.
	 */
	if (likely(xebek_live))
		xebek_produce_commit(&xebek_prod);
	else {
		xebek_prod.notify = NULL;
		xebek_produce_commit(&xebek_prod);
		xebek_prod.notify = xebek_notify;
	}
	spin_unlock_irqrestore(&xebek_lock, irqflags);
}

/*
 * Dom0 counts as gone once it has consumed nothing for this long. It
 * writes a batch to disk before it moves cons, which under load (or an
 * emulated Dom0) takes far longer than a record does to copy.
 */
#define XEBEK_WAIT_IDLE_MS	1000

/* cons when the last wait gave up: no new wait until Dom0 moves it */
static u32 xebek_stalled_cons;
static bool xebek_stalled;

bool xebek_wait_room(u32 payload_len)
{
	/* the record, a pad in front of it at worst, and pending losses */
	u32 need = 2 * XEBEK_REC_ALIGNED(sizeof(struct xebek_rec) + payload_len) +
		   XEBEK_LOSS_NR * XEBEK_REC_ALIGNED(sizeof(struct xebek_rec) +
						     sizeof(struct xebek_loss));
	unsigned long idle_until = 0, flags;
	u32 room, cons, last = 0;
	bool first = true;

	for (;;) {
		spin_lock_irqsave(&xebek_lock, flags);
		if (!xebek_intf) {
			spin_unlock_irqrestore(&xebek_lock, flags);
			return false;
		}
		room = xebek_producer_room(&xebek_prod);
		cons = READ_ONCE(xebek_prod.intf->cons);
		spin_unlock_irqrestore(&xebek_lock, flags);
		if (room >= need)
			return true;
		/* a Dom0 that stopped draining costs one wait, not one per call */
		if (READ_ONCE(xebek_stalled) && cons == READ_ONCE(xebek_stalled_cons))
			return false;
		WRITE_ONCE(xebek_stalled, false);
		if (first || cons != last) {
			first = false;
			last = cons;
			idle_until = jiffies + msecs_to_jiffies(XEBEK_WAIT_IDLE_MS);
		} else if (time_after(jiffies, idle_until)) {
			WRITE_ONCE(xebek_stalled_cons, cons);
			WRITE_ONCE(xebek_stalled, true);
			return false;
		}
		usleep_range(200, 500);
	}
}

void xebek_drop(unsigned int reason)
{
	unsigned long flags;

	spin_lock_irqsave(&xebek_lock, flags);
	if (xebek_intf)
		xebek_producer_drop(&xebek_prod, reason);
	spin_unlock_irqrestore(&xebek_lock, flags);
}

void xebek_abort(unsigned int reason, unsigned long irqflags)
{
	xebek_produce_abort(&xebek_prod, reason);
	spin_unlock_irqrestore(&xebek_lock, irqflags);
}

/* Applies the control word: in sleepable context, as static keys need. */
static void xebek_control_apply(void)
{
	unsigned long flags;
	u32 ctl;

	spin_lock_irqsave(&xebek_lock, flags);
	ctl = xebek_producer_apply_control(&xebek_prod);
	spin_unlock_irqrestore(&xebek_lock, flags);

	if (ctl == READ_ONCE(xebek_ctl) &&
	    static_key_enabled(&xebek_capture_key) ==
	    ((ctl & XEBEK_CTL_ENABLE) && (ctl & XEBEK_CTL_ALL_MODES)))
		return;
	WRITE_ONCE(xebek_ctl, ctl);
	if ((ctl & XEBEK_CTL_ENABLE) && (ctl & XEBEK_CTL_ALL_MODES))
		static_branch_enable(&xebek_capture_key);
	else
		static_branch_disable(&xebek_capture_key);
	xebek_dbg("control %#x applied\n", ctl);
}

/* Deferrable: an idle guest is not woken up for it. */
static void xebek_control_poll_fn(struct work_struct *work)
{
	xebek_control_apply();
	schedule_delayed_work(&xebek_control_work, XEBEK_CONTROL_POLL);
}

static int xebek_grant_all(void)
{
	unsigned int i;
	int ref;

	ref = gnttab_grant_foreign_access(0, virt_to_gfn(xebek_intf), 0);
	if (ref < 0)
		return ref;
	xebek_refs[0] = ref;
	for (i = 0; i < (1U << xebek_order); i++) {
		ref = gnttab_grant_foreign_access(0,
				virt_to_gfn(xebek_data + i * XEN_PAGE_SIZE), 0);
		if (ref < 0)
			return ref;
		xebek_refs[1 + i] = ref;
	}
	return 0;
}

static int xebek_bind_port(void)
{
	struct evtchn_alloc_unbound alloc = {
		.dom = DOMID_SELF,
		.remote_dom = 0,
	};
	int err;

	err = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);
	if (err)
		return err;
	xebek_port = alloc.port;
	return 0;
}

static void xebek_announce_fn(struct work_struct *work)
{
	unsigned int domid, i;
	char dir[64];
	size_t len = 96 + 11 * xebek_nr_refs();
	char *val;
	int n, err;

	if (!READ_ONCE(xebek_live))
		return;
	err = xenbus_scanf(XBT_NIL, "domid", "", "%u", &domid);
	if (err != 1)
		goto retry;
	val = kmalloc(len, GFP_KERNEL);
	if (!val)
		goto retry;
	n = scnprintf(val, len, "version=%u order=%u event-channel=%u ring-refs=",
		      XEBEK_RING_VERSION, xebek_order, xebek_port);
	for (i = 0; i < xebek_nr_refs(); i++)
		n += scnprintf(val + n, len - n, i ? ",%u" : "%u", xebek_refs[i]);
	snprintf(dir, sizeof(dir), "%s/%u", CONFIG_XEBEK_XS_PATH, domid);
	err = xenbus_write(XBT_NIL, dir, "ring", val);
	kfree(val);
	if (err)
		goto retry;
	xebek_dbg("announced at %s/ring\n", dir);
	xebek_retry = HZ;
	return;
retry:
	/* Most likely xebekd has not created the node yet. */
	xebek_dbg("announce failed (%d), retrying\n", err);
	schedule_delayed_work(&xebek_announce_work, xebek_retry);
	xebek_retry = min_t(unsigned long, xebek_retry * 2, XEBEK_RETRY_MAX);
}

/* After save/restore: the old grants and port died with the old domain. */
static void xebek_resume_fn(struct work_struct *work)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&xebek_lock, flags);
	WRITE_ONCE(xebek_live, false);
	spin_unlock_irqrestore(&xebek_lock, flags);

	for (i = 0; i < xebek_nr_refs(); i++)
		gnttab_end_foreign_access(xebek_refs[i], NULL);
	if (xebek_grant_all() || xebek_bind_port()) {
		xebek_dbg("re-grant after resume failed\n");
		return;
	}
	spin_lock_irqsave(&xebek_lock, flags);
	/* a new domain maps it: a new instance, the sequence carries on */
	xebek_producer_set_instance(&xebek_prod, get_random_u64());
	WRITE_ONCE(xebek_live, true);
	spin_unlock_irqrestore(&xebek_lock, flags);
	xebek_retry = HZ;
	mod_delayed_work(system_wq, &xebek_announce_work, 0);
}

static void xebek_syscore_resume(void)
{
	/* Runs with interrupts off inside the suspend machinery, before
	 * xenstore is back: defer to a work item, which xenstore requests
	 * block until the store has resumed.
	 */
	if (xebek_intf)
		schedule_work(&xebek_resume_work);
}

static struct syscore_ops xebek_syscore_ops = {
	.resume = xebek_syscore_resume,
};

static int xebek_xenstore_ready(struct notifier_block *nb,
				unsigned long event, void *data)
{
	mod_delayed_work(system_wq, &xebek_announce_work, 0);
	return NOTIFY_DONE;
}

static struct notifier_block xebek_xenstore_nb = {
	.notifier_call = xebek_xenstore_ready,
};

static int __init xebek_init(void)
{
	struct page *pages;
	int err;

	if (!xen_domain() || xen_initial_domain())
		return 0;

	xebek_intf = (void *)get_zeroed_page(GFP_KERNEL);
	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, xebek_order);
	if (!xebek_intf || !pages)
		goto nomem;
	xebek_data = page_address(pages);

	err = xebek_grant_all();
	if (!err)
		err = xebek_bind_port();
	if (err) {
		/* Leave the grants: ending them races with nothing, but the
		 * pages must then stay allocated anyway.
		 */
		xebek_dbg("setup failed (%d)\n", err);
		xebek_intf = NULL;
		return 0;
	}
	xebek_producer_init(&xebek_prod, xebek_intf, xebek_data, xebek_order,
			    xebek_notify, NULL);
	xebek_producer_set_instance(&xebek_prod, get_random_u64());
	WRITE_ONCE(xebek_live, true);

	/* Capture starts with the default modes, before Dom0 connects. */
	xebek_control_apply();
	schedule_delayed_work(&xebek_control_work, XEBEK_CONTROL_POLL);
	register_syscore_ops(&xebek_syscore_ops);
	register_xenstore_notifier(&xebek_xenstore_nb);
	return 0;

nomem:
	if (xebek_intf)
		free_page((unsigned long)xebek_intf);
	if (pages)
		__free_pages(pages, xebek_order);
	xebek_intf = NULL;
	return 0;
}
device_initcall(xebek_init);
