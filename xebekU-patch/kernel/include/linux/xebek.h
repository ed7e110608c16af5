/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Xebek capture hooks, called from the syscall implementations.
 *
 * Included only by the files that hold a hook site, so that changing it
 * rebuilds a handful of objects instead of the tree. Every hook is a
 * static branch: while capture is off it costs one no-op. The hooks called
 * with locks held (open, socket, fork) never sleep and never allocate.
 * Those around a payload (terminals, files, sockets, exec) run where the
 * caller may sleep: they gather the payload in memory of their own, and
 * a payload larger than one record waits for room while Dom0 drains.
 */
#ifndef _LINUX_XEBEK_H
#define _LINUX_XEBEK_H

#include <linux/sched.h>
#include <linux/types.h>
#include <linux/uio.h>

struct file;
struct kiocb;
struct linux_binprm;
struct msghdr;
struct pipe_inode_info;
struct sockaddr_storage;
struct socket;
struct task_struct;
struct tty_struct;

/* Socket calls, numbered like socketcall(2) as Sebek records them. */
#define XEBEK_SOCK_SOCKET	1
#define XEBEK_SOCK_BIND		2
#define XEBEK_SOCK_CONNECT	3
#define XEBEK_SOCK_LISTEN	4
#define XEBEK_SOCK_ACCEPT	5
#define XEBEK_SOCK_SOCKETPAIR	8
#define XEBEK_SOCK_SENDTO	11
#define XEBEK_SOCK_RECVFROM	12
#define XEBEK_SOCK_SENDMSG	16
#define XEBEK_SOCK_RECVMSG	17

/*
 * The bytes one read or write syscall moved through a terminal, gathered
 * chunk by chunk by the tty core (from its own kernel buffers) and
 * recorded once when the syscall is done. Lives on the caller's stack.
 */
struct xebek_tty_io {
	char *buf;		/* gathered bytes, kmalloc'd on demand */
	size_t len;		/* bytes in buf */
	size_t size;		/* room in buf */
	size_t missed;		/* bytes past the cap or lost to no memory */
	bool on;		/* capture wanted at begin */
};

/*
 * A payload in flight to or from a socket or file: the bytes travel
 * through a kernel buffer of Xebek's, so that what is recorded is exactly
 * what the protocol or file got or gave (a sibling thread rewriting the
 * user's buffer cannot change it). Lives on the caller's stack.
 */
struct xebek_bounce {
	struct iov_iter user;	/* the caller's iterator, swapped out */
	struct kvec kv;		/* the kernel buffer the callee sees */
	size_t missed;		/* bytes past the cap (sockets) */
	bool on;		/* capture wanted at begin */
	bool swapped;		/* the callee's iterator is the kernel buffer */
};

#ifdef CONFIG_XEBEK
#include <linux/jump_label.h>

DECLARE_STATIC_KEY_FALSE(pvbuf_active_key);

void __pvbuf_read(int fd, struct file *file, const char __user *buf,
		  ssize_t ret);
void __pvbuf_write(int fd, struct file *file, const char __user *buf,
		   ssize_t ret);
void __pvbuf_file_begin(struct xebek_bounce *io, struct kiocb *kiocb,
			struct iov_iter *iter);
ssize_t __pvbuf_file_end(struct xebek_bounce *io, struct kiocb *kiocb,
			 struct iov_iter *iter, ssize_t ret);
void __pvbuf_iter_done(struct file *file, const struct iov_iter *start,
		       ssize_t ret);
void __pvbuf_splice_read(struct file *in, struct pipe_inode_info *pipe,
			 unsigned int head, unsigned int head_len, long ret);
void __pvbuf_tty_begin(struct xebek_tty_io *io, struct tty_struct *tty,
		       bool output);
void __pvbuf_tty_add(struct xebek_tty_io *io, const char *p, size_t n);
void __pvbuf_tty_end(struct xebek_tty_io *io, struct tty_struct *tty,
		     struct file *file, bool output, ssize_t ret);
void __pvbuf_open(int fd, struct file *file, u64 flags, umode_t mode);
void __pvbuf_open_failed(const char *name, u64 flags, umode_t mode,
			 long err);
void __pvbuf_socket(int call, int fd, struct socket *sock,
		    const struct sockaddr_storage *addr, long ret);
void __pvbuf_send_begin(struct xebek_bounce *io, struct socket *sock,
			struct msghdr *msg);
void __pvbuf_send_end(struct xebek_bounce *io, struct socket *sock,
		      struct msghdr *msg, int ret);
void __pvbuf_recv_begin(struct xebek_bounce *io, struct socket *sock,
			struct msghdr *msg);
int __pvbuf_recv_end(struct xebek_bounce *io, struct socket *sock,
		     struct msghdr *msg, int ret);
void __pvbuf_close(int fd, struct file *file);
void __pvbuf_process_vm(struct task_struct *target, int write, ssize_t ret);
void __pvbuf_fork(struct task_struct *child);
void __pvbuf_exec(struct linux_binprm *bprm);
/* Defined by the tty core: does this file read and write a tty? */
bool pvbuf_tty_file(const struct file *file);

#define XEBEK_HOOK(call)						\
	do {								\
		if (static_branch_unlikely(&pvbuf_active_key))		\
			call;						\
	} while (0)

/*
 * The hooks below are always inlined: a compiler that optimises for size
 * would otherwise keep them as functions of their own, and their names
 * would be in kallsyms and System.map.
 */
static __always_inline void xebek_read(int fd, struct file *file,
			      const char __user *buf, ssize_t ret)
{
	XEBEK_HOOK(__pvbuf_read(fd, file, buf, ret));
}

static __always_inline void xebek_write(int fd, struct file *file,
			       const char __user *buf, ssize_t ret)
{
	XEBEK_HOOK(__pvbuf_write(fd, file, buf, ret));
}

/*
 * Around a file's read_iter or write_iter. Begin decides, and may point
 * *iter at Xebek's buffer; end puts the caller's iterator back, advanced
 * as the call would have left it, records, and returns the result to give
 * the caller (-EFAULT if read bytes could not be delivered).
 */
static __always_inline void xebek_file_begin(struct xebek_bounce *io,
				    struct kiocb *kiocb, struct iov_iter *iter)
{
	io->on = false;
	XEBEK_HOOK(__pvbuf_file_begin(io, kiocb, iter));
}

static __always_inline ssize_t xebek_file_end(struct xebek_bounce *io,
				     struct kiocb *kiocb,
				     struct iov_iter *iter, ssize_t ret)
{
	if (unlikely(io->on))
		return __pvbuf_file_end(io, kiocb, iter, ret);
	return ret;
}

/*
 * After ->read or ->write called per segment of an iterator (readv of a
 * file without read_iter, io_uring's loop): "start" is the iterator as it
 * was before; the bytes are read from there.
 */
static __always_inline void xebek_iter_done(struct file *file,
				   const struct iov_iter *start, ssize_t ret)
{
	XEBEK_HOOK(__pvbuf_iter_done(file, start, ret));
}

/*
 * After a file's splice_read into "pipe": the bytes start "head_len" bytes
 * into buffer head - 1 (if the file appended to it) and go on from buffer
 * "head", the values the pipe had before the call.
 */
static __always_inline void xebek_splice_read(struct file *in,
				     struct pipe_inode_info *pipe,
				     unsigned int head, unsigned int head_len,
				     long ret)
{
	XEBEK_HOOK(__pvbuf_splice_read(in, pipe, head, head_len, ret));
}

/* Begin decides; add and end follow that decision even if capture is
 * switched meanwhile, so a gathered buffer is always freed.
 */
static __always_inline void xebek_tty_begin(struct xebek_tty_io *io,
				   struct tty_struct *tty, bool output)
{
	io->on = false;
	XEBEK_HOOK(__pvbuf_tty_begin(io, tty, output));
}

static __always_inline void xebek_tty_add(struct xebek_tty_io *io, const char *p,
				 size_t n)
{
	if (unlikely(io->on))
		__pvbuf_tty_add(io, p, n);
}

static __always_inline void xebek_tty_end(struct xebek_tty_io *io,
				 struct tty_struct *tty, struct file *file,
				 bool output, ssize_t ret)
{
	if (unlikely(io->on))
		__pvbuf_tty_end(io, tty, file, output, ret);
}

/* Before fd_install() (afterwards the file may be closed); fd -1 for a
 * file that gets no descriptor (an io_uring fixed file slot).
 */
static __always_inline void xebek_open(int fd, struct file *file, u64 flags,
			      umode_t mode)
{
	XEBEK_HOOK(__pvbuf_open(fd, file, flags, mode));
}

static __always_inline void xebek_open_failed(const char *name, u64 flags,
				     umode_t mode, long err)
{
	XEBEK_HOOK(__pvbuf_open_failed(name, flags, mode, err));
}

static __always_inline void xebek_socket(int call, int fd, struct socket *sock,
				const struct sockaddr_storage *addr, long ret)
{
	XEBEK_HOOK(__pvbuf_socket(call, fd, sock, addr, ret));
}

/* Around a protocol's sendmsg/recvmsg; as for terminals, begin decides. */
static __always_inline void xebek_send_begin(struct xebek_bounce *io,
				    struct socket *sock, struct msghdr *msg)
{
	io->on = false;
	XEBEK_HOOK(__pvbuf_send_begin(io, sock, msg));
}

static __always_inline void xebek_send_end(struct xebek_bounce *io,
				  struct socket *sock, struct msghdr *msg,
				  int ret)
{
	if (unlikely(io->on))
		__pvbuf_send_end(io, sock, msg, ret);
}

static __always_inline void xebek_recv_begin(struct xebek_bounce *io,
				    struct socket *sock, struct msghdr *msg)
{
	io->on = false;
	XEBEK_HOOK(__pvbuf_recv_begin(io, sock, msg));
}

/* Returns the result to give the caller: -EFAULT if the received bytes
 * could not be delivered to its buffer.
 */
static __always_inline int xebek_recv_end(struct xebek_bounce *io,
				 struct socket *sock, struct msghdr *msg,
				 int ret)
{
	if (unlikely(io->on))
		return __pvbuf_recv_end(io, sock, msg, ret);
	return ret;
}

/* With the descriptor already taken out of the table, before the file is
 * released.
 */
static __always_inline void xebek_close(int fd, struct file *file)
{
	XEBEK_HOOK(__pvbuf_close(fd, file));
}

static __always_inline void xebek_process_vm(struct task_struct *target, int write,
				    ssize_t ret)
{
	XEBEK_HOOK(__pvbuf_process_vm(target, write, ret));
}

static __always_inline void xebek_fork(struct task_struct *child)
{
	XEBEK_HOOK(__pvbuf_fork(child));
}

static __always_inline void xebek_exec(struct linux_binprm *bprm)
{
	XEBEK_HOOK(__pvbuf_exec(bprm));
}

#else /* !CONFIG_XEBEK */


static inline void xebek_read(int fd, struct file *file,
			      const char __user *buf, ssize_t ret) { }
static inline void xebek_write(int fd, struct file *file,
			       const char __user *buf, ssize_t ret) { }
static inline void xebek_file_begin(struct xebek_bounce *io,
				    struct kiocb *kiocb,
				    struct iov_iter *iter) { }
static inline ssize_t xebek_file_end(struct xebek_bounce *io,
				     struct kiocb *kiocb,
				     struct iov_iter *iter, ssize_t ret)
{
	return ret;
}
static inline void xebek_iter_done(struct file *file,
				   const struct iov_iter *start,
				   ssize_t ret) { }
static inline void xebek_splice_read(struct file *in,
				     struct pipe_inode_info *pipe,
				     unsigned int head, unsigned int head_len,
				     long ret) { }
static inline void xebek_tty_begin(struct xebek_tty_io *io,
				   struct tty_struct *tty, bool output) { }
static inline void xebek_tty_add(struct xebek_tty_io *io, const char *p,
				 size_t n) { }
static inline void xebek_tty_end(struct xebek_tty_io *io,
				 struct tty_struct *tty, struct file *file,
				 bool output, ssize_t ret) { }
static inline void xebek_open(int fd, struct file *file, u64 flags,
			      umode_t mode) { }
static inline void xebek_open_failed(const char *name, u64 flags,
				     umode_t mode, long err) { }
static inline void xebek_socket(int call, int fd, struct socket *sock,
				const struct sockaddr_storage *addr,
				long ret) { }
static inline void xebek_send_begin(struct xebek_bounce *io,
				    struct socket *sock, struct msghdr *msg) { }
static inline void xebek_send_end(struct xebek_bounce *io,
				  struct socket *sock, struct msghdr *msg,
				  int ret) { }
static inline void xebek_recv_begin(struct xebek_bounce *io,
				    struct socket *sock, struct msghdr *msg) { }
static inline int xebek_recv_end(struct xebek_bounce *io,
				 struct socket *sock, struct msghdr *msg,
				 int ret)
{
	return ret;
}
static inline void xebek_close(int fd, struct file *file) { }
static inline void xebek_process_vm(struct task_struct *target, int write,
				    ssize_t ret) { }
static inline void xebek_fork(struct task_struct *child) { }
static inline void xebek_exec(struct linux_binprm *bprm) { }

#endif /* CONFIG_XEBEK */
#endif /* _LINUX_XEBEK_H */
