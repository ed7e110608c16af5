// SPDX-License-Identifier: GPL-2.0-only
/*
 * Xebek capture: turns hook calls into ring records with Sebek's
 * semantics (see include/linux/xebek.h for the call sites).
 *
 * Terminals: every read of a terminal (tty or pty slave) and every write
 * to one is gathered by the tty core from its own kernel buffers and
 * recorded once per syscall, whatever its size, with XEBEK_RF_TTY. A pty
 * master is the other end (sshd, script) and is left out, as tty
 * auditing does: its reads are the slave's output and its writes the
 * slave's input, both recorded on the slave. The read and write syscall
 * sites skip terminals, so nothing is recorded twice.
 *
 * Socket payloads are taken where every send and receive meets
 * (sock_sendmsg_nosec, sock_recvmsg_nosec: send, recv, the mmsg family,
 * read and write on a socket, io_uring): the bytes pass through a kernel
 * buffer of Xebek's, so the record holds exactly what the protocol sent
 * or delivered. Sends with "writes", receives with "reads", and a 1-byte
 * receive is a keystroke (a reverse shell).
 *
 * File reads and writes are taken around the file's read_iter and
 * write_iter (read, write, their p and v forms, AIO, io_uring) and the
 * same way: the file reads from or fills Xebek's buffer, and the caller's
 * buffer gets a copy. Files without read_iter are taken after their
 * ->read or ->write, from the caller's buffer; so are payloads larger than
 * the cap, O_DIRECT, and asynchronous requests to filesystems that may
 * still use the buffer after they return.
 *
 * Other reads: the "keystrokes" mode takes 1-byte reads of pipes and
 * sockets (a reverse shell's keys), "sebek-keystrokes" Sebek's own rule
 * (every 1-byte read) and "reads" everything. Writes, opens (absolute path
 * of the opened file; the path as asked for when the open failed),
 * sockets (Sebek's socketcall numbers), fork markers and execs follow
 * their mode bits.
 *
 * A payload larger than one record is split into pieces (XEBEK_RF_PIECE,
 * one group, offsets) up to a cap per syscall; past it the record says
 * XEBEK_RF_TRUNCATED and how many bytes were left out.
 *
 * The fields of a record are gathered before it is reserved; the payload
 * is copied into the ring after the reservation, with no lock held and
 * preemption off, so writers on several vCPUs copy at once. User memory
 * is read with copy_from_user_nofault() there (a fault drops the record
 * and counts it).
 */
#include <linux/binfmts.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kdev_t.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/net.h>
#include <linux/percpu.h>
#include <linux/pipe_fs_i.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/shmem_fs.h>
#include <linux/magic.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/timekeeping.h>
#include <linux/tty.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/xebek.h>
#include <net/inet_sock.h>
#include <net/sock.h>
#include <asm/syscall.h>
#include "xebek.h"

/* Scratch for a path; preemption is off while in use. */
static DEFINE_PER_CPU(char[PATH_MAX], pvbuf_scratch);

/* Bytes of payload recorded per syscall at most. */
static size_t pvbuf_cap(void)
{
	return (size_t)CONFIG_XEBEK_PAYLOAD_CAP_KB * 1024;
}

static u32 pvbuf_ctl_now(void)
{
	return READ_ONCE(pvbuf_ctl);
}

static bool pvbuf_wants(unsigned int type)
{
	return xebek_control_wants(pvbuf_ctl_now(), type, 0);
}

static unsigned int pvbuf_src_of(struct file *file)
{
	umode_t mode = file_inode(file)->i_mode;

	if (pvbuf_tty_file(file))
		return XEBEK_SRC_TTY;
	if (S_ISFIFO(mode) || S_ISSOCK(mode))
		return XEBEK_SRC_PIPE;
	return XEBEK_SRC_FILE;
}

static u32 pvbuf_ctty(void)
{
	struct tty_struct *tty = get_current_tty();
	u32 dev = 0;

	if (tty) {
		dev = new_encode_dev(tty_devnum(tty));
		tty_kref_put(tty);
	}
	return dev;
}

/*
 * The descriptor of "file" in the current task, for sites that see only
 * the file (read_iter, the tty layer, sendmsg). A read, write, send or
 * receive gets it as its first argument (sendfile as its second): the
 * syscall's saved registers hold it, and the fd table confirms it names
 * this file. Kernel threads and io_uring workers have no such syscall,
 * and an io_uring or AIO submission names its ring: for them, the lowest
 * descriptor that refers to the file, else -1.
 */
static int pvbuf_fd_of(struct file *file)
{
	struct files_struct *files = current->files;
	unsigned long args[6];
	struct fdtable *fdt;
	unsigned int i;
	int fd = -1;

	if (!files || !file)
		return -1;
	rcu_read_lock();
	if (in_task() && !(current->flags & (PF_KTHREAD | PF_IO_WORKER))) {
		syscall_get_arguments(current, task_pt_regs(current), args);
		for (i = 0; i < 2; i++) {
			if (args[i] <= INT_MAX &&
			    files_lookup_fd_rcu(files, args[i]) == file) {
				fd = args[i];
				goto out;
			}
		}
	}
	fdt = files_fdtable(files);
	for (i = 0; i < fdt->max_fds; i++) {
		if (rcu_access_pointer(fdt->fd[i]) == file) {
			fd = i;
			break;
		}
	}
out:
	rcu_read_unlock();
	return fd;
}

/* The header of a record about task "t" and, if given, "file". */
static void pvbuf_fill(struct xebek_rec *rec, unsigned int type,
		       struct task_struct *t, int fd, struct file *file,
		       long ret)
{
	const struct cred *cred;

	memset(rec, 0, sizeof(*rec));
	rec->type = type;
	rec->time_ns = ktime_get_real_ns();
	/* xen_time_ns is stamped when the record is reserved */
	rec->pid = t->pid;
	rec->tgid = t->tgid;
	rcu_read_lock();
	rec->ppid = task_tgid_nr(rcu_dereference(t->real_parent));
	rec->sid = pid_nr(task_session(t));
	cred = __task_cred(t);
	rec->uid = from_kuid_munged(&init_user_ns, cred->uid);
	rec->euid = from_kuid_munged(&init_user_ns, cred->euid);
	rec->fsuid = from_kuid_munged(&init_user_ns, cred->fsuid);
	rec->gid = from_kgid_munged(&init_user_ns, cred->gid);
	rec->egid = from_kgid_munged(&init_user_ns, cred->egid);
	rcu_read_unlock();
	rec->fd = fd;
	rec->ret = ret;
	rec->tty = pvbuf_ctty();
	if (file) {
		struct inode *inode = file_inode(file);

		rec->inode = inode->i_ino;
		rec->dev = new_encode_dev(inode->i_sb->s_dev);
		rec->open_flags = file->f_flags;
		rec->mode = inode->i_mode;
	}
	/* comm may change under us (prctl): take a snapshot, keep the NUL. */
	memcpy(rec->comm, t->comm, sizeof(rec->comm));
	rec->comm[sizeof(rec->comm) - 1] = 0;
}

/* Copies "n" payload bytes starting "off" bytes into the source. */
typedef int (*pvbuf_copy_fn)(void *dst, const void *src, size_t off,
			     size_t n);

static int pvbuf_copy_kernel(void *dst, const void *src, size_t off, size_t n)
{
	memcpy(dst, (const char *)src + off, n);
	return 0;
}

static int pvbuf_copy_user(void *dst, const void *src, size_t off, size_t n)
{
	const char __user *buf = (const char __user *)src;

	return copy_from_user_nofault(dst, buf + off, n) ? -EFAULT : 0;
}

/* src: an iov_iter as it was before the operation advanced it: user
 * memory (read or write syscalls, AIO) or kernel pages (io_uring's fixed
 * buffers, a pipe's pages spliced to a file).
 */
static int pvbuf_copy_iov(void *dst, const void *src, size_t off, size_t n)
{
	const struct iov_iter *iter = src;
	const struct iovec *iov = iter->iov;
	unsigned long nr = iter->nr_segs;
	size_t skip = iter->iov_offset + off, done = 0;
	struct iov_iter pages;

	if (iov_iter_is_bvec(iter) || iov_iter_is_kvec(iter)) {
		/* a copy to read from, whichever way the operation used it */
		pages = *iter;
		pages.data_source = true;
		iov_iter_advance(&pages, off);
		return copy_from_iter(dst, n, &pages) == n ? 0 : -EFAULT;
	}
	if (iter_is_ubuf(iter))
		return copy_from_user_nofault(dst, iter->ubuf + skip, n) ?
		       -EFAULT : 0;
	if (!iter_is_iovec(iter))
		return -EFAULT;
	for (; nr && skip >= iov->iov_len; nr--, iov++)
		skip -= iov->iov_len;
	for (; nr && done < n; nr--, iov++, skip = 0) {
		size_t k = min_t(size_t, iov->iov_len - skip, n - done);

		if (copy_from_user_nofault((char *)dst + done,
					   iov->iov_base + skip, k))
			return -EFAULT;
		done += k;
	}
	return done == n ? 0 : -EFAULT;
}

/* Where a splice_read put its bytes in a pipe (see xebek_splice_read()). */
struct pvbuf_pipe_span {
	struct pipe_inode_info *pipe;
	unsigned int head;	/* first buffer filled, or head - 1 appended */
	unsigned int skip;	/* bytes of buffer "head" that were there before */
};

static int pvbuf_copy_pipe(void *dst, const void *src, size_t off, size_t n)
{
	const struct pvbuf_pipe_span *span = src;
	struct pipe_inode_info *pipe = span->pipe;
	unsigned int mask = pipe->ring_size - 1, i = span->head;
	size_t skip = span->skip + off, done = 0;

	for (; i != pipe->head && done < n; i++, skip = 0) {
		struct pipe_buffer *buf = &pipe->bufs[i & mask];
		size_t k;

		if (skip >= buf->len) {
			skip -= buf->len;
			continue;
		}
		k = min_t(size_t, buf->len - skip, n - done);
		memcpy_from_page((char *)dst + done, buf->page,
				 buf->offset + skip, k);
		done += k;
	}
	return done == n ? 0 : -EFAULT;
}

/*
 * A payload too short to leave a loss record in its place if its copy
 * fails is gathered before the reservation: once a later reservation is
 * behind it, a record can no longer be given back.
 */
#define PVBUF_SHORT_PAYLOAD sizeof(struct xebek_loss)

static void pvbuf_put_one(struct xebek_rec *tmpl, size_t n, pvbuf_copy_fn copy,
			  const void *src, size_t off)
{
	u8 head[PVBUF_SHORT_PAYLOAD];
	struct xebek_rec *rec;
	bool short_copy = n && n < sizeof(head);

	if (short_copy && copy(head, src, off, n)) {
		pvbuf_drop(XEBEK_LOSS_FAULT);
		return;
	}
	rec = pvbuf_begin_from(tmpl, n);
	if (!rec)
		return;
	if (short_copy) {
		memcpy(xebek_rec_payload(rec), head, n);
	} else if (n && copy(xebek_rec_payload(rec), src, off, n)) {
		pvbuf_abort(rec, XEBEK_LOSS_FAULT);
		return;
	}
	if (tmpl->group == XEBEK_GROUP_NEW)
		tmpl->group = rec->seq;
	pvbuf_commit(rec);
}

/*
 * Queues a record of "total" payload bytes plus "missed" bytes the caller
 * could not gather: one record if it fits, else pieces; beyond the cap
 * the rest is counted in not_captured. Pieces and bulk records wait for
 * room while Dom0 drains the ring (a large payload is larger than the
 * ring), except where the caller must not sleep ("atomic").
 */
static void __pvbuf_emit(struct xebek_rec *tmpl, size_t total, size_t missed,
			 pvbuf_copy_fn copy, const void *src, bool atomic)
{
	size_t max = pvbuf_max_payload();
	size_t take = min(total, pvbuf_cap());
	bool wait = !atomic;
	size_t off, n;

	missed += total - take;
	if (missed) {
		tmpl->flags |= XEBEK_RF_TRUNCATED;
		tmpl->not_captured = missed;
	}
	if (take <= max) {
		/* A file's or a socket's payload waits for Dom0 to drain, as
		 * pieces do, rather than be lost to a ring that the bulk
		 * before it filled down to its headroom.
		 */
		if (wait && pvbuf_bulk(tmpl, take))
			pvbuf_wait_room(take, true);
		pvbuf_put_one(tmpl, take, copy, src, 0);
		return;
	}
	tmpl->flags |= XEBEK_RF_PIECE;
	tmpl->group = XEBEK_GROUP_NEW;
	for (off = 0; off < take; off += n) {
		n = min(max, take - off);
		tmpl->offset = off;
		if (off + n == take)
			tmpl->flags |= XEBEK_RF_LAST;
		/* once Dom0 stopped draining, the rest goes or drops at once */
		if (wait)
			wait = pvbuf_wait_room(n, pvbuf_bulk(tmpl, n));
		pvbuf_put_one(tmpl, n, copy, src, off);
	}
}

static void pvbuf_emit(struct xebek_rec *tmpl, size_t total, size_t missed,
		       pvbuf_copy_fn copy, const void *src)
{
	__pvbuf_emit(tmpl, total, missed, copy, src, false);
}

static void pvbuf_io(unsigned int type, int fd, struct file *file,
		     pvbuf_copy_fn copy, const void *src, ssize_t ret)
{
	struct xebek_rec tmpl;

	if (ret <= 0 || (current->flags & PF_KTHREAD))
		return;
	if (pvbuf_tty_file(file))
		return;		/* recorded by the tty core */
	if (S_ISSOCK(file_inode(file)->i_mode))
		return;		/* recorded by the socket layer */
	if (!xebek_control_wants_io(pvbuf_ctl_now(), type, pvbuf_src_of(file),
				    ret))
		return;
	if (fd < 0)
		fd = pvbuf_fd_of(file);
	pvbuf_fill(&tmpl, type, current, fd, file, ret);
	pvbuf_emit(&tmpl, ret, 0, copy, src);
}

/* In keystroke mode a read or receive may be a reverse shell's key:
 * buffers up to this size go through Xebek's copy, larger ones only with
 * "reads".
 */
#define XEBEK_KEYS_BOUNCE_MAX	16384

/* A buffer for the first "take" of "n" bytes in flight; sets io->on. */
static bool pvbuf_bounce_alloc(struct xebek_bounce *io, size_t n, size_t take,
			       gfp_t gfp)
{
	void *buf = kvmalloc(take, gfp | __GFP_NOWARN);

	if (!buf)
		return false;
	io->kv.iov_base = buf;
	io->kv.iov_len = take;
	io->missed = n - take;
	io->swapped = false;
	io->on = true;
	return true;
}

static void pvbuf_bounce_free(struct xebek_bounce *io)
{
	kvfree(io->kv.iov_base);
	io->kv.iov_base = NULL;
}

void __pvbuf_read(int fd, struct file *file, const char __user *buf,
		  ssize_t ret)
{
	if (!file->f_op->read)
		return;		/* vfs_read() took read_iter: see below */
	pvbuf_io(XEBEK_REC_READ, fd, file, pvbuf_copy_user,
		 (const void __force *)buf, ret);
}

void __pvbuf_write(int fd, struct file *file, const char __user *buf,
		   ssize_t ret)
{
	if (!file->f_op->write)
		return;		/* vfs_write() took write_iter: see below */
	pvbuf_io(XEBEK_REC_WRITE, fd, file, pvbuf_copy_user,
		 (const void __force *)buf, ret);
}

/* Terminals and sockets are recorded by their own layers. */
static bool pvbuf_elsewhere(struct file *file)
{
	return pvbuf_tty_file(file) || S_ISSOCK(file_inode(file)->i_mode);
}

/*
 * Whether the file takes Xebek's buffer as it takes the caller's and is
 * done with it when read_iter or write_iter returns, also for an
 * asynchronous request (AIO, io_uring): pipes (packet mode too), and the
 * page cache of block-device and memory filesystems. Anything else keeps
 * the caller's iterator: direct I/O pins the caller's pages, FUSE and
 * devices may insist on user memory, and a network filesystem in direct
 * mode may go on using the buffer after -EIOCBQUEUED.
 */
static bool pvbuf_file_takes_copy(struct kiocb *kiocb)
{
	struct file *file = kiocb->ki_filp;
	struct inode *inode = file_inode(file);
	struct super_block *sb = inode->i_sb;

	if (S_ISFIFO(inode->i_mode))
		return true;
	if (!S_ISREG(inode->i_mode) || (kiocb->ki_flags & IOCB_DIRECT) ||
	    sb->s_magic == FUSE_SUPER_MAGIC)
		return false;
	return (sb->s_type->fs_flags & FS_REQUIRES_DEV) ||
	       shmem_mapping(file->f_mapping);
}

/*
 * Points "iter" at a buffer of Xebek's holding, for a write, its bytes.
 * For a read the caller's buffer is faulted in first: a read that could
 * not deliver would otherwise have consumed bytes (a pipe's) that the
 * file itself would have left for the next read. GFP_KERNEL also under
 * IOCB_NOWAIT, which is about not waiting for I/O: a failure there would
 * let the caller choose the double fetch.
 */
static void pvbuf_file_swap(struct xebek_bounce *io, struct iov_iter *iter,
			    bool read)
{
	size_t n = iov_iter_count(iter);
	struct iov_iter copy = *iter;

	if (read && fault_in_iov_iter_writeable(iter, n))
		return;		/* the file faults as well */
	if (!pvbuf_bounce_alloc(io, n, n, GFP_KERNEL))
		return;
	if (!read && copy_from_iter(io->kv.iov_base, n, &copy) != n) {
		pvbuf_bounce_free(io);	/* the file faults as well */
		return;
	}
	iov_iter_kvec(iter, read ? ITER_DEST : ITER_SOURCE, &io->kv, 1, n);
	io->swapped = true;
}

/* The record kind of what an iterator moved. */
static unsigned int pvbuf_rw_type(const struct iov_iter *iter)
{
	return iov_iter_rw(iter) == READ ? XEBEK_REC_READ : XEBEK_REC_WRITE;
}

void __pvbuf_file_begin(struct xebek_bounce *io, struct kiocb *kiocb,
			struct iov_iter *iter)
{
	struct file *file = kiocb->ki_filp;
	unsigned int type = pvbuf_rw_type(iter);
	bool read = type == XEBEK_REC_READ;
	size_t n = iov_iter_count(iter);
	u32 ctl = pvbuf_ctl_now();
	unsigned int src;
	bool sure;

	if (!n || (current->flags & PF_KTHREAD) || pvbuf_elsewhere(file))
		return;
	if (!user_backed_iter(iter) && !iov_iter_is_bvec(iter) &&
	    !iov_iter_is_kvec(iter))
		return;
	/* whether the length may decide (Sebek's 1-byte rule) */
	src = pvbuf_src_of(file);
	sure = xebek_control_wants_io(ctl, type, src, 2);
	if (!sure && !(read && xebek_control_wants_io(ctl, type, src, 1)))
		return;
	io->user = *iter;
	io->kv.iov_base = NULL;
	io->swapped = false;
	io->on = true;
	/* kernel memory (a kvec) is nobody's to rewrite: no copy needed */
	if (iov_iter_is_kvec(iter) || n > pvbuf_cap() ||
	    (!sure && n > XEBEK_KEYS_BOUNCE_MAX) ||
	    !pvbuf_file_takes_copy(kiocb))
		return;
	pvbuf_file_swap(io, iter, read);
}

/* Gives the caller the bytes a swapped read got; after a fault part-way
 * the file position is after the bytes delivered, as the file leaves it.
 */
static ssize_t pvbuf_file_deliver(struct xebek_bounce *io,
				  struct kiocb *kiocb, struct iov_iter *iter,
				  ssize_t ret)
{
	size_t got = copy_to_iter(io->kv.iov_base, ret, iter);

	if (got == (size_t)ret)
		return ret;
	if (S_ISREG(file_inode(kiocb->ki_filp)->i_mode))
		kiocb->ki_pos -= ret - got;
	return got ? got : -EFAULT;
}

void __pvbuf_iter_done(struct file *file, const struct iov_iter *start,
		       ssize_t ret)
{
	pvbuf_io(pvbuf_rw_type(start), -1, file, pvbuf_copy_iov, start, ret);
}

ssize_t __pvbuf_file_end(struct xebek_bounce *io, struct kiocb *kiocb,
			 struct iov_iter *iter, ssize_t ret)
{
	struct file *file = kiocb->ki_filp;
	unsigned int type = pvbuf_rw_type(&io->user);

	/* never returned with our buffer: the file takes no async copy */
	if (unlikely(io->swapped && ret == -EIOCBQUEUED)) {
		*iter = io->user;
		io->on = false;
		return ret;	/* the buffer is left to the file: leaked */
	}
	if (!io->swapped) {
		__pvbuf_iter_done(file, &io->user, ret);
	} else {
		*iter = io->user;
		if (ret > 0 && type == XEBEK_REC_READ)
			ret = pvbuf_file_deliver(io, kiocb, iter, ret);
		else if (ret > 0)
			iov_iter_advance(iter, ret);
		pvbuf_io(type, -1, file, pvbuf_copy_kernel, io->kv.iov_base,
			 ret);
	}
	pvbuf_bounce_free(io);
	io->on = false;
	return ret;
}

void __pvbuf_splice_read(struct file *in, struct pipe_inode_info *pipe,
			 unsigned int head, unsigned int head_len, long ret)
{
	struct pvbuf_pipe_span span = { .pipe = pipe, .head = head };
	struct xebek_rec tmpl;
	unsigned int src;

	if (ret <= 0 || (current->flags & PF_KTHREAD) || pvbuf_tty_file(in))
		return;
	/* Sockets too: a splice from a socket bypasses its recvmsg. */
	src = pvbuf_src_of(in);
	if (!xebek_control_wants_io(pvbuf_ctl_now(), XEBEK_REC_READ, src, ret))
		return;
	if (head_len) {
		/* the file's first bytes were appended to the last buffer */
		span.head = head - 1;
		span.skip = head_len;
	}
	pvbuf_fill(&tmpl, XEBEK_REC_READ, current, pvbuf_fd_of(in), in, ret);
	pvbuf_emit(&tmpl, ret, 0, pvbuf_copy_pipe, &span);
}

static bool pvbuf_pty_master(struct tty_struct *tty)
{
	return tty->driver->type == TTY_DRIVER_TYPE_PTY &&
	       tty->driver->subtype == PTY_TYPE_MASTER;
}

void __pvbuf_tty_begin(struct xebek_tty_io *io, struct tty_struct *tty,
		       bool output)
{
	u32 ctl = pvbuf_ctl_now();
	u32 want = output ? XEBEK_CTL_WRITES | XEBEK_CTL_TTY_OUT :
		   XEBEK_CTL_READS | XEBEK_CTL_TTY_IN | XEBEK_CTL_KEYSTROKES |
		   XEBEK_CTL_SEBEK_KEYS;

	if (!(ctl & XEBEK_CTL_ENABLE) || !(ctl & want) || pvbuf_pty_master(tty))
		return;
	io->buf = NULL;
	io->len = 0;
	io->size = 0;
	io->missed = 0;
	io->on = true;
}

/* Called between the line discipline's chunks, where the caller may
 * sleep: the buffer grows by doubling up to the cap.
 */
void __pvbuf_tty_add(struct xebek_tty_io *io, const char *p, size_t n)
{
	size_t room, want;
	char *nbuf;

	if (io->len + n > io->size && io->size < pvbuf_cap()) {
		want = max3(io->len + n, io->size * 2, (size_t)256);
		want = min(want, pvbuf_cap());
		nbuf = krealloc(io->buf, want, GFP_KERNEL | __GFP_NOWARN);
		if (nbuf) {
			io->buf = nbuf;
			io->size = want;
		}
	}
	room = io->size - io->len;
	if (n > room) {
		io->missed += n - room;
		n = room;
	}
	memcpy(io->buf + io->len, p, n);
	io->len += n;
}

void __pvbuf_tty_end(struct xebek_tty_io *io, struct tty_struct *tty,
		     struct file *file, bool output, ssize_t ret)
{
	unsigned int type = output ? XEBEK_REC_WRITE : XEBEK_REC_READ;
	size_t moved = io->len + io->missed;
	struct xebek_rec tmpl;

	io->on = false;
	if (moved && xebek_control_wants_io(pvbuf_ctl_now(), type,
					    XEBEK_SRC_TTY, moved)) {
		pvbuf_fill(&tmpl, type, current, pvbuf_fd_of(file), file,
			   ret);
		tmpl.flags |= XEBEK_RF_TTY;
		tmpl.tty = new_encode_dev(tty_devnum(tty));
		pvbuf_emit(&tmpl, io->len, io->missed, pvbuf_copy_kernel,
			   io->buf);
	}
	kfree(io->buf);
	io->buf = NULL;
}

void __pvbuf_open(int fd, struct file *file, u64 flags, umode_t mode)
{
	struct xebek_rec tmpl;
	char *buf, *path;

	if (!pvbuf_wants(XEBEK_REC_OPEN))
		return;
	pvbuf_fill(&tmpl, XEBEK_REC_OPEN, current, fd, file, fd < 0 ? 0 : fd);
	tmpl.open_flags = flags;
	tmpl.mode = mode;
	buf = get_cpu_ptr(pvbuf_scratch);
	/* d_path() takes no sleeping lock; it fails on paths > PATH_MAX. */
	path = d_path(&file->f_path, buf, PATH_MAX);
	if (IS_ERR(path))
		__pvbuf_emit(&tmpl, 0, 0, pvbuf_copy_kernel, NULL, true);
	else
		__pvbuf_emit(&tmpl, strlen(path), 0, pvbuf_copy_kernel, path,
			     true);
	put_cpu_ptr(pvbuf_scratch);
}

void __pvbuf_open_failed(const char *name, u64 flags, umode_t mode,
			 long err)
{
	struct xebek_rec tmpl;

	if (!pvbuf_wants(XEBEK_REC_OPEN) ||
	    (pvbuf_ctl_now() & XEBEK_CTL_SUCCESS_ONLY))
		return;
	pvbuf_fill(&tmpl, XEBEK_REC_OPEN, current, -1, NULL, err);
	tmpl.flags |= XEBEK_RF_FAILED;
	tmpl.open_flags = flags;
	tmpl.mode = mode;
	pvbuf_emit(&tmpl, strnlen(name, PATH_MAX), 0, pvbuf_copy_kernel, name);
}

static void pvbuf_copy_addr(struct xebek_sock *s, u8 *addr, __be16 *port,
			    const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET && s->family == XEBEK_AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		memcpy(addr, &in->sin_addr, 4);
		*port = in->sin_port;
	} else if (ss->ss_family == AF_INET6 && s->family == XEBEK_AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;

		memcpy(addr, &in6->sin6_addr, 16);
		*port = in6->sin6_port;
	}
}

static void pvbuf_sock_addrs(struct xebek_sock *s, struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);

	s->local_port = inet->inet_sport;
	s->remote_port = inet->inet_dport;
	if (s->family == XEBEK_AF_INET) {
		memcpy(s->local_addr, &inet->inet_rcv_saddr, 4);
		memcpy(s->remote_addr, &inet->inet_daddr, 4);
	}
#if IS_ENABLED(CONFIG_IPV6)
	else {
		memcpy(s->local_addr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(s->remote_addr, &sk->sk_v6_daddr, 16);
	}
#endif
}

void __pvbuf_socket(int call, int fd, struct socket *sock,
		    const struct sockaddr_storage *addr, long ret)
{
	struct xebek_sock s = { };
	struct xebek_rec tmpl;
	struct sock *sk;
	__be16 rport;

	if (!sock || !sock->sk || !pvbuf_wants(XEBEK_REC_SOCKET))
		return;
	if (ret < 0 && (pvbuf_ctl_now() & XEBEK_CTL_SUCCESS_ONLY))
		return;
	sk = sock->sk;
	s.call = call;
	s.proto = sk->sk_protocol;
	if (call == XEBEK_SOCK_SOCKETPAIR) {
		/* a channel between processes: its family, no addresses */
		s.family = sk->sk_family;
	} else if (sk->sk_family == AF_INET || sk->sk_family == AF_INET6) {
		s.family = sk->sk_family == AF_INET ? XEBEK_AF_INET :
						      XEBEK_AF_INET6;
		pvbuf_sock_addrs(&s, sk);
	} else {
		return;	/* otherwise internet sockets only, as Sebek */
	}
	/* An explicit address names the peer (connect, sendto, ...) even
	 * when the call failed or the socket stays unconnected; for bind it
	 * is the local address asked for.
	 */
	if (addr && call == XEBEK_SOCK_BIND) {
		rport = s.local_port;
		pvbuf_copy_addr(&s, s.local_addr, &rport, addr);
		s.local_port = rport;
	} else if (addr) {
		rport = s.remote_port;
		pvbuf_copy_addr(&s, s.remote_addr, &rport, addr);
		s.remote_port = rport;
	}
	if (fd < 0)
		fd = pvbuf_fd_of(sock->file);
	pvbuf_fill(&tmpl, XEBEK_REC_SOCKET, current, fd, sock->file, ret);
	tmpl.inode = SOCK_INODE(sock)->i_ino;
	tmpl.sock_type = sock->type;
	tmpl.sock_proto = sk->sk_protocol;
	if (ret < 0)
		tmpl.flags |= XEBEK_RF_FAILED;
	pvbuf_emit(&tmpl, sizeof(s), 0, pvbuf_copy_kernel, &s);
}

/* Socket payloads: only those of user tasks (a kernel user of a socket,
 * such as a network filesystem, has no file and is nobody's activity).
 */
static bool pvbuf_sock_user(struct socket *sock)
{
	return sock->file && !(current->flags & PF_KTHREAD);
}

static void pvbuf_sock_payload(unsigned int type, struct socket *sock,
			       const void *buf, size_t n, size_t missed,
			       long ret)
{
	struct xebek_rec tmpl;

	pvbuf_fill(&tmpl, type, current, pvbuf_fd_of(sock->file), sock->file,
		   ret);
	tmpl.inode = SOCK_INODE(sock)->i_ino;
	tmpl.sock_type = sock->type;
	tmpl.sock_proto = sock->sk ? sock->sk->sk_protocol : 0;
	pvbuf_emit(&tmpl, n, missed, pvbuf_copy_kernel, buf);
}

/* Larger messages are read from the user's buffer instead. */
#define XEBEK_SOCK_BOUNCE_MAX	(1024 * 1024)

static bool pvbuf_sock_io_alloc(struct xebek_bounce *io, size_t n)
{
	size_t take = min3(n, pvbuf_cap(), (size_t)XEBEK_SOCK_BOUNCE_MAX);

	if (pvbuf_bounce_alloc(io, n, take, GFP_KERNEL))
		return true;
	pvbuf_drop(XEBEK_LOSS_OTHER);
	return false;
}

static void pvbuf_sock_io_free(struct xebek_bounce *io)
{
	pvbuf_bounce_free(io);
	io->on = false;
}

void __pvbuf_send_begin(struct xebek_bounce *io, struct socket *sock,
			struct msghdr *msg)
{
	u32 ctl = pvbuf_ctl_now();
	size_t n = msg_data_left(msg);
	struct iov_iter copy;

	if (!(ctl & XEBEK_CTL_ENABLE) || !(ctl & XEBEK_CTL_WRITES) || !n ||
	    !pvbuf_sock_user(sock) || !pvbuf_sock_io_alloc(io, n))
		return;
	copy = msg->msg_iter;
	if (copy_from_iter(io->kv.iov_base, io->kv.iov_len, &copy) !=
	    io->kv.iov_len) {
		pvbuf_sock_io_free(io);	/* the protocol faults as well */
		return;
	}
	/* The protocol sends our copy, unless it needs the user's pages
	 * (zero copy) or the message is larger than the cap.
	 */
	if (!io->missed && !(msg->msg_flags & MSG_ZEROCOPY)) {
		io->user = msg->msg_iter;
		iov_iter_kvec(&msg->msg_iter, ITER_SOURCE, &io->kv, 1,
			      io->kv.iov_len);
		io->swapped = true;
	}
}

void __pvbuf_send_end(struct xebek_bounce *io, struct socket *sock,
		      struct msghdr *msg, int ret)
{
	size_t sent;

	if (io->swapped) {
		msg->msg_iter = io->user;
		if (ret > 0)
			iov_iter_advance(&msg->msg_iter, ret);
	}
	if (ret > 0) {
		sent = min_t(size_t, ret, io->kv.iov_len);
		pvbuf_sock_payload(XEBEK_REC_WRITE, sock, io->kv.iov_base, sent,
				   ret - sent, ret);
	}
	pvbuf_sock_io_free(io);
}

void __pvbuf_recv_begin(struct xebek_bounce *io, struct socket *sock,
			struct msghdr *msg)
{
	u32 ctl = pvbuf_ctl_now();
	size_t n = msg_data_left(msg);

	if (!(ctl & XEBEK_CTL_ENABLE) || !n || !pvbuf_sock_user(sock))
		return;
	if (!(ctl & XEBEK_CTL_READS) &&
	    (!(ctl & (XEBEK_CTL_KEYSTROKES | XEBEK_CTL_SEBEK_KEYS)) ||
	     n > XEBEK_KEYS_BOUNCE_MAX))
		return;
	if (!pvbuf_sock_io_alloc(io, n))
		return;
	io->user = msg->msg_iter;
	/* The protocol delivers into our buffer; the caller's gets a copy
	 * of it afterwards. A message larger than the cap goes straight to
	 * the caller and its first bytes are read back from there.
	 */
	if (!io->missed) {
		iov_iter_kvec(&msg->msg_iter, ITER_DEST, &io->kv, 1,
			      io->kv.iov_len);
		io->swapped = true;
	}
}

int __pvbuf_recv_end(struct xebek_bounce *io, struct socket *sock,
		     struct msghdr *msg, int ret)
{
	size_t got = ret > 0 ? min_t(size_t, ret, io->kv.iov_len) : 0;
	long result = ret;

	if (io->swapped) {
		msg->msg_iter = io->user;
		if (got && copy_to_iter(io->kv.iov_base, got, &msg->msg_iter) !=
		    got)
			result = -EFAULT;
	} else if (got && pvbuf_copy_iov(io->kv.iov_base, &io->user, 0, got)) {
		got = 0;
	}
	if (got && xebek_control_wants_io(pvbuf_ctl_now(), XEBEK_REC_READ,
					  XEBEK_SRC_PIPE, got))
		pvbuf_sock_payload(XEBEK_REC_READ, sock, io->kv.iov_base, got,
				   ret - got, result);
	pvbuf_sock_io_free(io);
	return result;
}

void __pvbuf_close(int fd, struct file *file)
{
	struct xebek_rec tmpl;

	if (!pvbuf_wants(XEBEK_REC_CLOSE) || (current->flags & PF_KTHREAD))
		return;
	pvbuf_fill(&tmpl, XEBEK_REC_CLOSE, current, fd, file, 0);
	pvbuf_emit(&tmpl, 0, 0, pvbuf_copy_kernel, NULL);
}

void __pvbuf_process_vm(struct task_struct *target, int write, ssize_t ret)
{
	struct xebek_procvm pvm = { .target_pid = target->tgid, .write = !!write };
	struct xebek_rec tmpl;

	if (!pvbuf_wants(XEBEK_REC_PROCVM))
		return;
	pvbuf_fill(&tmpl, XEBEK_REC_PROCVM, current, -1, NULL, ret);
	pvbuf_emit(&tmpl, sizeof(pvm), 0, pvbuf_copy_kernel, &pvm);
}

void __pvbuf_fork(struct task_struct *child)
{
	struct xebek_rec tmpl;

	/* Sebek's fork marker describes the child; kernel threads are not
	 * anybody's activity.
	 */
	if ((child->flags & PF_KTHREAD) || !pvbuf_wants(XEBEK_REC_FORK))
		return;
	pvbuf_fill(&tmpl, XEBEK_REC_FORK, child, -1, NULL, 0);
	pvbuf_emit(&tmpl, 0, 0, pvbuf_copy_kernel, NULL);
}

/* Runs where exec may sleep: the arguments are copied in first, with
 * faults allowed, into memory of our own.
 */
void __pvbuf_exec(struct linux_binprm *bprm)
{
	struct mm_struct *mm = current->mm;
	unsigned long start, end;
	size_t flen, alen = 0, args = 0;
	struct xebek_rec tmpl;
	char *buf;

	if (!mm || !pvbuf_wants(XEBEK_REC_EXEC))
		return;
	start = READ_ONCE(mm->arg_start);
	end = READ_ONCE(mm->arg_end);
	if (end > start)
		args = end - start;
	flen = strnlen(bprm->filename, PATH_MAX - 1);
	alen = min(args, pvbuf_cap());
	buf = kvmalloc(flen + 1 + alen, GFP_KERNEL | __GFP_NOWARN);
	if (!buf && alen) {
		alen = 0;
		buf = kvmalloc(flen + 1, GFP_KERNEL | __GFP_NOWARN);
	}
	if (!buf) {
		pvbuf_drop(XEBEK_LOSS_OTHER);
		return;
	}
	/* filename NUL argv[0] NUL argv[1] NUL ... as the new image sees it */
	memcpy(buf, bprm->filename, flen);
	buf[flen++] = 0;
	if (alen && copy_from_user(buf + flen, (void __user *)start, alen))
		alen = 0;
	pvbuf_fill(&tmpl, XEBEK_REC_EXEC, current, -1, bprm->file, 0);
	pvbuf_emit(&tmpl, flen + alen, args - alen, pvbuf_copy_kernel, buf);
	kvfree(buf);
}
