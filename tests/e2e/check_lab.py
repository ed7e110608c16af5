#!/usr/bin/env python3
"""Asserts one of the Xen lab's end-to-end checks on a results directory
written by scripts/xen-lab (the lab's list of checks).

    check_lab.py RESULTS_DIR CHECK [--repo DIR]

RESULTS_DIR holds results/checks.txt and the console logs from Dom0,
var/log/xebek/ (xebekd's per-domain logs) and kernel-include-xebek/ (the
producer the DomU kernel was built with). Exit 0 if the check holds, 1 with
the reason otherwise, 2 if the results are missing (a lab that did not run
is a failure, never a skip).
"""
import argparse
import glob
import hashlib
import os
import re
import struct
import subprocess
import sys

# A stream record: a 12-byte prefix (pcap seconds and microseconds in host
# order, the source IPv4 address) and the big-endian 56-byte Sebek header.
PREFIX = struct.Struct("<LL4s")
HEADER = struct.Struct(">LHHLLLLLLLL12sL")


class CheckFailed(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise CheckFailed(msg)


class Results:
    def __init__(self, root, native_dump=None):
        self.root = root
        self.native_dump = native_dump
        self._native = None
        checks = os.path.join(root, "results", "checks.txt")
        if not os.path.isfile(checks):
            print(f"no lab results at {checks}: run scripts/xen-lab first", file=sys.stderr)
            sys.exit(2)
        self.checks = {}
        with open(checks) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                if k:
                    self.checks[k] = v

    def check(self, name):
        need(name in self.checks, f"Dom0 did not record '{name}'")
        return self.checks[name]

    def console(self, n):
        path = os.path.join(self.root, "results", f"console-domain{n}.log")
        need(os.path.isfile(path), f"missing {path}")
        with open(path, "rb") as f:
            return f.read().decode("latin-1")

    def daemon_out(self):
        with open(os.path.join(self.root, "results", "daemon.out"), errors="replace") as f:
            return f.read()

    def probes(self):
        out = {}
        for m in re.finditer(r"PROBE (\w+)=(\S*)", self.console(1)):
            out[m.group(1)] = m.group(2)
        return out

    def records(self):
        """Every record of every Sebek stream file xebekd wrote."""
        logdir = os.path.join(self.root, "var", "log", "xebek")
        # xebekd's per-domain stream files (sebek.sbk; rotated ones too)
        files = [p for p in glob.glob(os.path.join(logdir, "**", "*.sbk*"), recursive=True)
                 if os.path.isfile(p) and os.path.getsize(p) > 0]
        need(files, f"no Sebek stream file under {logdir}")
        bad = [p for p in files if not is_sebek_stream(p)]
        need(not bad, f"not a Sebek stream: {bad}")
        recs = []
        for p in sorted(files):
            recs.extend(read_stream(p))
        return recs


    def native(self):
        """Every event of every native log xebekd wrote, as dicts of the
        fields xebek-native-dump prints (data decoded to bytes)."""
        if self._native is None:
            need(self.native_dump, "no --native-dump given: the native log cannot be read")
            logs = sorted(glob.glob(os.path.join(self.root, "var", "log", "xebek", "**", "native.xnl"),
                                    recursive=True))
            need(logs, "no native log under var/log/xebek")
            events = []
            for log in logs:
                p = subprocess.run([self.native_dump, os.path.dirname(log)], capture_output=True)
                need(p.returncode == 0, f"xebek-native-dump {log}: {p.stderr.decode(errors='replace').strip()}")
                for line in p.stdout.split(b"\n"):
                    if line:
                        events.append(parse_native_line(line, log))
            self._native = events
        return self._native


NATIVE_FIELD = re.compile(rb'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')


def unescape(quoted):
    """The bytes of a value xebek-native-dump printed in quotes."""
    body, out, i = quoted[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i]
        if c == 0x5c and body[i + 1] == ord("x"):
            out.append(int(body[i + 2:i + 4], 16))
            i += 4
        elif c == 0x5c:
            out.append(body[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return bytes(out)


def parse_native_line(line, log):
    ev = {"log": log}
    for m in NATIVE_FIELD.finditer(line):
        k, v = m.group(1).decode(), m.group(2)
        ev[k] = unescape(v) if v.startswith(b'"') else v.decode()
    ev["comm"] = ev.get("comm", b"").decode("latin-1")
    return ev


def is_sebek_stream(path):
    """A stream file starts with a record whose header says version 3."""
    with open(path, "rb") as f:
        head = f.read(PREFIX.size + HEADER.size)
    if len(head) < PREFIX.size + HEADER.size:
        return False
    h = HEADER.unpack_from(head, PREFIX.size)
    return h[1] == 3 and h[2] <= 3


def read_stream(path):
    with open(path, "rb") as f:
        data = f.read()
    recs, off = [], 0
    while off + PREFIX.size + HEADER.size <= len(data):
        (magic, ver, typ, counter, tsec, tusec, ppid, pid, uid, fd, inode,
         com, length) = HEADER.unpack_from(data, off + PREFIX.size)
        start = off + PREFIX.size + HEADER.size
        need(ver == 3 and start + length <= len(data), f"{path}: corrupt record at byte {off}")
        recs.append(dict(type=typ, counter=counter, ppid=ppid, pid=pid, uid=uid, fd=fd,
                         inode=inode, comm=com.rstrip(b"\0").decode("latin-1"),
                         data=data[start:start + length], file=path))
        off = start + length
    return recs


def keystroke_lines(recs):
    """Lines typed per (pid, inode, fd), as sbk_ks_log.pl assembles them:
    type 0 records of at most 100 bytes, flushed at CR or LF."""
    buf, lines = {}, []
    for r in recs:
        if r["type"] != 0 or not r["data"] or len(r["data"]) > 100:
            continue
        key = (r["pid"], r["inode"], r["fd"])
        cur = buf.get(key, b"") + r["data"]
        while True:
            m = re.search(rb"[\r\n]", cur)
            if not m:
                break
            text = bytes(c for c in cur[:m.start()] if 0x20 <= c <= 0x7e).decode()
            lines.append(dict(text=text, pid=r["pid"], uid=r["uid"], comm=r["comm"]))
            cur = cur[m.end():]
        buf[key] = cur
    return lines


def shell_pid(console, marker):
    m = re.search(marker + r" pid=(\d+)", console)
    need(m, f"console shows no '{marker} pid=' line")
    return int(m.group(1))


SESSION = [
    "echo SHELL pid=$$ uid=$(id -u)",
    "cat /etc/motd",
    "cd /etc && cat hostname",
    "echo stolen > /tmp/loot.txt",
    "nc 192.0.2.7 4444",
    "sh -c 'echo FORK-$((40+2))'",
    "echo ONMARK-$((2+2))",
    "lookaround",
]


def check_keystrokes(res):
    pid = shell_pid(res.console(1), "SHELL")
    lines = keystroke_lines(res.records())
    for cmd in SESSION:
        hits = [l for l in lines if l["text"] == cmd]
        need(hits, f"typed command {cmd!r} missing from the keystroke log")
        ok = [l for l in hits if l["pid"] == pid and l["uid"] == 0 and l["comm"] == "sh"]
        need(ok, f"{cmd!r} logged as {hits[0]} but expected pid {pid} uid 0 comm sh")


def check_control(res):
    texts = [l["text"] for l in keystroke_lines(res.records())]
    need("echo ONMARK-$((2+2))" in texts, "command typed after 'xebekctl enable' missing")
    need(not any("OFFMARK" in t for t in texts),
         "command typed while capture was disabled was captured")
    need("OFFMARK-2" in res.console(1), "the disabled-time command did not run in the DomU")


def check_opens(res):
    paths = {r["data"].decode("latin-1") for r in res.records() if r["type"] == 3}
    for p in ("/etc/motd", "/etc/hostname", "/tmp/loot.txt"):
        need(p in paths, f"no open record with the absolute path {p} (have {sorted(paths)[:12]})")


def check_socket(res):
    socks = []
    for r in res.records():
        if r["type"] == 2 and len(r["data"]) == 15:
            dip, dport, sip, sport, call, proto = struct.unpack(">4sH4sHHB", r["data"])
            socks.append(dict(dip=".".join(map(str, dip)), dport=dport, call=call,
                              proto=proto, comm=r["comm"]))
    hit = [s for s in socks if s["dip"] == "192.0.2.7" and s["dport"] == 4444]
    need(hit, f"no socket record for the connect to 192.0.2.7:4444 (have {socks[:5]})")
    need(any(s["call"] == 3 and s["proto"] == 6 and s["comm"] == "nc" for s in hit),
         f"connect record has wrong call/proto/comm: {hit}")


def check_write(res):
    need(any(r["type"] == 1 and r["data"] == b"stolen\n" for r in res.records()),
         "no write record of 'stolen\\n' (echo stolen > /tmp/loot.txt)")


def check_fork(res):
    pid = shell_pid(res.console(1), "SHELL")
    forks = [r for r in res.records() if r["type"] == 0 and not r["data"]
             and r["fd"] == 0 and r["inode"] == 0]
    need(forks, "no fork marker (zero-length read record)")
    need(any(r["ppid"] == pid and r["pid"] != pid for r in forks),
         f"no fork marker for a child of the shell (pid {pid})")


def typed_line_end(recs, text, comm="sh"):
    """Counter of the Enter keystroke that ended the typed line "text"."""
    buf = {}
    for r in recs:
        if r["type"] != 0 or r["comm"] != comm or not r["data"]:
            continue
        key = (r["pid"], r["inode"], r["fd"])
        cur = buf.get(key, b"") + r["data"]
        if re.search(rb"[\r\n]", r["data"]):
            if text.encode() in cur:
                return r["counter"]
            cur = b""
        buf[key] = cur
    raise CheckFailed(f"the typed line {text!r} is not in the keystroke records of {comm}")


def check_terminal_output(res):
    """In the default mode (no write tracking) the shell's output reaches
    the Sebek stream as terminal writes, after the keystrokes that caused it."""
    recs = res.records()
    enter = typed_line_end(recs, "echo TTY-OUT-$((6*7))")
    out = [r for r in recs if r["type"] == 1 and b"TTY-OUT-42" in r["data"]]
    need(out, "the output TTY-OUT-42 of a typed echo is not in the stream as a write")
    need(any(r["counter"] > enter and r["comm"] == "sh" for r in out),
         f"the terminal output is not after its input (Enter at counter {enter}): {out[:2]}")


def check_terminal_password(res):
    """The root password typed to su with echo off: one read of the whole
    line, by su running setuid root for uid 1000."""
    recs = [r for r in res.records() if r["type"] == 0 and r["comm"] == "su"]
    whole = [r for r in recs if r["data"] == b"hunter2-s3cret\n"]
    need(len(whole) == 1, f"the password line is in {len(whole)} read records of su, not 1 "
         f"(su reads: {[r['data'][:20] for r in recs][:8]})")
    need("SU-UID-0" in res.console(1), "su did not accept the typed password")
    reads = [e for e in res.native() if e["type"] == "read" and e["comm"] == "su"
             and e.get("data") == b"hunter2-s3cret\n"]
    need(reads and reads[0]["uid"] == "1000" and reads[0]["euid"] == "0",
         f"su's read of the password is not uid 1000 with euid 0: {reads[:1]}")


def check_terminal_read_builtin(res):
    lines = keystroke_lines(res.records())
    need(any(l["text"] == "typed into read" and l["comm"] == "sh" for l in lines),
         "a line typed to the read builtin is not in the keystroke log")
    need("GOT-typed into read" in res.console(1), "the read builtin did not get the line")


def check_keystroke_rule(res):
    """1-byte reads of /dev/zero by dd: none in keystroke mode, all 1000
    in Sebek's own mode (sebek-keystrokes)."""
    console = res.console(1)
    need("DD-KEYSTROKE-MODE" in console and "DD-SEBEK-MODE" in console,
         "the two dd runs did not both complete")
    reads = [r for r in res.records() if r["type"] == 0 and r["comm"] == "dd"
             and r["data"] == b"\0"]
    pids = {r["pid"] for r in reads}
    need(len(reads) == 1000 and len(pids) == 1,
         f"{len(reads)} one-byte reads of /dev/zero from {len(pids)} dd process(es); "
         "expected 1000 from the dd run in sebek-keystrokes mode alone")


def check_stealth(res):
    p = res.probes()
    need(p.get("lookaround") == "done", "the in-guest probe did not complete")
    need(p.get("xs_own_rc") == "0" and int(p.get("xs_own_lines", "0")) > 0,
         "xenstore-ls of the guest's own tree did not work")
    need(p.get("xs_own_mentions_xebek") == "0", "the guest's xenstore tree mentions xebek")
    need(p.get("xs_own_mentions_ring_refs") == "0", "the guest's xenstore tree shows the handshake")
    for k in ("xs_list_root_rc", "xs_list_handshake_dir_rc", "xs_read_ring_rc",
              "xs_write_control_rc", "xs_write_ring_rc", "xs_create_ring2_rc", "xs_rm_ring_rc"):
        need(p.get(k, "0") != "0", f"{k}: the guest succeeded where it must fail")
    # the sealed handshake node answers like a node that exists nowhere
    probe_lines = dict(re.findall(r"PROBE (xs_write_(?:ring|absent))_rc=\S* msg=(\S*)", res.console(1)))
    need(len(probe_lines) == 2 and probe_lines["xs_write_ring"] == probe_lines["xs_write_absent"],
         f"a write of the handshake node fails otherwise than one of an absent node: {probe_lines}")
    # and none of it cost capture: the next line is recorded, the ring kept
    need(any(l["text"] == "echo AFTERPROBE-$((3+3))" for l in keystroke_lines(res.records())),
         "no keystrokes captured after the guest tried to rewrite its handshake")
    d1 = res.check("domain1_id")
    need(f"(id {d1}) re-initialised" not in res.daemon_out(),
         "the guest's writes to its handshake node made xebekd remap its ring")
    need(p.get("proc_modules") == "absent" or p.get("sys_module_xebek") == "0",
         "a capture module is visible")
    need(p.get("sys_module_xebek") == "0", "/sys/module lists xebek")
    need(p.get("dmesg_mentions_xebek") == "0", "the kernel log mentions xebek")
    need(p.get("interrupts_mentions_xebek") == "0", "/proc/interrupts mentions xebek")
    need(int(p.get("interrupts_named") or 0) > 0 and int(p.get("proc_irq_handlers") or 0) > 0,
         "the guest's /proc/interrupts or /proc/irq shows no handler names: the next check would prove nothing")
    need(p.get("interrupts_xen_platform") == "0" and p.get("proc_irq_xen_platform") == "0",
         "the guest has an interrupt named xen-platform (/proc/interrupts: "
         f"{p.get('interrupts_xen_platform')}, /proc/irq: {p.get('proc_irq_xen_platform')})")


def check_no_socket(res):
    need(res.check("daemon_sockets") == "0", f"xebekd holds {res.check('daemon_sockets')} socket(s)")
    path = os.path.join(res.root, "results", "daemon-fds-domain1.txt")
    with open(path) as f:
        fds = f.read()
    need("socket:" not in fds, f"socket in xebekd's fd list:\n{fds}")


def check_recreate(res):
    pid2 = shell_pid(res.console(2), "SECOND")
    lines = keystroke_lines(res.records())
    need(any(l["text"] == "echo SECOND pid=$$" and l["pid"] == pid2 for l in lines),
         "no keystrokes captured from the re-created domain")
    c = {k: int(res.check(k)) for k in (
        "daemon_fds_idle", "daemon_fds_domain1", "daemon_fds_after_destroy1",
        "daemon_fds_domain2", "daemon_fds_after_destroy2",
        "daemon_maps_idle", "daemon_maps_domain1", "daemon_maps_after_destroy1",
        "daemon_maps_domain2", "daemon_maps_after_destroy2")}
    need(c["daemon_maps_domain1"] > c["daemon_maps_idle"], f"no ring mapping seen: {c}")
    for kind in ("fds", "maps"):
        need(c[f"daemon_{kind}_after_destroy1"] == c[f"daemon_{kind}_idle"] and
             c[f"daemon_{kind}_after_destroy2"] == c[f"daemon_{kind}_idle"] and
             c[f"daemon_{kind}_domain2"] == c[f"daemon_{kind}_domain1"],
             f"xebekd leaks {kind} across destroy/re-create: {c}")


def check_producer_copy(res, repo):
    kdir = os.path.join(res.root, "kernel-include-xebek")
    for name in ("ring.h", "producer.h"):
        with open(os.path.join(repo, "include", "xebek", name), "rb") as f:
            ours = f.read()
        kpath = os.path.join(kdir, name)
        need(os.path.isfile(kpath), f"the lab kept no copy of the kernel's {name}")
        with open(kpath, "rb") as f:
            need(f.read() == ours,
                 f"the DomU kernel was built with a different {name} than include/xebek/{name}")


def check_restore(res):
    need(res.check("restore") == "typed", f"save/restore of the honeypot: {res.check('restore')}")
    pid2 = shell_pid(res.console(2), "SECOND")
    lines = keystroke_lines(res.records())
    need(any(l["text"] == "echo RESTORED pid=$$" and l["pid"] == pid2 for l in lines),
         "no keystrokes captured after save/restore (ring not re-announced?)")
    need(res.check("daemon_maps_restored") == res.check("daemon_maps_domain1"),
         "xebekd did not map the restored domain's ring like the first one")
    # A checkpoint (xl save -c): the domain resumes with its id and
    # announces its ring again, in the node Dom0 reopened for that suspend
    # only and seals again. The same frames are the ring xebekd serves on;
    # other frames (or grants) are a new ring, mapped anew.
    need(res.check("checkpoint") == "typed", f"checkpoint of the honeypot: {res.check('checkpoint')}")
    before, after = res.check("checkpoint_ring_before"), res.check("checkpoint_ring_after")
    need(after and after.startswith("version=2 "),
         f"no announcement after the checkpoint: {after!r}")
    need(res.check("checkpoint_ring_perms") == "n0",
         f"the ring node is not sealed after the checkpoint: {res.check('checkpoint_ring_perms')!r}")
    d3 = res.check("domain3_id")
    need(after == before or f"(id {d3}) re-initialised its ring" in res.daemon_out(),
         "xebekd did not map the ring the domain announced after the checkpoint")
    need(f"(id {d3}) isolated" not in res.daemon_out(), "xebekd isolated the domain after the checkpoint")
    need(any(l["text"] == "echo CHECKPOINTED pid=$$" and l["pid"] == pid2 for l in lines),
         "no keystrokes captured after the checkpoint")


def check_late_daemon(res):
    need(res.check("late_daemon") == "typed", f"domain with xebekd started late: {res.check('late_daemon')}")
    pid = shell_pid(res.console(4), "LATE")
    need(any(l["text"] == "echo LATE pid=$$" and l["pid"] == pid
             for l in keystroke_lines(res.records())),
         "no keystrokes captured from a domain that booted before xebekd started")


def elf_bytes(image, vaddr, size):
    """Bytes at a virtual address of an ELF64 kernel image (PT_LOAD)."""
    need(image[:4] == b"\x7fELF" and image[4] == 2, "the DomU image is not an ELF64 file")
    phoff, = struct.unpack_from("<Q", image, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", image, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from(
            "<LLQQQQ", image, phoff + i * phentsize)
        if p_type == 1 and p_vaddr <= vaddr and vaddr + size <= p_vaddr + p_filesz:
            return image[p_offset + vaddr - p_vaddr:p_offset + vaddr - p_vaddr + size]
    raise CheckFailed(f"{vaddr:#x} is in no loadable segment of the DomU image")


def check_syscall_table(res):
    import gzip
    with open(os.path.join(res.root, "syscall-table.txt")) as f:
        vaddr, size = (int(v, 0) for v in f.read().split())
    with gzip.open(os.path.join(res.root, "domu-vmlinux.gz")) as f:
        image = f.read()
    want = elf_bytes(image, vaddr, size).hex()
    live_path = os.path.join(res.root, "results", "syscall-table-live.hex")
    need(os.path.isfile(live_path), "Dom0 could not read the live system call table")
    with open(live_path) as f:
        live = f.read().strip()
    need(len(live) == 2 * size, f"live table has {len(live) // 2} bytes, expected {size}")
    diff = [i // 16 for i in range(0, len(want), 16) if want[i:i + 16] != live[i:i + 16]]
    need(not diff, f"{len(diff)} system call table entries differ from the image, e.g. #{diff[:5]}")


def check_package(res):
    """Dom0 ran the packaged xebekd as its unit would (no new privileges,
    CAP_CHOWN alone), and the honeypot booted the kernel package's image."""
    origin = res.check("daemon_from")
    need(origin.startswith("package "), f"xebekd came from '{origin}', not the xebek package")
    capbnd = int(res.check("daemon_capbnd") or "-1", 16)
    need(capbnd == 1 << 0, f"xebekd's capability bounding set is {capbnd:#x}, not CAP_CHOWN alone")
    need(res.check("daemon_nonewprivs") == "1", "xebekd ran without no_new_privs")
    # The package's xebekd.conf sets log-group = adm: the files got it,
    # through fchown under the unit's system call filter and CAP_CHOWN.
    import grp
    import stat
    stream = os.path.join(res.root, "var", "log", "xebek", "honeypot", "sebek.sbk")
    need(os.path.isfile(stream), f"missing {stream}")
    st = os.stat(stream)
    need(st.st_gid == grp.getgrnam("adm").gr_gid, f"{stream} is not in group adm (gid {st.st_gid})")
    need(stat.S_IMODE(st.st_mode) == 0o640, f"{stream} has mode {stat.S_IMODE(st.st_mode):o}, not 640")
    path = os.path.join(res.root, "kernel-package.txt")
    need(os.path.isfile(path), f"missing {path}")
    with open(path) as f:
        fields = dict(line.split(": ", 1) for line in f.read().splitlines() if ": " in line)
    need(fields.get("Package", "").startswith("linux-image-"),
         f"the honeypot kernel came from no linux-image package: {fields}")


def console_md5(console, marker):
    m = re.search(marker + r" ([0-9a-f]{32})", console)
    need(m, f"console shows no '{marker} <md5>' line")
    return m.group(1)


def sebek_pieces_of(recs, typ, ev):
    """The Sebek records the client would have sent for one native event:
    consecutive records of its type, pid and fd whose data adds up to it."""
    want = len(ev["data"])
    for i, r in enumerate(recs):
        if r["type"] != typ or r["pid"] != int(ev["pid"]) or r["fd"] != int(ev["fd"]):
            continue
        # (the fork marker of the same pid is an empty read: not a start)
        if not r["data"] or r["data"] != ev["data"][:len(r["data"])]:
            continue
        parts, have = [], 0
        for s in recs[i:]:
            if s["type"] != typ or s["pid"] != r["pid"] or s["fd"] != r["fd"]:
                continue
            if not s["data"]:
                continue
            parts.append(s["data"])
            have += len(s["data"])
            if have >= want:
                break
        if have == want and parts[0] == ev["data"][:len(parts[0])] and b"".join(parts) == ev["data"]:
            return len(parts)
    return None


def check_big_payloads(res):
    """A 5 MiB write and a 3 MiB read (one syscall each, larger than the
    ring) are in the native log whole, their checksums those the guest
    printed, and in the Sebek stream split like the Sebek client."""
    console = res.console(1)
    recs = res.records()
    for typ, kind, size, marker in ((1, "write", 5 << 20, "BIG-W"), (0, "read", 3 << 20, "BIG-R")):
        want = console_md5(console, marker)
        evs = [e for e in res.native() if e["type"] == kind and e["comm"] == "dd"
               and int(e["data_len"]) == size]
        need(evs, f"no {kind} of {size} bytes by dd in the native log (dd {kind}s: "
             f"{[e['data_len'] for e in res.native() if e['type'] == kind and e['comm'] == 'dd'][:8]})")
        ev = evs[0]
        need("truncated" not in ev, f"the {size}-byte {kind} is marked truncated: {ev.get('not_captured')} missing")
        got = hashlib.md5(ev["data"]).hexdigest()
        need(got == want, f"the {kind} in the native log has md5 {got}, the guest's is {want}")
        n = sebek_pieces_of(recs, typ, ev)
        need(n == size // 1320 + 1, f"the {kind} is in {n} Sebek records, the client sends {size // 1320 + 1}")


def check_failed_open(res):
    need("NOFILE-1" in res.console(1), "cat of the missing file did not run")
    hits = [e for e in res.native() if e["type"] == "open" and e.get("data") == b"/nonexistent/xebek-probe"]
    need(hits, "the failed open is not in the native log")
    need(hits[0].get("failed") == "1" and hits[0]["ret"] == "-2",
         f"the failed open is not marked failed with -ENOENT: ret={hits[0]['ret']}")
    need(not [r for r in res.records() if r["type"] == 3 and r["data"] == b"/nonexistent/xebek-probe"],
         "a failed open reached the Sebek stream (Sebek logged successful opens only)")


def check_terminal_identity(res):
    """Terminal input carries its terminal and session: every record of the
    shell's typed input names one terminal and the session of the shell."""
    pid = shell_pid(res.console(1), "SHELL")
    ins = [e for e in res.native() if e["type"] == "read" and e.get("tty_io") == "1" and int(e["pid"]) == pid]
    need(ins, f"no terminal input of the shell (pid {pid}) in the native log")
    ttys = {e["tty"] for e in ins}
    sids = {e["sid"] for e in ins}
    need(len(ttys) == 1 and "0" not in ttys, f"the shell's terminal input names terminals {ttys}")
    need(len(sids) == 1 and "0" not in sids, f"the shell's terminal input names sessions {sids}")
    outs = [e for e in res.native() if e["type"] == "write" and e.get("tty_io") == "1" and e["tty"] in ttys]
    need(outs, "no terminal output on the shell's terminal in the native log")


def check_socket_lifetime(res):
    """socket() and close of the intruder's nc are in the native log, and
    socket() (which Sebek never sent) is not in the Sebek stream."""
    nc = [e for e in res.native() if e["comm"] == "nc"]
    need(any(e["type"] == "socket" and e.get("call") == "1" for e in nc), "no socket() record of nc")
    need(any(e["type"] == "socket" and e.get("call") == "3" for e in nc), "no connect record of nc")
    need(any(e["type"] == "close" for e in res.native()), "no close record at all")
    calls = [struct.unpack(">4sH4sHHB", r["data"])[4] for r in res.records() if r["type"] == 2 and len(r["data"]) == 15]
    need(1 not in calls and 2 not in calls, f"socket()/bind() records in the Sebek stream: calls {sorted(set(calls))}")


def check_xen_time(res):
    """Every event of the first honeypot carries Xen system time, which
    never goes backwards within its ring."""
    by_log = {}
    for e in res.native():
        if e["type"] != "loss":
            by_log.setdefault(e["log"], []).append(int(e["xen_time_ns"]))
    need(by_log, "no events in the native logs")
    for log, times in by_log.items():
        need(all(t > 0 for t in times), f"{log}: events without Xen time")
        back = sum(1 for a, b in zip(times, times[1:]) if b < a)
        need(back == 0, f"{log}: Xen time goes back {back} times")


CHECKS = {
    "big_payloads": check_big_payloads,
    "failed_open": check_failed_open,
    "terminal_identity": check_terminal_identity,
    "socket_lifetime": check_socket_lifetime,
    "xen_time": check_xen_time,
    "package": check_package,
    "syscall_table": check_syscall_table,
    "keystrokes": check_keystrokes,
    "control": check_control,
    "opens": check_opens,
    "socket": check_socket,
    "write": check_write,
    "fork": check_fork,
    "stealth": check_stealth,
    "no_socket": check_no_socket,
    "recreate": check_recreate,
    "restore": check_restore,
    "late_daemon": check_late_daemon,
    "terminal_output": check_terminal_output,
    "terminal_password": check_terminal_password,
    "terminal_read_builtin": check_terminal_read_builtin,
    "keystroke_rule": check_keystroke_rule,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("check", choices=sorted(CHECKS) + ["producer_copy"])
    ap.add_argument("--repo", default=os.path.join(os.path.dirname(__file__), "..", ".."))
    ap.add_argument("--native-dump", help="xebek-native-dump, to read the native logs")
    a = ap.parse_args()
    res = Results(a.results, a.native_dump)
    try:
        if a.check == "producer_copy":
            check_producer_copy(res, a.repo)
        else:
            CHECKS[a.check](res)
    except CheckFailed as e:
        print(f"FAIL {a.check}: {e}")
        return 1
    print(f"PASS {a.check}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
