// SPDX-License-Identifier: MIT
/*
 * detect-kit: what an intruder with root runs to find a capture tool in
 * the kernel, for scripts/lab/domu-detect. Each command prints lines
 * "DETECT <name> <verdict>" (the same on a kernel with the capture and on
 * its stock twin, or the capture shows) and "CONTROL <name> <value>"
 * (proof that the detector saw what it looks through, so that a verdict
 * of "nothing found" means something).
 *
 *   detect-kit image SYSTEM.MAP    the kernel's text and read-only data,
 *                                  read through /proc/kcore, searched for
 *                                  names, the handshake's format, the magic
 *   detect-kit pages SYSTEM.MAP    the first bytes of every RAM page
 *                                  (through /proc/kcore) against the magic
 *   detect-kit syscalls SYSTEM.MAP the system call table against the image
 *   detect-kit modules SYSTEM.MAP  every struct module in the module area,
 *                                  found by its shape, against /proc/modules
 *   detect-kit xen                 the event channel ports and grant
 *                                  references a process gets (one taken by
 *                                  anything else moves them or leaves a hole)
 *   detect-kit timing ROUNDS       medians of syscall probes, per round
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pty.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab-clock.h"
#include <xenctrl.h> /* domid_t, for the Xen device headers */
#include <xen/sys/evtchn.h>
#include <xen/sys/gntalloc.h>

#define CHUNK (1u << 20)
#define MAX_SEGS 64
#define NR_SYSCALLS 451 /* x86_64, Linux 6.1 */

static void die(const char *what)
{
	fprintf(stderr, "detect-kit: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* ------------------------------------------------------------ /proc/kcore */
struct seg {
	uint64_t vaddr, len, off;
};
static struct seg segs[MAX_SEGS];
static int nsegs, kcore = -1;

static void kcore_open(void)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	kcore = open("/proc/kcore", O_RDONLY);
	if (kcore < 0)
		die("/proc/kcore");
	if (pread(kcore, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG))
		die("/proc/kcore is no ELF file");
	for (int i = 0; i < eh.e_phnum && nsegs < MAX_SEGS; i++) {
		if (pread(kcore, &ph, sizeof(ph), eh.e_phoff + (uint64_t)i * sizeof(ph)) != sizeof(ph))
			die("/proc/kcore program headers");
		if (ph.p_type == PT_LOAD)
			segs[nsegs++] = (struct seg){ ph.p_vaddr, ph.p_memsz, ph.p_offset };
	}
}

/* Reads n bytes of kernel memory at vaddr; 0 on success. */
static int kread(uint64_t vaddr, void *buf, size_t n)
{
	for (int i = 0; i < nsegs; i++) {
		if (vaddr >= segs[i].vaddr && vaddr + n <= segs[i].vaddr + segs[i].len)
			return pread(kcore, buf, n, segs[i].off + (vaddr - segs[i].vaddr)) == (ssize_t)n ? 0 : -1;
	}
	return -1;
}

/* ------------------------------------------------------------ System.map */
struct sym {
	uint64_t addr;
	char name[64];
};
static struct sym *syms;
static size_t nsyms;

static void map_load(const char *path)
{
	FILE *f = fopen(path, "r");
	char type, name[256];
	unsigned long long a;
	size_t cap = 0;

	if (!f)
		die(path);
	while (fscanf(f, "%llx %c %255s", &a, &type, name) == 3) {
		if (nsyms == cap) {
			cap = cap ? cap * 2 : 65536;
			syms = realloc(syms, cap * sizeof(*syms));
			if (!syms)
				die("memory");
		}
		syms[nsyms].addr = a;
		snprintf(syms[nsyms].name, sizeof(syms[nsyms].name), "%.63s", name);
		nsyms++;
	}
	fclose(f);
}

static uint64_t map_addr(const char *name)
{
	for (size_t i = 0; i < nsyms; i++)
		if (!strcmp(syms[i].name, name))
			return syms[i].addr;
	fprintf(stderr, "detect-kit: %s not in System.map\n", name);
	exit(2);
}

static const char *map_name(uint64_t addr)
{
	for (size_t i = 0; i < nsyms; i++)
		if (syms[i].addr == addr && !strncmp(syms[i].name, "__x64_sys_", 10))
			return syms[i].name;
	for (size_t i = 0; i < nsyms; i++)
		if (syms[i].addr == addr)
			return syms[i].name;
	return NULL;
}

/* ------------------------------------------------------------ image */
struct needle {
	const char *name;
	char text[48];
	int nocase;
	long found;
};

static int matches(const char *p, const struct needle *n, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = n->nocase ? (char)tolower((unsigned char)p[i]) : p[i];

		if (c != n->text[i])
			return 0;
	}
	return 1;
}

/* Counts every needle in [start, end) of kernel memory. */
static void scan(uint64_t start, uint64_t end, struct needle *nd, int nn, long *chunks)
{
	const size_t overlap = 47;
	char *buf = malloc(CHUNK + overlap);

	if (!buf)
		die("memory");
	for (uint64_t at = start; at < end; at += CHUNK) {
		size_t n = end - at < CHUNK ? end - at : CHUNK;
		size_t have = n + (at + n < end ? overlap : 0);

		if (at + have > end)
			have = end - at;
		if (kread(at, buf, have))
			continue;
		(*chunks)++;
		for (size_t i = 0; i < n; i++) {
			for (int k = 0; k < nn; k++) {
				size_t len = strlen(nd[k].text);

				if (i + len <= have && matches(buf + i, &nd[k], len))
					nd[k].found++;
			}
		}
	}
	free(buf);
}

static int cmd_image(const char *map)
{
	/* Built at run time, so this program's own image is no hit. */
	struct needle nd[] = {
		{ "name-xebek", "", 1, 0 }, { "name-sebek", "", 1, 0 },
		{ "format", "", 0, 0 }, { "magic", "", 0, 0 },
		{ "control-banner", "", 0, 0 },
	};
	const struct {
		const char *name, *from, *to;
	} regions[] = {
		{ "text", "_stext", "_etext" },
		{ "rodata", "__start_rodata", "__end_rodata" },
	};
	int nn = sizeof(nd) / sizeof(nd[0]);

	snprintf(nd[0].text, sizeof(nd[0].text), "%s%s", "xe", "bek");
	snprintf(nd[1].text, sizeof(nd[1].text), "%s%s", "se", "bek");
	snprintf(nd[2].text, sizeof(nd[2].text), "%s%s", "event-channel=%u ring", "-refs=");
	snprintf(nd[3].text, sizeof(nd[3].text), "%s%s", "XE", "BK");
	snprintf(nd[4].text, sizeof(nd[4].text), "%s%s", "Linux ver", "sion ");
	map_load(map);
	kcore_open();
	for (size_t r = 0; r < sizeof(regions) / sizeof(regions[0]); r++) {
		uint64_t from = map_addr(regions[r].from), to = map_addr(regions[r].to);
		long chunks = 0;

		for (int k = 0; k < nn; k++)
			nd[k].found = 0;
		scan(from, to, nd, nn, &chunks);
		printf("CONTROL image.%s.read-mib %lu\n", regions[r].name,
		       (unsigned long)(chunks * CHUNK >> 20));
		for (int k = 0; k < nn; k++) {
			if (!strncmp(nd[k].name, "control", 7))
				printf("CONTROL image.%s.%s %ld\n", regions[r].name, nd[k].name,
				       nd[k].found);
			else
				printf("DETECT image.%s.%s %ld\n", regions[r].name, nd[k].name,
				       nd[k].found);
		}
	}
	return 0;
}

/* ------------------------------------------------------------ RAM pages */
static int cmd_pages(const char *map)
{
	uint64_t direct_map;
	char magic[5], planted[9];
	unsigned char head[8];
	long pages = 0, hits = 0, own = 0;
	char *mine;

	snprintf(magic, sizeof(magic), "%s%s", "XE", "BK");
	snprintf(planted, sizeof(planted), "%s%s", "PLANT", "ED!");
	/* A page of our own that starts with a known pattern: the scan must
	 * find it, or it did not look through the RAM it claims to.
	 */
	mine = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mine == MAP_FAILED)
		die("mmap");
	memcpy(mine, planted, 8);
	if (mlock(mine, 4096))
		die("mlock");
	map_load(map);
	kcore_open();
	/* The direct map of RAM: its base may be randomised, so read it. */
	if (kread(map_addr("page_offset_base"), &direct_map, sizeof(direct_map)))
		die("reading page_offset_base through /proc/kcore");
	for (int i = 0; i < nsegs; i++) {
		if (segs[i].vaddr < direct_map || segs[i].vaddr >= direct_map + (1ull << 46))
			continue;
		for (uint64_t a = segs[i].vaddr; a + 8 <= segs[i].vaddr + segs[i].len; a += 4096) {
			if (pread(kcore, head, 8, segs[i].off + (a - segs[i].vaddr)) != 8)
				continue;
			pages++;
			if (!memcmp(head, magic, 4)) {
				hits++;
				fprintf(stderr, "detect-kit: page at %#llx starts with the magic:"
					" %02x %02x %02x %02x %02x %02x %02x %02x\n",
					(unsigned long long)a, head[0], head[1], head[2], head[3],
					head[4], head[5], head[6], head[7]);
			}
			if (!memcmp(head, planted, 8))
				own++;
		}
	}
	printf("CONTROL pages.read %ld\n", pages);
	printf("CONTROL pages.planted-found %ld\n", own);
	printf("DETECT pages.magic %ld\n", hits);
	return 0;
}

/* ------------------------------------------------------------ syscall table */
static int cmd_syscalls(const char *map)
{
	uint64_t table[NR_SYSCALLS];
	long named = 0, ni = 0, other = 0;

	map_load(map);
	kcore_open();
	if (kread(map_addr("sys_call_table"), table, sizeof(table)))
		die("reading sys_call_table through /proc/kcore");
	for (int i = 0; i < NR_SYSCALLS; i++) {
		const char *n = map_name(table[i]);

		if (n && !strcmp(n, "__x64_sys_ni_syscall"))
			ni++;
		else if (n && !strncmp(n, "__x64_sys_", 10))
			named++;
		else
			other++;
	}
	printf("CONTROL syscalls.named %ld\n", named);
	printf("DETECT syscalls.not-implemented %ld\n", ni);
	printf("DETECT syscalls.elsewhere %ld\n", other);
	return 0;
}

/* ------------------------------------------------------------ module area */
/*
 * NoSEBrEaK's module hunt: every struct module in the module area, found
 * by its shape rather than through the module list (which a module hiding
 * itself leaves), against /proc/modules. Linux 6.1's struct module starts
 * with its state (an enum of 0..3, padded to 8 bytes), its list_head and
 * its name (MODULE_NAME_LEN bytes, zero after the name).
 */
#define MODULE_AREA_START 0xffffffffa0000000ull
#define MODULE_AREA_END 0xffffffffff000000ull
#define MODULE_NAME_LEN 56
#define MODULE_HEAD (24 + MODULE_NAME_LEN)
#define MAX_MODULES 1024

static int list_pointer(uint64_t p)
{
	/* a kernel address, or LIST_POISON1/2 once unlinked */
	return p >= 0xffff800000000000ull || p == 0xdead000000000100ull ||
	       p == 0xdead000000000122ull;
}

/* The name of the struct module at "p" (MODULE_HEAD bytes), or NULL. */
static const char *module_at(const unsigned char *p)
{
	const char *name = (const char *)p + 24;
	uint64_t next, prev;
	uint32_t state, pad;
	size_t len;

	memcpy(&state, p, 4);
	memcpy(&pad, p + 4, 4);
	if (state > 3 || pad)
		return NULL;
	memcpy(&next, p + 8, 8);
	memcpy(&prev, p + 16, 8);
	if (!list_pointer(next) || !list_pointer(prev))
		return NULL;
	len = strnlen(name, MODULE_NAME_LEN);
	if (!len || len == MODULE_NAME_LEN)
		return NULL;
	for (size_t i = 0; i < MODULE_NAME_LEN; i++) {
		int c = (unsigned char)name[i];

		if (i < len ? !(islower(c) || isdigit(c) || c == '_') : c != 0)
			return NULL;
	}
	return name;
}

struct names {
	char v[MAX_MODULES][MODULE_NAME_LEN];
	int n;
};

static int names_has(const struct names *l, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], name))
			return 1;
	return 0;
}

static void names_add(struct names *l, const char *name)
{
	if (l->n < MAX_MODULES && !names_has(l, name))
		snprintf(l->v[l->n++], MODULE_NAME_LEN, "%.55s", name);
}

/* Scans one kcore segment of the module area for struct modules. */
static void scan_modules(const struct seg *sg, unsigned char *buf, struct names *found)
{
	for (uint64_t at = 0; at < sg->len; at += CHUNK) {
		size_t n = sg->len - at < CHUNK + MODULE_HEAD ? sg->len - at : CHUNK + MODULE_HEAD;
		ssize_t got = pread(kcore, buf, n, sg->off + at);

		if (got < MODULE_HEAD)
			continue;
		/* offsets below CHUNK only: the next chunk starts there */
		for (size_t o = 0; o + MODULE_HEAD <= (size_t)got && o < CHUNK; o += 8) {
			const char *name = module_at(buf + o);

			if (name)
				names_add(found, name);
		}
	}
}

static int cmd_modules(const char *map)
{
	static struct names found, listed;
	uint64_t text, end;
	unsigned char *buf = malloc(CHUNK + MODULE_HEAD);
	char line[256], hidden[512] = "";
	int nhidden = 0, listed_found = 0;
	FILE *f;

	if (!buf)
		die("memory");
	map_load(map);
	text = map_addr("_text");
	end = map_addr("_end");
	kcore_open();
	for (int i = 0; i < nsegs; i++) {
		const struct seg *sg = &segs[i];

		if (sg->vaddr < MODULE_AREA_START || sg->vaddr + sg->len > MODULE_AREA_END ||
		    (sg->vaddr < end && sg->vaddr + sg->len > text))
			continue;	/* not the module area, or the kernel's image */
		scan_modules(sg, buf, &found);
	}
	f = fopen("/proc/modules", "r");
	if (!f)
		die("/proc/modules");
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \n")] = '\0';
		names_add(&listed, line);
	}
	fclose(f);
	for (int i = 0; i < found.n; i++) {
		if (names_has(&listed, found.v[i]))
			continue;
		nhidden++;
		snprintf(hidden + strlen(hidden), sizeof(hidden) - strlen(hidden), " %s", found.v[i]);
	}
	for (int i = 0; i < listed.n; i++)
		listed_found += names_has(&found, listed.v[i]);
	printf("DETECT modules.hidden %d%s\n", nhidden, hidden);
	printf("CONTROL modules.listed %d\n", listed.n);
	printf("CONTROL modules.listed-unfound %d\n", listed.n - listed_found);
	free(buf);
	return 0;
}

/* ------------------------------------------------------------ Xen */
/* Prints "first-last" runs of ascending numbers, comma-separated. */
static void print_runs(const char *what, const unsigned int *v, int n)
{
	int i, j;

	printf("DETECT %s ", what);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j] == v[i] + (unsigned int)(j - i); j++)
			;
		printf(i ? ",%u" : "%u", v[i]);
		if (j - i > 1)
			printf("-%u", v[j - 1]);
	}
	printf("\n");
}

#define XEN_PROBE_PORTS 32
#define XEN_PROBE_GREFS 64

/*
 * The event channel ports and grant references a process gets when it
 * asks for many: a port or a grant entry anything else took moves them,
 * or leaves a hole in the run.
 */
static int cmd_xen(void)
{
	struct ioctl_evtchn_bind_unbound_port ub = { .remote_domain = 0 };
	struct ioctl_gntalloc_alloc_gref *g;
	unsigned int ports[XEN_PROBE_PORTS];
	int fd, i, port;

	fd = open("/dev/xen/evtchn", O_RDWR);
	if (fd < 0)
		die("/dev/xen/evtchn");
	for (i = 0; i < XEN_PROBE_PORTS; i++) {
		port = ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &ub);
		if (port < 0)
			die("IOCTL_EVTCHN_BIND_UNBOUND_PORT");
		ports[i] = (unsigned int)port;
	}
	print_runs("xen.free-ports", ports, XEN_PROBE_PORTS);
	printf("CONTROL xen.first-free-port %u\n", ports[0]);
	close(fd);
	fd = open("/dev/xen/gntalloc", O_RDWR);
	if (fd < 0)
		die("/dev/xen/gntalloc");
	g = calloc(1, sizeof(*g) + XEN_PROBE_GREFS * sizeof(uint32_t));
	if (!g)
		die("memory");
	g->domid = 0;
	g->count = XEN_PROBE_GREFS;
	if (ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, g))
		die("IOCTL_GNTALLOC_ALLOC_GREF");
	print_runs("xen.free-grefs", g->gref_ids, XEN_PROBE_GREFS);
	printf("CONTROL xen.first-free-gref %u\n", g->gref_ids[0]);
	close(fd);
	return 0;
}

/* ------------------------------------------------------------ timing */
struct probe_ctx {
	int zero, pty_m, pty_s, pipe[2], listener;
	struct sockaddr_in addr;
};

/* One run of a probe; its time is what the median is taken over. */
static void probe(const char *name, struct probe_ctx *c)
{
	char buf[2];

	if (!strcmp(name, "read1_zero")) {
		if (read(c->zero, buf, 1) != 1)
			die("read /dev/zero");
	} else if (!strcmp(name, "read2_zero")) {
		if (read(c->zero, buf, 2) != 2)
			die("read /dev/zero");
	} else if (!strcmp(name, "read1_pty")) {
		if (write(c->pty_m, "k", 1) != 1 || read(c->pty_s, buf, 1) != 1)
			die("pty");
	} else if (!strcmp(name, "read1_pipe")) {
		if (write(c->pipe[1], "k", 1) != 1 || read(c->pipe[0], buf, 1) != 1)
			die("pipe");
	} else if (!strcmp(name, "open")) {
		int fd = open("/etc/hostname", O_RDONLY);

		if (fd < 0)
			die("open");
		close(fd);
	} else if (!strcmp(name, "stat")) {
		struct stat st;

		if (stat("/etc/hostname", &st))
			die("stat");
	} else if (!strcmp(name, "connect")) {
		int s = socket(AF_INET, SOCK_STREAM, 0), a;

		if (s < 0 || connect(s, (struct sockaddr *)&c->addr, sizeof(c->addr)))
			die("connect");
		a = accept(c->listener, NULL, NULL);
		if (a < 0)
			die("accept");
		close(a);
		close(s);
	} else if (!strcmp(name, "fork")) {
		pid_t p = fork();

		if (p < 0)
			die("fork");
		if (!p)
			_exit(0);
		waitpid(p, NULL, 0);
	}
}

static void probe_setup(struct probe_ctx *c)
{
	struct termios raw;
	socklen_t len = sizeof(c->addr);

	c->zero = open("/dev/zero", O_RDONLY);
	if (c->zero < 0 || openpty(&c->pty_m, &c->pty_s, NULL, NULL, NULL) || pipe(c->pipe))
		die("probe set-up");
	/* raw: one byte written to the master is one byte read on the slave */
	tcgetattr(c->pty_s, &raw);
	cfmakeraw(&raw);
	tcsetattr(c->pty_s, TCSANOW, &raw);
	c->listener = socket(AF_INET, SOCK_STREAM, 0);
	c->addr = (struct sockaddr_in){ .sin_family = AF_INET,
					.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (c->listener < 0 || bind(c->listener, (struct sockaddr *)&c->addr, sizeof(c->addr)) ||
	    listen(c->listener, 16) ||
	    getsockname(c->listener, (struct sockaddr *)&c->addr, &len))
		die("listener");
}

static int cmd_timing(int rounds)
{
	static const struct {
		const char *name;
		int runs;
	} probes[] = {
		{ "read1_zero", 2001 }, { "read2_zero", 2001 }, { "read1_pty", 501 },
		{ "read1_pipe", 1001 }, { "open", 501 }, { "stat", 1001 },
		{ "connect", 101 }, { "fork", 51 },
	};
	struct probe_ctx c;
	uint64_t *t = malloc(2001 * sizeof(*t));

	if (!t)
		die("memory");
	probe_setup(&c);
	for (int r = 0; r < rounds; r++) {
		printf("TIMING round=%d", r);
		for (size_t p = 0; p < sizeof(probes) / sizeof(probes[0]); p++) {
			for (int i = 0; i < probes[p].runs; i++) {
				uint64_t t0 = now_ns();

				probe(probes[p].name, &c);
				t[i] = now_ns() - t0;
			}
			qsort(t, probes[p].runs, sizeof(*t), cmp_u64);
			printf(" %s=%llu", probes[p].name,
			       (unsigned long long)t[probes[p].runs / 2]);
		}
		printf("\n");
		fflush(stdout);
	}
	free(t);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "image") && argc == 3)
		return cmd_image(argv[2]);
	if (!strcmp(cmd, "pages") && argc == 3)
		return cmd_pages(argv[2]);
	if (!strcmp(cmd, "syscalls") && argc == 3)
		return cmd_syscalls(argv[2]);
	if (!strcmp(cmd, "modules") && argc == 3)
		return cmd_modules(argv[2]);
	if (!strcmp(cmd, "xen") && argc == 2)
		return cmd_xen();
	if (!strcmp(cmd, "timing") && argc == 3 && atoi(argv[2]) > 0)
		return cmd_timing(atoi(argv[2]));
	fprintf(stderr, "usage: detect-kit image|pages|syscalls|modules SYSTEM.MAP | xen | timing ROUNDS\n");
	return 2;
}
