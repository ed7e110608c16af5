/*
 * intruder-kit: what an intruder does on the honeypot without read(2) or
 * write(2) on a terminal, one action at a time, each under its own name
 * (prctl PR_SET_NAME "kit-<action>") and with its own marker in the data,
 * so that the lab's checks can name the path each record came from.
 * Static binary, built by scripts/xen-lab, run as root in the DomU:
 *
 *   intruder-kit all       every action below, in order
 *   intruder-kit ACTION    one of them
 *
 * Each action prints "KIT <action> ok" when it did what it should, or
 * "KIT <action> FAIL: <why>" and the kit exits 1 at the end. Files go to
 * /tmp/kit (a tmpfs, which has file handles and runs setuid programs);
 * TCP and UDP use loopback, port 41000 + the action's number.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <pthread.h>
#include <linux/aio_abi.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORK "/tmp/kit"
#define PAYLOAD 6000 /* larger than one page, smaller than a socket buffer */

static int failures;
static const char *action;

static int fail(const char *fmt, ...)
{
	va_list ap;

	printf("KIT %s FAIL: ", action);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (errno %d %s)\n", errno, strerror(errno));
	fflush(stdout);
	failures++;
	return -1;
}

static int ok(void)
{
	printf("KIT %s ok\n", action);
	fflush(stdout);
	return 0;
}

/* "KIT-<TAG>-" then a repeating pattern up to n bytes: what the checks
 * rebuild to compare the recorded bytes with. */
static void marker(char *buf, size_t n, const char *tag)
{
	int head = snprintf(buf, n, "KIT-%s-", tag);

	for (size_t i = (size_t)head; i < n; i++)
		buf[i] = (char)('a' + i % 26);
}

static int write_file(const char *path, const char *buf, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, buf, n) != (ssize_t)n)
		return fail("cannot create %s", path);
	close(fd);
	return 0;
}

static struct sockaddr_in loopback4(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* A listening TCP socket on 127.0.0.1:port. */
static int listener4(int port)
{
	struct sockaddr_in a = loopback4(port);
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 4))
		return fail("cannot listen on 127.0.0.1:%d", port);
	return s;
}

static int connect4(int port)
{
	struct sockaddr_in a = loopback4(port);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)))
		return fail("cannot connect to 127.0.0.1:%d", port);
	return s;
}

/* Reads exactly n bytes into buf (a stream socket). */
static int recv_all(int s, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = recv(s, buf + got, n - got, 0);

		if (r <= 0)
			return fail("short receive: %zu of %zu bytes", got, n);
		got += (size_t)r;
	}
	return 0;
}

static int same(const char *got, const char *want, size_t n, const char *what)
{
	if (memcmp(got, want, n))
		return fail("%s: the bytes differ", what);
	return 0;
}

/* sendfile(2) of a file to a TCP socket: the kernel moves the file's
 * pages to the socket without a read or write by the program. */
static int act_sendfile(void)
{
	char data[PAYLOAD], back[PAYLOAD];
	int lst, c, srv, fd;
	off_t off = 0;

	marker(data, sizeof(data), "SENDFILE");
	if (write_file(WORK "/sendfile.txt", data, sizeof(data)))
		return -1;
	lst = listener4(41001);
	if (lst < 0 || (c = connect4(41001)) < 0)
		return -1;
	srv = accept(lst, NULL, NULL);
	fd = open(WORK "/sendfile.txt", O_RDONLY);
	if (srv < 0 || fd < 0)
		return fail("accept or open");
	if (sendfile(c, fd, &off, sizeof(data)) != (ssize_t)sizeof(data))
		return fail("sendfile");
	if (recv_all(srv, back, sizeof(back)) || same(back, data, sizeof(data), "sendfile"))
		return -1;
	close(fd);
	close(srv);
	close(c);
	close(lst);
	return ok();
}

/* splice(2) of a file into a pipe and from the pipe into another file. */
static int act_splice(void)
{
	char data[PAYLOAD];
	int p[2], in, out;
	ssize_t n;

	marker(data, sizeof(data), "SPLICE");
	if (write_file(WORK "/splice.txt", data, sizeof(data)))
		return -1;
	in = open(WORK "/splice.txt", O_RDONLY);
	out = open(WORK "/splice.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || out < 0 || pipe(p))
		return fail("open or pipe");
	n = splice(in, NULL, p[1], NULL, sizeof(data), 0);
	if (n != (ssize_t)sizeof(data))
		return fail("splice into the pipe moved %zd bytes", n);
	n = splice(p[0], NULL, out, NULL, sizeof(data), 0);
	if (n != (ssize_t)sizeof(data))
		return fail("splice out of the pipe moved %zd bytes", n);
	close(in);
	close(out);
	close(p[0]);
	close(p[1]);
	return ok();
}

/* copy_file_range(2): a file copied inside the kernel. */
static int act_copy_file_range(void)
{
	char data[PAYLOAD];
	int in, out;
	ssize_t n;

	marker(data, sizeof(data), "CFR");
	if (write_file(WORK "/cfr.txt", data, sizeof(data)))
		return -1;
	in = open(WORK "/cfr.txt", O_RDONLY);
	out = open(WORK "/cfr.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || out < 0)
		return fail("open");
	n = copy_file_range(in, NULL, out, NULL, sizeof(data), 0);
	if (n != (ssize_t)sizeof(data))
		return fail("copy_file_range moved %zd bytes", n);
	close(in);
	close(out);
	return ok();
}

/* Submits one prepared request and waits for its completion. */
static int uring_run(struct io_uring *ring, const char *what)
{
	struct io_uring_cqe *cqe;
	int res;

	if (io_uring_submit(ring) != 1 || io_uring_wait_cqe(ring, &cqe))
		return fail("io_uring %s: submit", what);
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	if (res < 0) {
		errno = -res;
		return fail("io_uring %s", what);
	}
	return res;
}

/* Submits one prepared request that must fail with "err". */
static int uring_expect_error(struct io_uring *ring, int err)
{
	struct io_uring_cqe *cqe;
	int res;

	if (io_uring_submit(ring) != 1 || io_uring_wait_cqe(ring, &cqe))
		return -1;
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return res == err ? 0 : -1;
}

static struct io_uring_sqe *uring_sqe(struct io_uring *ring)
{
	return io_uring_get_sqe(ring);
}

/* The file operations of io_uring: OPENAT, READ and WRITE, none of them
 * a system call of its own. */
static int uring_files(struct io_uring *ring)
{
	char data[PAYLOAD], back[PAYLOAD], out[PAYLOAD];
	int fd, wfd;

	marker(data, sizeof(data), "URING-READ");
	marker(out, sizeof(out), "URING-WRITE");
	if (write_file(WORK "/uring-in.dat", data, sizeof(data)))
		return -1;
	io_uring_prep_openat(uring_sqe(ring), AT_FDCWD, WORK "/uring.txt",
			     O_RDONLY, 0);
	/* uring.txt is a hard link: only io_uring ever opens that name */
	if (link(WORK "/uring-in.dat", WORK "/uring.txt"))
		return fail("link");
	fd = uring_run(ring, "openat");
	if (fd < 0)
		return -1;
	io_uring_prep_read(uring_sqe(ring), fd, back, sizeof(back), 0);
	if (uring_run(ring, "read") != (int)sizeof(back) ||
	    same(back, data, sizeof(data), "io_uring read"))
		return -1;
	io_uring_prep_openat(uring_sqe(ring), AT_FDCWD, WORK "/uring.out",
			     O_WRONLY | O_CREAT | O_TRUNC, 0644);
	wfd = uring_run(ring, "openat");
	if (wfd < 0)
		return -1;
	io_uring_prep_write(uring_sqe(ring), wfd, out, sizeof(out), 0);
	if (uring_run(ring, "write") != (int)sizeof(out))
		return -1;
	io_uring_prep_openat(uring_sqe(ring), AT_FDCWD, WORK "/absent/uring-missing",
			     O_RDONLY, 0);
	if (uring_expect_error(ring, -ENOENT))
		return fail("io_uring's open of a missing file did not fail with ENOENT");
	close(fd);
	close(wfd);
	return 0;
}

/* The socket operations of io_uring: ACCEPT, CONNECT, SEND and RECV. */
static int uring_sockets(struct io_uring *ring)
{
	char data[PAYLOAD], back[PAYLOAD];
	struct sockaddr_in a = loopback4(41004);
	struct io_uring_cqe *cqe;
	int lst, c, srv = -1, connected = 0, i;

	marker(data, sizeof(data), "URING-SEND");
	lst = listener4(41004);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (lst < 0 || c < 0)
		return fail("sockets");
	/* the accept waits in the ring until the connect completes it */
	io_uring_prep_accept(uring_sqe(ring), lst, NULL, NULL, 0);
	io_uring_prep_connect(uring_sqe(ring), c, (struct sockaddr *)&a, sizeof(a));
	io_uring_submit(ring);
	for (i = 0; i < 2; i++) {
		if (io_uring_wait_cqe(ring, &cqe))
			return fail("io_uring accept/connect: wait");
		if (cqe->res < 0) {
			errno = -cqe->res;
			return fail("io_uring accept/connect");
		}
		if (cqe->res > 0)
			srv = cqe->res;
		else
			connected = 1;
		io_uring_cqe_seen(ring, cqe);
	}
	if (srv < 0 || !connected)
		return fail("io_uring accept/connect: no connection");
	io_uring_prep_send(uring_sqe(ring), c, data, sizeof(data), 0);
	if (uring_run(ring, "send") != (int)sizeof(data))
		return -1;
	io_uring_prep_recv(uring_sqe(ring), srv, back, sizeof(back), MSG_WAITALL);
	if (uring_run(ring, "recv") != (int)sizeof(back) ||
	    same(back, data, sizeof(data), "io_uring recv"))
		return -1;
	close(srv);
	close(c);
	close(lst);
	return 0;
}

static int act_io_uring(void)
{
	struct io_uring ring;
	int rc;

	if (io_uring_queue_init(8, &ring, 0))
		return fail("io_uring_queue_init");
	rc = uring_files(&ring);
	if (!rc)
		rc = uring_sockets(&ring);
	io_uring_queue_exit(&ring);
	return rc ? rc : ok();
}

/* A UDP service: bind, recvfrom of a datagram sent with sendto, and a
 * burst through sendmmsg and recvmmsg. */
static int act_udp(void)
{
	struct sockaddr_in a = loopback4(41005), from;
	socklen_t fromlen = sizeof(from);
	char one[64], two[64], got[3][64];
	struct mmsghdr msgs[2], in[2];
	struct iovec iov[2], iin[2];
	int srv, c;
	ssize_t n;

	srv = socket(AF_INET, SOCK_DGRAM, 0);
	c = socket(AF_INET, SOCK_DGRAM, 0);
	if (srv < 0 || c < 0 || bind(srv, (struct sockaddr *)&a, sizeof(a)))
		return fail("bind 127.0.0.1:41005");
	if (sendto(c, "KIT-UDP-DATAGRAM", 16, 0, (struct sockaddr *)&a, sizeof(a)) != 16)
		return fail("sendto");
	n = recvfrom(srv, got[0], sizeof(got[0]), 0, (struct sockaddr *)&from, &fromlen);
	if (n != 16 || memcmp(got[0], "KIT-UDP-DATAGRAM", 16))
		return fail("recvfrom got %zd bytes", n);
	snprintf(one, sizeof(one), "KIT-MMSG-ONE");
	snprintf(two, sizeof(two), "KIT-MMSG-TWO");
	memset(msgs, 0, sizeof(msgs));
	iov[0] = (struct iovec){ one, strlen(one) };
	iov[1] = (struct iovec){ two, strlen(two) };
	for (int i = 0; i < 2; i++) {
		msgs[i].msg_hdr.msg_name = &a;
		msgs[i].msg_hdr.msg_namelen = sizeof(a);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	if (sendmmsg(c, msgs, 2, 0) != 2)
		return fail("sendmmsg");
	memset(in, 0, sizeof(in));
	for (int i = 0; i < 2; i++) {
		iin[i] = (struct iovec){ got[i + 1], sizeof(got[i + 1]) };
		in[i].msg_hdr.msg_iov = &iin[i];
		in[i].msg_hdr.msg_iovlen = 1;
	}
	if (recvmmsg(srv, in, 2, MSG_WAITFORONE, NULL) < 1)
		return fail("recvmmsg");
	close(srv);
	close(c);
	return ok();
}

/* TCP payloads through send(2) and recv(2). */
static int act_tcp(void)
{
	char data[PAYLOAD], back[PAYLOAD];
	int lst, c, srv;

	marker(data, sizeof(data), "TCP-SEND");
	lst = listener4(41006);
	if (lst < 0 || (c = connect4(41006)) < 0)
		return -1;
	srv = accept(lst, NULL, NULL);
	if (srv < 0 || send(c, data, sizeof(data), 0) != (ssize_t)sizeof(data))
		return fail("accept or send");
	if (recv_all(srv, back, sizeof(back)) || same(back, data, sizeof(data), "tcp"))
		return -1;
	close(srv);
	close(c);
	close(lst);
	return ok();
}

/* A TCP listener on "addr" (an IPv6 address) and a connection to
 * "peer" (IPv6, or IPv4 for a dual-stack listener). */
static int six_pair(const char *addr, int v6only, const char *peer, int port,
		    int *srv_out, int *c_out)
{
	struct sockaddr_in6 l = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int lst = socket(AF_INET6, SOCK_STREAM, 0), one = 1, c;

	inet_pton(AF_INET6, addr, &l.sin6_addr);
	if (lst < 0 || setsockopt(lst, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) ||
	    setsockopt(lst, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lst, (struct sockaddr *)&l, sizeof(l)) || listen(lst, 4))
		return fail("listen on [%s]:%d", addr, port);
	if (strchr(peer, ':')) {
		struct sockaddr_in6 p = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

		inet_pton(AF_INET6, peer, &p.sin6_addr);
		c = socket(AF_INET6, SOCK_STREAM, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&p, sizeof(p)))
			return fail("connect to [%s]:%d", peer, port);
	} else {
		c = connect4(port);
		if (c < 0)
			return -1;
	}
	*srv_out = accept(lst, NULL, NULL);
	if (*srv_out < 0)
		return fail("accept on [%s]:%d", addr, port);
	*c_out = c;
	close(lst);
	return 0;
}

static int act_ipv6(void)
{
	int srv, c;

	if (six_pair("::1", 1, "::1", 41007, &srv, &c))
		return -1;
	if (send(c, "KIT-IPV6-HELLO", 14, 0) != 14)
		return fail("send");
	close(srv);
	close(c);
	return ok();
}

/* An IPv4 client of a dual-stack listener: the accepted peer is
 * ::ffff:127.0.0.1, which the Sebek stream must show as IPv4. */
static int act_v4mapped(void)
{
	int srv, c;

	if (six_pair("::", 0, "127.0.0.1", 41008, &srv, &c))
		return -1;
	if (send(srv, "KIT-V4MAPPED-HELLO", 18, 0) != 18)
		return fail("send");
	close(srv);
	close(c);
	return ok();
}

/* socketpair(2): a channel between processes, and a message over it. */
static int act_socketpair(void)
{
	char got[32] = "";
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return fail("socketpair");
	if (send(sv[0], "KIT-SOCKETPAIR", 14, 0) != 14 ||
	    recv(sv[1], got, sizeof(got), 0) != 14)
		return fail("send over the pair");
	printf("KIT socketpair fds=%d,%d\n", sv[0], sv[1]);
	close(sv[0]);
	close(sv[1]);
	return ok();
}

/* The same file and socket under a second, higher descriptor (as 2>&1 or
 * a dropper's dup2 make them): records name the descriptor the call was
 * given, not the lowest one of the file. */
#define DUP_FILE_FD 77
#define DUP_SOCK_FD 78

static int act_dupfd(void)
{
	char data[PAYLOAD], got[32] = "";
	int fd, sv[2];

	marker(data, sizeof(data), "DUPFD");
	fd = open(WORK "/dupfd.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, DUP_FILE_FD) != DUP_FILE_FD)
		return fail("open or dup2 of a file");
	if (write(DUP_FILE_FD, data, sizeof(data)) != (ssize_t)sizeof(data))
		return fail("write on the second descriptor");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
	    dup2(sv[0], DUP_SOCK_FD) != DUP_SOCK_FD)
		return fail("socketpair or dup2 of a socket");
	if (send(DUP_SOCK_FD, "KIT-DUPFD-SEND", 14, 0) != 14 ||
	    recv(sv[1], got, sizeof(got), 0) != 14)
		return fail("send on the second descriptor");
	printf("KIT dupfd first=%d,%d\n", fd, sv[0]);
	close(DUP_FILE_FD);
	close(DUP_SOCK_FD);
	close(fd);
	close(sv[0]);
	close(sv[1]);
	return ok();
}

/* Probes: an open of a missing file and a connect to a closed port. */
static int act_failed(void)
{
	struct sockaddr_in a = loopback4(41009);
	int s;

	if (open(WORK "/absent/kit-missing", O_RDONLY) >= 0 || errno != ENOENT)
		return fail("the open of a missing file did not fail with ENOENT");
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return fail("socket");
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != ECONNREFUSED)
		return fail("the connect to a closed port was not refused");
	close(s);
	return ok();
}

/* A setuid-root copy of the kit, run by uid 1000: the open it makes
 * has uid 1000 and euid 0. */
static int act_setuid(const char *self)
{
	pid_t pid;
	int st;

	char cmd[256];

	snprintf(cmd, sizeof(cmd), "cp %s " WORK "/suid", self);
	if (system(cmd))
		return fail("cannot copy %s", self);
	if (chown(WORK "/suid", 0, 0) || chmod(WORK "/suid", 04755))
		return fail("chmod 4755");
	pid = fork();
	if (pid == 0) {
		if (setgid(1000) || setuid(1000))
			_exit(3);
		execl(WORK "/suid", "suid", "suid-open", (char *)NULL);
		_exit(4);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return fail("the setuid helper failed (status %d)", st);
	return ok();
}

/* In the setuid copy: uid 1000, euid 0. */
static int suid_open(void)
{
	int fd;

	prctl(PR_SET_NAME, "kit-suid");
	if (getuid() != 1000 || geteuid() != 0)
		return 2;
	fd = open(WORK "/suid-marker", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 1;
	close(fd);
	return 0;
}

/* An exec whose arguments exceed the lab kernel's capture cap (5.5
 * MiB): 45 arguments of 128 KiB less one byte, about 5.6 MiB, under a
 * stack limit that admits them (exec takes at most 6 MiB). */
static int act_long_argv(void)
{
	enum { NARGS = 45, ARGLEN = 128 * 1024 - 1 };
	struct rlimit rl = { 64 << 20, 64 << 20 };
	char *argv[NARGS + 2];
	pid_t pid;
	int st;

	argv[0] = "true";
	for (int i = 1; i <= NARGS; i++) {
		argv[i] = malloc(ARGLEN + 1);
		if (!argv[i])
			return fail("malloc");
		marker(argv[i], ARGLEN + 1, "LONG-ARGV");
		argv[i][ARGLEN] = 0;
	}
	argv[NARGS + 1] = NULL;
	pid = fork();
	if (pid == 0) {
		char *envp[] = { NULL };

		if (setrlimit(RLIMIT_STACK, &rl))
			_exit(5);
		execve("/bin/true", argv, envp);
		_exit(6);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return fail("the long exec failed (status %d)", st);
	for (int i = 1; i <= NARGS; i++)
		free(argv[i]);
	return ok();
}

/* A Linux AIO read (io_submit), which has no read system call. */
static int act_aio(void)
{
	char data[PAYLOAD], back[PAYLOAD];
	struct iocb cb = { 0 }, *cbs[1] = { &cb };
	struct io_event ev;
	aio_context_t ctx = 0;
	int fd;

	marker(data, sizeof(data), "AIO-READ");
	if (write_file(WORK "/aio.txt", data, sizeof(data)))
		return -1;
	fd = open(WORK "/aio.txt", O_RDONLY);
	if (fd < 0 || syscall(SYS_io_setup, 4, &ctx))
		return fail("io_setup");
	cb.aio_fildes = fd;
	cb.aio_lio_opcode = IOCB_CMD_PREAD;
	cb.aio_buf = (unsigned long)back;
	cb.aio_nbytes = sizeof(back);
	if (syscall(SYS_io_submit, ctx, 1, cbs) != 1 ||
	    syscall(SYS_io_getevents, ctx, 1, 1, &ev, NULL) != 1)
		return fail("io_submit");
	if (ev.res != (long long)sizeof(back) || same(back, data, sizeof(data), "aio"))
		return fail("aio read returned %lld", (long long)ev.res);
	syscall(SYS_io_destroy, ctx);
	close(fd);
	return ok();
}

/* Opens that are no open(2): memfd_create and open_by_handle_at. */
static int act_other_opens(void)
{
	struct file_handle *fh = malloc(sizeof(*fh) + MAX_HANDLE_SZ);
	int mfd, mount_id, dir, fd;

	mfd = memfd_create("kit-memfd", 0);
	if (mfd < 0)
		return fail("memfd_create");
	close(mfd);
	if (write_file(WORK "/handle.txt", "KIT-HANDLE", 10) || !fh)
		return -1;
	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, WORK "/handle.txt", fh, &mount_id, 0))
		return fail("name_to_handle_at");
	dir = open(WORK, O_RDONLY | O_DIRECTORY); /* on the handle's mount */
	fd = open_by_handle_at(dir, fh, O_RDONLY);
	if (fd < 0)
		return fail("open_by_handle_at");
	close(fd);
	close(dir);
	free(fh);
	return ok();
}

/* process_vm_readv of a child's memory. */
static int act_process_vm(void)
{
	static char secret[32] = "KIT-PROCVM-SECRET";
	char got[32] = "";
	struct iovec local = { got, sizeof(got) }, remote = { secret, sizeof(secret) };
	int p[2];
	pid_t pid;

	if (pipe(p))
		return fail("pipe");
	pid = fork();
	if (pid == 0) {
		char c;

		close(p[1]);
		(void)!read(p[0], &c, 1); /* until the parent has read */
		_exit(0);
	}
	close(p[0]);
	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) != sizeof(got) ||
	    strcmp(got, secret))
		fail("process_vm_readv of pid %d", pid);
	close(p[1]);
	waitpid(pid, NULL, 0);
	printf("KIT process_vm target=%d\n", pid);
	return ok();
}

/* A write whose buffer a sibling thread rewrites while the write is in
 * the kernel: the pipe is full after its first 64 KiB, so the writer
 * blocks there; the sibling waits for that, overwrites the whole buffer
 * with 'Z' and only then drains the pipe. Whatever the pipe delivered,
 * the record must hold the bytes the write was given. */
#define REWRITE_LEN (256 * 1024)

struct rewrite {
	int pipe[2];
	char *buf;
	char *got;
	int err;
};

static void *rewrite_sibling(void *arg)
{
	struct rewrite *rw = arg;
	size_t done = 0;
	int queued = 0;

	for (int i = 0; i < 5000 && queued < 65536; i++) {
		if (ioctl(rw->pipe[0], FIONREAD, &queued))
			break;
		usleep(1000);
	}
	if (queued < 65536) {
		rw->err = 1; /* the writer never filled the pipe */
		return NULL;
	}
	memset(rw->buf, 'Z', REWRITE_LEN);
	while (done < REWRITE_LEN) {
		ssize_t r = read(rw->pipe[0], rw->got + done, REWRITE_LEN - done);

		if (r <= 0)
			break;
		done += (size_t)r;
	}
	rw->err = done == REWRITE_LEN ? 0 : 2;
	return NULL;
}

static int act_rewrite(void)
{
	struct rewrite rw = { .buf = malloc(REWRITE_LEN), .got = malloc(REWRITE_LEN) };
	size_t rewritten = 0;
	pthread_t t;
	ssize_t n;

	if (!rw.buf || !rw.got || pipe(rw.pipe))
		return fail("pipe");
	/* one pipe size, whatever the system's default */
	if (fcntl(rw.pipe[1], F_SETPIPE_SZ, 65536) != 65536)
		return fail("F_SETPIPE_SZ");
	marker(rw.buf, REWRITE_LEN, "REWRITE");
	if (pthread_create(&t, NULL, rewrite_sibling, &rw))
		return fail("pthread_create");
	n = write(rw.pipe[1], rw.buf, REWRITE_LEN);
	pthread_join(t, NULL);
	if (n != REWRITE_LEN || rw.err)
		return fail("write %zd, sibling %d", n, rw.err);
	for (size_t i = 0; i < REWRITE_LEN; i++)
		rewritten += rw.got[i] == 'Z';
	printf("KIT rewrite received-rewritten=%zu\n", rewritten);
	close(rw.pipe[0]);
	close(rw.pipe[1]);
	free(rw.buf);
	free(rw.got);
	return ok();
}

/*
 * SMP: one writer pinned to each online CPU, all released together, each
 * writing SMP_WRITES numbered records of SMP_LEN bytes to a file of its
 * own, so the producer sees concurrent records from every vCPU.
 */
#define SMP_WRITES 500
#define SMP_LEN 300
#define SMP_MAX_CPUS 64

struct smp_writer {
	int cpu;
	int moved;	/* seen elsewhere than its CPU at some write */
	int seen;	/* where it was then (-1: getcpu failed) */
	int err;
	pthread_barrier_t *start;
};

/* The record "KIT-SMP-<cpu>-<n>-" then a-z repeating, SMP_LEN bytes. */
static void smp_record(char *buf, int cpu, int n)
{
	int head = snprintf(buf, SMP_LEN, "KIT-SMP-%d-%05d-", cpu, n);

	for (int i = head; i < SMP_LEN; i++)
		buf[i] = 'a' + i % 26;
}

static int smp_cpu_now(void)
{
	unsigned int cpu;

	if (syscall(SYS_getcpu, &cpu, NULL, NULL))
		return -1;
	return (int)cpu;
}

static void *smp_write(void *arg)
{
	struct smp_writer *w = arg;
	char path[64], buf[SMP_LEN];
	cpu_set_t set;
	int fd, now;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set)) {
		w->err = 1;
		return NULL;
	}
	snprintf(path, sizeof(path), WORK "/smp-%d", w->cpu);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		w->err = 2;
		return NULL;
	}
	pthread_barrier_wait(w->start);
	for (int n = 0; n < SMP_WRITES; n++) {
		smp_record(buf, w->cpu, n);
		if (write(fd, buf, SMP_LEN) != SMP_LEN)
			w->err = 3;
		/* the system call, not the vDSO: on the tiny kernel under
		 * Xen PV the vDSO's getcpu answered another CPU */
		now = smp_cpu_now();
		if (now != w->cpu) {
			w->moved = 1;
			w->seen = now;
		}
	}
	close(fd);
	return NULL;
}

static int act_smp(void)
{
	struct smp_writer w[SMP_MAX_CPUS];
	pthread_t t[SMP_MAX_CPUS];
	pthread_barrier_t start;
	cpu_set_t online;
	int cpus[SMP_MAX_CPUS], n = 0;

	if (sched_getaffinity(0, sizeof(online), &online))
		return fail("sched_getaffinity");
	for (int c = 0; c < CPU_SETSIZE && n < SMP_MAX_CPUS; c++)
		if (CPU_ISSET(c, &online))
			cpus[n++] = c;
	printf("KIT smp cpus=%d\n", n);
	if (n < 2)
		return fail("only %d CPU online: nothing runs concurrently", n);
	pthread_barrier_init(&start, NULL, n);
	for (int i = 0; i < n; i++) {
		w[i] = (struct smp_writer){ .cpu = cpus[i], .start = &start };
		if (pthread_create(&t[i], NULL, smp_write, &w[i]))
			return fail("pthread_create");
	}
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);
	for (int i = 0; i < n; i++) {
		if (w[i].err)
			return fail("writer on CPU %d: error %d", w[i].cpu, w[i].err);
		if (w[i].moved) {
			errno = 0;
			return fail("writer of CPU %d ran on CPU %d", w[i].cpu,
				    w[i].seen);
		}
	}
	return ok();
}

struct kit_action {
	const char *name;
	int (*run)(void);
};

static const char *self_path;

static int act_setuid_self(void)
{
	return act_setuid(self_path);
}

static const struct kit_action actions[] = {
	{ "sendfile", act_sendfile },
	{ "splice", act_splice },
	{ "cfr", act_copy_file_range },
	{ "io_uring", act_io_uring },
	{ "udp", act_udp },
	{ "tcp", act_tcp },
	{ "ipv6", act_ipv6 },
	{ "v4mapped", act_v4mapped },
	{ "socketpair", act_socketpair },
	{ "failed", act_failed },
	{ "setuid", act_setuid_self },
	{ "long_argv", act_long_argv },
	{ "aio", act_aio },
	{ "opens", act_other_opens },
	{ "process_vm", act_process_vm },
	{ "rewrite", act_rewrite },
	{ "dupfd", act_dupfd },
	{ "smp", act_smp },
};

static void run_one(const struct kit_action *a)
{
	char comm[16];

	snprintf(comm, sizeof(comm), "kit-%s", a->name);
	prctl(PR_SET_NAME, comm);
	action = a->name;
	a->run();
}

int main(int argc, char **argv)
{
	const char *which = argc > 1 ? argv[1] : "all";
	int found = 0;

	if (!strcmp(which, "suid-open"))
		return suid_open();
	self_path = realpath("/proc/self/exe", NULL);
	if (!self_path) {
		perror("intruder-kit: /proc/self/exe");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	mkdir(WORK, 0755);
	printf("KIT pid=%d\n", getpid());
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(which, "all") && strcmp(which, actions[i].name))
			continue;
		found = 1;
		run_one(&actions[i]);
	}
	if (!found) {
		fprintf(stderr, "intruder-kit: unknown action %s\n", which);
		return 2;
	}
	printf("KIT done failures=%d\n", failures);
	return failures ? 1 : 0;
}
