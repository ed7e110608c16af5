/*
 * benchtool: the lab benchmark's terminal- and socket-heavy workloads, run
 * in the honeypot DomU (static binary, built by scripts/xen-lab).
 *
 *   benchtool pty BYTES   a pty session: BYTES of typed input, in lines of
 *                         64 bytes, into a shell-like reader on the slave
 *                         (cat in canonical mode, echo on), its output read
 *                         back from the master
 *   benchtool tcp BYTES   loopback TCP echo: BYTES sent in 64 KiB writes,
 *                         echoed by a second process, read back
 *   benchtool time CMD... runs CMD and prints "seconds=W cpu=C" on
 *                         stderr: wall time on the guest's monotonic
 *                         clock, and the user+system CPU time of CMD and
 *                         the children it waited for
 *
 * pty and tcp exit 0 when every byte made the round trip; time exits with
 * CMD's status. CPU time is what a workload's own system calls cost,
 * hooks included; the rest of its wall time is waiting (for ring room
 * while Dom0 drains, for a CPU Dom0 shares).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "benchtool: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void stalled(const char *what, long long sent, long long back)
{
	fprintf(stderr, "benchtool: %s stalled: %lld bytes sent, %lld back\n",
		what, sent, back);
	exit(1);
}

/* Everything in buf, or die. */
static void write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write");
		buf += w;
		n -= (size_t)w;
	}
}

/* The typed input goes in while the echo and cat's output come out: the
 * master is polled both ways so neither side blocks the other. */
static int pty_session(long long bytes)
{
	char line[64], buf[65536];
	long long sent = 0, back = 0;
	/* non-blocking: a full input queue must not stop us reading output */
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
	pid_t child;

	if (master < 0 || grantpt(master) || unlockpt(master))
		die("posix_openpt");
	memset(line, 'k', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		int slave;

		setsid();
		slave = open(ptsname(master), O_RDWR);
		if (slave < 0)
			die("open slave");
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		execl("/bin/cat", "cat", (char *)NULL);
		die("exec cat");
	}
	/* echo and cat's copy: every typed byte comes back twice */
	while (back < 2 * bytes) {
		struct pollfd p = { .fd = master, .events = POLLIN };

		if (sent < bytes)
			p.events |= POLLOUT;
		if (poll(&p, 1, 10000) <= 0)
			stalled("session", sent, back);
		if (p.revents & POLLIN) {
			ssize_t r = read(master, buf, sizeof(buf));

			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r <= 0)
				die("read master");
			/* the line discipline turns each \n into \r\n */
			for (ssize_t i = 0; i < r; i++)
				back += buf[i] != '\r';
		}
		if ((p.revents & POLLOUT) && sent < bytes) {
			size_t at = (size_t)(sent % (long long)sizeof(line));
			ssize_t w = write(master, line + at, sizeof(line) - at);

			if (w < 0 && errno != EAGAIN && errno != EINTR)
				die("write master");
			if (w > 0)
				sent += w;
		}
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}

static int tcp_echo(long long bytes)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	static char buf[65536];
	long long sent = 0, back = 0;
	int lst = socket(AF_INET, SOCK_STREAM, 0), c;
	pid_t echo;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lst < 0 || bind(lst, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(lst, 1) || getsockname(lst, (struct sockaddr *)&a, &alen))
		die("listen");
	echo = fork();
	if (echo < 0)
		die("fork");
	if (echo == 0) {
		int s = accept(lst, NULL, NULL);
		ssize_t r;

		if (s < 0)
			die("accept");
		while ((r = read(s, buf, sizeof(buf))) > 0)
			write_all(s, buf, (size_t)r);
		_exit(0);
	}
	close(lst);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
		die("connect");
	memset(buf, 'x', sizeof(buf));
	while (back < bytes) {
		struct pollfd p = { .fd = c, .events = POLLIN };
		char in[65536];

		if (sent < bytes)
			p.events |= POLLOUT;
		if (poll(&p, 1, 10000) <= 0)
			stalled("echo", sent, back);
		if (p.revents & POLLIN) {
			ssize_t r = read(c, in, sizeof(in));

			if (r <= 0)
				die("read echo");
			back += r;
		}
		if ((p.revents & POLLOUT) && sent < bytes) {
			size_t n = bytes - sent < (long long)sizeof(buf) ?
				   (size_t)(bytes - sent) : sizeof(buf);
			ssize_t w = write(c, buf, n);

			if (w < 0 && errno != EAGAIN && errno != EINTR)
				die("write");
			if (w > 0)
				sent += w;
		}
	}
	close(c);
	waitpid(echo, NULL, 0);
	return 0;
}

static double seconds_of(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int time_command(char **cmd)
{
	double start = now_seconds();
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execvp(cmd[0], cmd);
		die(cmd[0]);
	}
	if (wait4(pid, &status, 0, &ru) != pid)
		die("wait4");
	fprintf(stderr, "seconds=%.3f cpu=%.3f\n", now_seconds() - start,
		seconds_of(ru.ru_utime) + seconds_of(ru.ru_stime));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	long long bytes;

	if (argc >= 3 && !strcmp(argv[1], "time"))
		return time_command(argv + 2);
	if (argc != 3 || (bytes = atoll(argv[2])) <= 0) {
		fprintf(stderr, "usage: benchtool pty|tcp BYTES, or benchtool time CMD...\n");
		return 2;
	}
	if (!strcmp(argv[1], "pty"))
		return pty_session(bytes);
	if (!strcmp(argv[1], "tcp"))
		return tcp_echo(bytes);
	fprintf(stderr, "benchtool: unknown workload %s (pty or tcp)\n", argv[1]);
	return 2;
}
