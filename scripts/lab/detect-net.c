// SPDX-License-Identifier: MIT
/*
 * detect-net: the NoSEBrEaK network detectors, for scripts/lab/domu-detect.
 * A capture that sends what it records (Sebek: a UDP packet per read)
 * shows on the honeypot's network: a dd of 1-byte reads slows the pings
 * to a host on the same LAN, and the interface counts frames that a
 * sniffer on the interface never sees (Sebek hands its packets to the
 * driver below the taps).
 *
 *   detect-net PEER IFACE ROUNDS
 *
 * PEER is another host on IFACE's LAN that answers pings. Per round: the
 * median ping time idle and with a dd of 1-byte reads running, as
 * "TIMING-NET round=N ping_idle=NS ping_dd=NS"; over all rounds, the
 * frames IFACE counted as sent against those a packet socket on it saw
 * leave ("DETECT net.tx-unseen", 0 unless something hides frames), with
 * CONTROL lines proving that the sniffer saw the pings and dropped none.
 * Last, PLANTED_UDP datagrams to the peer's discard port, as a capture
 * that sends its records would send them: Dom0's sniffer on the bridge
 * (bridge-sniff) must count exactly those.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab-clock.h"

#define PINGS_PER_PHASE 21
#define PING_TIMEOUT_MS 2000
#define PINGS_LOST_MAX 5	/* in a row: the peer is not there */
#define SNIFF_BUFFER (8 << 20)
#define PLANTED_UDP 10
#define DISCARD_PORT 9

static void die(const char *what)
{
	fprintf(stderr, "detect-net: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ------------------------------------------------------------ ping */
struct pinger {
	int sock;
	struct sockaddr_in peer;
	uint16_t id, seq;
	unsigned int sent, answered, lost_in_a_row;
};

static uint16_t checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Whether "buf" (an IPv4 packet from the raw socket) is our echo's reply. */
static int is_reply(const struct pinger *p, const uint8_t *buf, ssize_t n)
{
	const struct iphdr *ip = (const struct iphdr *)buf;
	const struct icmphdr *icmp;
	size_t hl;

	if (n < (ssize_t)sizeof(*ip))
		return 0;
	hl = (size_t)ip->ihl * 4;
	if (n < (ssize_t)(hl + sizeof(*icmp)))
		return 0;
	icmp = (const struct icmphdr *)(buf + hl);
	return icmp->type == ICMP_ECHOREPLY && ntohs(icmp->un.echo.id) == p->id &&
	       ntohs(icmp->un.echo.sequence) == p->seq;
}

/* One echo and its reply; the round trip in ns, or 0 if none came. */
static uint64_t ping_once(struct pinger *p)
{
	struct icmphdr h = { .type = ICMP_ECHO };
	uint8_t buf[2048];
	uint64_t t0, deadline;

	h.un.echo.id = htons(p->id);
	h.un.echo.sequence = htons(++p->seq);
	h.checksum = checksum(&h, sizeof(h));
	t0 = now_ns();
	deadline = t0 + (uint64_t)PING_TIMEOUT_MS * 1000000u;
	if (sendto(p->sock, &h, sizeof(h), 0, (struct sockaddr *)&p->peer,
		   sizeof(p->peer)) != (ssize_t)sizeof(h))
		die("sendto");
	p->sent++;
	for (;;) {
		uint64_t now = now_ns();
		struct pollfd pfd = { .fd = p->sock, .events = POLLIN };
		ssize_t n;

		if (now >= deadline) {
			if (++p->lost_in_a_row >= PINGS_LOST_MAX) {
				fprintf(stderr, "detect-net: %s answered none of %d pings in a row\n",
					inet_ntoa(p->peer.sin_addr), PINGS_LOST_MAX);
				exit(1);
			}
			return 0;
		}
		if (poll(&pfd, 1, (int)((deadline - now) / 1000000u) + 1) <= 0)
			continue;
		n = recv(p->sock, buf, sizeof(buf), 0);
		if (n < 0)
			die("recv");
		if (is_reply(p, buf, n)) {
			p->answered++;
			p->lost_in_a_row = 0;
			return now_ns() - t0;
		}
	}
}

/* The median round trip of PINGS_PER_PHASE pings (lost ones excluded). */
static uint64_t ping_median(struct pinger *p)
{
	uint64_t t[PINGS_PER_PHASE];
	int n = 0;

	for (int i = 0; i < PINGS_PER_PHASE; i++) {
		uint64_t rtt = ping_once(p);

		if (rtt)
			t[n++] = rtt;
	}
	if (!n)
		return 0;
	qsort(t, n, sizeof(*t), cmp_u64);
	return t[n / 2];
}

/* ------------------------------------------------------------ load */
/* dd if=/dev/zero bs=1: one read system call per byte, until killed. */
static pid_t start_dd(void)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid) {
		int zero = open("/dev/zero", O_RDONLY);
		char b;

		if (zero < 0)
			_exit(1);
		for (;;)
			if (read(zero, &b, 1) != 1)
				_exit(1);
	}
	return pid;
}

static void stop_dd(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* ------------------------------------------------------------ sniffer */
struct sniffer {
	int sock;
	unsigned long outgoing;
};

static void sniffer_open(struct sniffer *s, unsigned int ifindex)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ALL),
				  .sll_ifindex = (int)ifindex };
	int size = SNIFF_BUFFER;

	s->outgoing = 0;
	/* protocol 0: nothing is queued until bind() names the interface */
	s->sock = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, 0);
	if (s->sock < 0)
		die("packet socket");
	/* room for every frame of the window, so none is dropped unseen */
	if (setsockopt(s->sock, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		die("SO_RCVBUFFORCE");
	if (bind(s->sock, (struct sockaddr *)&ll, sizeof(ll)))
		die("bind packet socket");
}

/* Counts the frames queued so far that the interface sent. */
static void sniffer_drain(struct sniffer *s)
{
	uint8_t buf[64];

	for (;;) {
		struct sockaddr_ll from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(s->sock, buf, sizeof(buf), MSG_TRUNC,
				     (struct sockaddr *)&from, &len);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0)
			die("recvfrom packet socket");
		if (from.sll_pkttype == PACKET_OUTGOING)
			s->outgoing++;
	}
}

static unsigned long sniffer_drops(struct sniffer *s)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	if (getsockopt(s->sock, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		die("PACKET_STATISTICS");
	return st.tp_drops;
}

/* The suite's own UDP, for the sniffer on the bridge to find. */
static void send_planted_udp(struct sockaddr_in peer)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0)
		die("UDP socket");
	peer.sin_port = htons(DISCARD_PORT);
	for (int i = 0; i < PLANTED_UDP; i++)
		if (sendto(s, "xebek-detect-planted", 20, 0, (struct sockaddr *)&peer,
			   sizeof(peer)) != 20)
			die("sendto UDP");
	close(s);
}

static unsigned long long tx_packets(const char *iface)
{
	char path[128];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/tx_packets", iface);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llu", &v) != 1)
		die(path);
	fclose(f);
	return v;
}

/*
 * The counter as of a moment when the sniffer's queue holds exactly the
 * frames it counted: a frame reaches the taps just before the driver
 * counts it, so the count is read again after the queue is drained until
 * no frame went out in between.
 */
static unsigned long long tx_settled(struct sniffer *s, const char *iface)
{
	unsigned long long before, after = tx_packets(iface);

	for (int i = 0; i < 20; i++) {
		before = after;
		usleep(50000);
		sniffer_drain(s);
		after = tx_packets(iface);
		if (after == before)
			break;
	}
	return after;
}

int main(int argc, char **argv)
{
	struct pinger p = { .id = (uint16_t)getpid() };
	struct sniffer s;
	unsigned long long tx0, tx1;
	unsigned int ifindex;
	int rounds;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 4 || (rounds = atoi(argv[3])) <= 0) {
		fprintf(stderr, "usage: detect-net PEER IFACE ROUNDS\n");
		return 2;
	}
	p.peer = (struct sockaddr_in){ .sin_family = AF_INET };
	if (inet_pton(AF_INET, argv[1], &p.peer.sin_addr) != 1) {
		fprintf(stderr, "detect-net: %s is no IPv4 address\n", argv[1]);
		return 2;
	}
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex)
		die(argv[2]);
	p.sock = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (p.sock < 0)
		die("raw ICMP socket");

	sniffer_open(&s, ifindex);
	tx0 = tx_settled(&s, argv[2]);
	s.outgoing = 0;	/* what left before tx0 is in tx0 */
	for (int r = 0; r < rounds; r++) {
		uint64_t idle = ping_median(&p), loaded;
		pid_t dd = start_dd();

		usleep(100000);	/* the dd is reading before the first ping */
		loaded = ping_median(&p);
		stop_dd(dd);
		sniffer_drain(&s);
		printf("TIMING-NET round=%d ping_idle=%llu ping_dd=%llu\n", r,
		       (unsigned long long)idle, (unsigned long long)loaded);
	}
	tx1 = tx_settled(&s, argv[2]);
	printf("DETECT net.tx-unseen %lld\n", (long long)(tx1 - tx0) - (long long)s.outgoing);
	printf("CONTROL net.tx-seen %lu\n", s.outgoing);
	printf("CONTROL net.pings-sent %u\n", p.sent);
	printf("CONTROL net.pings-answered %u\n", p.answered);
	printf("CONTROL net.sniffer-drops %lu\n", sniffer_drops(&s));
	send_planted_udp(p.peer);
	return 0;
}
