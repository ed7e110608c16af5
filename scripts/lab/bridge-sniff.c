// SPDX-License-Identifier: MIT
/*
 * bridge-sniff: a sniffer on the lab's bridge in Dom0, counting what the
 * honeypot puts on the wire. A capture that sends what it records (Sebek:
 * UDP to its collector) shows here as IPv4 frames that are none of the
 * pings and none of the UDP datagrams to the discard port that the
 * detection suite sends (detect-net; those prove the count sees UDP).
 *
 *   bridge-sniff MAC OUT
 *
 * Counts every frame with source MAC that arrives from a guest's vif
 * (received on an interface named vif*), until SIGTERM; then writes OUT,
 * "DETECT" and "CONTROL" lines as domu-detect prints them
 * (tests/e2e/check_detect.py reads both).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define DISCARD_PORT 9
#define SNIFF_BUFFER (8 << 20)

struct counts {
	unsigned long arp, echo_requests, planted_udp, ipv4_other;
	unsigned long icmpv6, ipv6_other, other;
};

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "bridge-sniff: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int parse_mac(const char *s, unsigned char mac[ETH_ALEN])
{
	unsigned int b[ETH_ALEN];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < ETH_ALEN; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = (unsigned char)b[i];
	}
	return 0;
}

/* Whether the frame came in from a guest (its vif), not a copy of it
 * leaving through another port or the bridge. */
static int from_vif(const struct sockaddr_ll *ll)
{
	char name[IF_NAMESIZE];

	return ll->sll_pkttype != PACKET_OUTGOING &&
	       if_indextoname((unsigned int)ll->sll_ifindex, name) &&
	       !strncmp(name, "vif", 3);
}

/* The byte "at" bytes into the IPv4 payload, or -1 past the frame. */
static int l4_byte(const unsigned char *f, ssize_t n, size_t at)
{
	const struct iphdr *ip = (const struct iphdr *)(f + sizeof(struct ether_header));
	size_t off = sizeof(struct ether_header) + (size_t)ip->ihl * 4 + at;

	return off < (size_t)n ? f[off] : -1;
}

static void count_ipv4(struct counts *c, const unsigned char *f, ssize_t n)
{
	const struct iphdr *ip = (const struct iphdr *)(f + sizeof(struct ether_header));

	if (n < (ssize_t)(sizeof(struct ether_header) + sizeof(*ip)))
		c->ipv4_other++;
	else if (ip->protocol == IPPROTO_ICMP && l4_byte(f, n, 0) == ICMP_ECHO)
		c->echo_requests++;
	else if (ip->protocol == IPPROTO_UDP && l4_byte(f, n, 2) == (DISCARD_PORT >> 8) &&
		 l4_byte(f, n, 3) == (DISCARD_PORT & 0xff))
		c->planted_udp++;
	else
		c->ipv4_other++;
}

/* IPv6: neighbour discovery, router solicitations and MLD (ICMPv6,
 * MLD behind a hop-by-hop header) come and go with the link; anything
 * else is what a capture sending over IPv6 would show. */
static void count_ipv6(struct counts *c, const unsigned char *f, ssize_t n)
{
	const size_t ip6 = sizeof(struct ether_header), hdr = 40;
	int next = n > (ssize_t)(ip6 + 6) ? f[ip6 + 6] : -1;

	if (next == 0)	/* hop-by-hop options first: what follows them */
		next = n > (ssize_t)(ip6 + hdr) ? f[ip6 + hdr] : -1;
	if (next == IPPROTO_ICMPV6)
		c->icmpv6++;
	else
		c->ipv6_other++;
}

static void count(struct counts *c, const unsigned char *f, ssize_t n)
{
	uint16_t type = ntohs(((const struct ether_header *)f)->ether_type);

	if (type == ETHERTYPE_ARP)
		c->arp++;
	else if (type == ETHERTYPE_IPV6)
		count_ipv6(c, f, n);
	else if (type == ETHERTYPE_IP)
		count_ipv4(c, f, n);
	else
		c->other++;
}

int main(int argc, char **argv)
{
	unsigned char mac[ETH_ALEN], f[256];
	struct counts c = { 0 };
	struct sigaction sa = { .sa_handler = on_term };
	/* a SIGTERM just before recvfrom() is seen within this */
	struct timeval tick = { .tv_usec = 200000 };
	int size = SNIFF_BUFFER;
	struct tpacket_stats st;
	socklen_t stlen = sizeof(st);
	FILE *out;
	int s;

	if (argc != 3 || parse_mac(argv[1], mac)) {
		fprintf(stderr, "usage: bridge-sniff MAC OUT\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);	/* no SA_RESTART: recvfrom returns */
	s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (s < 0)
		die("packet socket");
	if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) ||
	    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof(tick)))
		die("socket options");
	while (!stop) {
		struct sockaddr_ll ll;
		socklen_t len = sizeof(ll);
		ssize_t n = recvfrom(s, f, sizeof(f), MSG_TRUNC, (struct sockaddr *)&ll, &len);

		if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (n < 0)
			die("recvfrom");
		if (n < (ssize_t)sizeof(struct ether_header) ||
		    memcmp(((const struct ether_header *)f)->ether_shost, mac, ETH_ALEN) ||
		    !from_vif(&ll))
			continue;
		count(&c, f, n < (ssize_t)sizeof(f) ? n : (ssize_t)sizeof(f));
	}
	if (getsockopt(s, SOL_PACKET, PACKET_STATISTICS, &st, &stlen))
		die("PACKET_STATISTICS");
	out = fopen(argv[2], "w");
	if (!out)
		die(argv[2]);
	const struct {
		const char *kind, *name;
		unsigned long n;
	} lines[] = {
		{ "DETECT", "ipv4-other", c.ipv4_other },
		{ "DETECT", "ipv6-other", c.ipv6_other }, { "DETECT", "non-ip", c.other },
		{ "CONTROL", "echo-requests", c.echo_requests },
		{ "CONTROL", "planted-udp", c.planted_udp }, { "CONTROL", "drops", st.tp_drops },
		{ "CONTROL", "arp", c.arp }, { "CONTROL", "icmpv6", c.icmpv6 },
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		fprintf(out, "%s net.bridge.%s %lu\n", lines[i].kind, lines[i].name, lines[i].n);
	return fclose(out) ? 1 : 0;
}
