/* Compiles ring.h and producer.h as strict C11 (as the kernel does: plain
 * C, -pedantic, -Werror) and runs the producer once, checking in C what it
 * wrote, so a C-only mistake in the shared code fails the build or test. */
#include <xebek/producer.h>

#include <stdio.h>
#include <stdlib.h>

static unsigned int signals;

static void count_signal(void *ctx)
{
	(void)ctx;
	signals++;
}

static _Alignas(8) uint8_t mem[XEBEK_PAGE_SIZE * 2];

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "failed: %s\n", #c); return 1; } } while (0)

int main(void)
{
	struct xebek_producer p;
	struct xebek_ring_intf *ri = (struct xebek_ring_intf *)mem;
	struct xebek_rec tmpl, *rec;
	const char key = 'x';

	CHECK(xebek_producer_init(&p, mem, mem + XEBEK_PAGE_SIZE, 0, XEBEK_RING_MAGIC, count_signal, NULL) == 0);
	CHECK(ri->magic == XEBEK_RING_MAGIC && ri->version == XEBEK_RING_VERSION);
	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.type = XEBEK_REC_READ;
	tmpl.pid = 42;
	ri->notify_at = 1;
	ri->notify_req = XEBEK_NOTIFY_DATA;
	CHECK(xebek_produce(&p, &tmpl, &key, 1) == 0);
	CHECK(signals == 1 && ri->notify_req == 0);
	rec = (struct xebek_rec *)(mem + XEBEK_PAGE_SIZE);
	CHECK(rec->len == sizeof(struct xebek_rec) + 1 && rec->pid == 42 && rec->seq == 0);
	CHECK(xebek_rec_payload(rec)[0] == 'x');
	CHECK(ri->prod == XEBEK_REC_ALIGNED(sizeof(struct xebek_rec) + 1));
	CHECK(xebek_produce_begin(&p, XEBEK_REC_WRITE, 1u << 20) == NULL);
	CHECK(ri->drops[XEBEK_LOSS_TOO_BIG] == 1);
	puts("c11 producer ok");
	return 0;
}
