/*
 * syscall-filter: runs a program under the system call filter of a systemd
 * unit, so that the lab's Dom0, which has no systemd, proves that the
 * filter of xebekd.service lets xebekd do its work with real Xen.
 *
 *   syscall-filter [--no-sockets] ALLOWED_FILE -- PROGRAM [ARG]...
 *
 * ALLOWED_FILE lists the allowed system call names, one per line (the
 * unit's SystemCallFilter= expanded by scripts/xen-lab with
 * systemd-analyze). Any other call fails with EPERM, as with the unit's
 * SystemCallErrorNumber=EPERM. --no-sockets makes socket(2) fail with
 * EAFNOSUPPORT whatever the family, as RestrictAddressFamilies=none does.
 * The caller sets no_new_privs first (setpriv --no-new-privs).
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "syscall-filter: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	exit(126);
}

static void allow_listed(scmp_filter_ctx ctx, const char *path, int no_sockets)
{
	char name[128];
	FILE *f = fopen(path, "r");

	if (!f)
		die("cannot read", path);
	while (fscanf(f, "%127s", name) == 1) {
		int nr = seccomp_syscall_resolve_name(name);

		/* Names of other architectures' calls are not calls here. */
		if (nr == __NR_SCMP_ERROR)
			continue;
		if (no_sockets && strcmp(name, "socket") == 0)
			continue;
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) < 0)
			die("cannot allow", name);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	int no_sockets = 0, i = 1;
	scmp_filter_ctx ctx;

	if (i < argc && strcmp(argv[i], "--no-sockets") == 0) {
		no_sockets = 1;
		i++;
	}
	if (argc - i < 3 || strcmp(argv[i + 1], "--") != 0)
		die("usage: syscall-filter [--no-sockets] ALLOWED_FILE -- PROGRAM [ARG]...", NULL);
	ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx)
		die("seccomp_init failed", NULL);
	allow_listed(ctx, argv[i], no_sockets);
	if (no_sockets &&
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 0) < 0)
		die("cannot restrict socket()", NULL);
	if (seccomp_load(ctx) < 0)
		die("seccomp_load failed (no_new_privs not set?)", NULL);
	seccomp_release(ctx);
	execv(argv[i + 2], argv + i + 2);
	die("cannot execute", argv[i + 2]);
	return 126;
}
