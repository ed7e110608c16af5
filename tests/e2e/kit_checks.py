"""What xebekd recorded of scripts/lab/intruder-kit, run by the intruder
scenario: one check per data path, each naming the path it proves. The
kit does each action under the name "kit-<action>" and with its own
marker in the data (see the kit's source); these checks rebuild the
marker and look for exactly those bytes, addresses and fields in the
native log (and, where Sebek has a record for it, in the Sebek stream)."""
import json
import os
import re
import socket
import struct

from check_lab import CheckFailed, need

S_IFMT, S_IFIFO, S_IFREG, S_IFSOCK = 0o170000, 0o010000, 0o100000, 0o140000
PAYLOAD = 6000
REWRITE_LEN = 256 * 1024
ENOENT, ECONNREFUSED = 2, 111


def marker(n, tag):
    """The kit's marker(): "KIT-<tag>-" then a-z repeating, n bytes."""
    head = f"KIT-{tag}-".encode()
    return head + bytes(ord("a") + i % 26 for i in range(len(head), n))


def kit_pid(res):
    m = re.search(r"KIT pid=(\d+)", res.console(1))
    need(m, "the intruder kit did not start (no 'KIT pid=' on the console)")
    return m.group(1)


def need_ok(res, action):
    con = res.console(1)
    failed = re.findall(rf"KIT {action} FAIL: [^\r\n]*", con)
    need(not failed, f"the kit's {action} failed in the honeypot: {failed[0] if failed else ''}")
    need(f"KIT {action} ok" in con, f"the kit's {action} did not run to its end")


def of_kit(res, action):
    """Events of one action: its task's name, or for io_uring's workers
    (named iou-wrk-*) the kit's own process."""
    pid = kit_pid(res)
    name = f"kit-{action}"[:15]
    return [e for e in res.native() if e["comm"] == name or (e["comm"].startswith("iou-") and e["tgid"] == pid)]


def file_type(e):
    return int(e["mode"]) & S_IFMT


def payload(events, kind, ftype):
    return [e.get("data", b"") for e in events if e["type"] == kind and file_type(e) == ftype]


def need_bytes(events, kind, ftype, want, what):
    got = payload(events, kind, ftype)
    need(want in got, f"no {kind} record {what} with its {len(want)} bytes "
         f"(have {len(got)} {kind}s: {[g[:24] for g in got][:6]})")


def sockets(events, call):
    return [e for e in events if e["type"] == "socket" and e.get("call") == str(call)]


def check_sendfile(res):
    """sendfile(2): the file's bytes as read by the kernel, and the
    receiving socket's bytes."""
    need_ok(res, "sendfile")
    ev = of_kit(res, "sendfile")
    data = marker(PAYLOAD, "SENDFILE")
    need_bytes(ev, "read", S_IFREG, data, "of the file sendfile sent")
    need(b"".join(payload(ev, "read", S_IFSOCK)) == data,
         "the receiving socket's reads do not hold the bytes sendfile sent")


def check_splice(res):
    """splice(2) file -> pipe -> file: both halves with their bytes."""
    need_ok(res, "splice")
    ev = of_kit(res, "splice")
    data = marker(PAYLOAD, "SPLICE")
    need_bytes(ev, "read", S_IFREG, data, "of the file spliced into the pipe")
    writes = payload(ev, "write", S_IFREG)
    need(writes.count(data) >= 2, "the splice out of the pipe into a file is not a write record "
         f"with its bytes (writes of the marker: {writes.count(data)}, want the creation and the splice)")


def check_copy_file_range(res):
    """copy_file_range(2): the read of the source and the write of the
    copy, though the program moved no byte itself."""
    need_ok(res, "cfr")
    ev = of_kit(res, "cfr")
    data = marker(PAYLOAD, "CFR")
    need_bytes(ev, "read", S_IFREG, data, "of copy_file_range's source")
    writes = payload(ev, "write", S_IFREG)
    need(writes.count(data) >= 2, "copy_file_range's write of the copy is not recorded "
         f"(writes of the marker: {writes.count(data)}, want the creation and the copy)")


def check_io_uring(res):
    """io_uring OPENAT, READ, WRITE, CONNECT, ACCEPT, SEND and RECV, with
    no system call of the same kind in the kit's io_uring action."""
    need_ok(res, "io_uring")
    ev = of_kit(res, "io_uring")
    opens = {(e.get("data"), e.get("failed")) for e in ev if e["type"] == "open"}
    need((b"/tmp/kit/uring.txt", None) in opens, f"io_uring OPENAT of uring.txt not recorded (opens {sorted(map(str, opens))[:6]})")
    failed = [e for e in ev if e["type"] == "open" and e.get("data") == b"/tmp/kit/absent/uring-missing"]
    need(failed and failed[0].get("failed") == "1" and failed[0]["ret"] == str(-ENOENT),
         f"io_uring's failed OPENAT is not recorded with ENOENT: {failed}")
    need_bytes(ev, "read", S_IFREG, marker(PAYLOAD, "URING-READ"), "of io_uring READ")
    need_bytes(ev, "write", S_IFREG, marker(PAYLOAD, "URING-WRITE"), "of io_uring WRITE")
    send = marker(PAYLOAD, "URING-SEND")
    need(b"".join(payload(ev, "write", S_IFSOCK)) == send, "io_uring SEND's bytes are not recorded")
    need(b"".join(payload(ev, "read", S_IFSOCK)) == send, "io_uring RECV's bytes are not recorded")
    need(any(e["remote"] == "127.0.0.1:41004" for e in sockets(ev, 3)),
         f"io_uring CONNECT to 127.0.0.1:41004 is not recorded: {sockets(ev, 3)}")
    need(any(e["local"] == "127.0.0.1:41004" for e in sockets(ev, 5)),
         f"io_uring ACCEPT on 127.0.0.1:41004 is not recorded: {sockets(ev, 5)}")


def check_udp(res):
    """A UDP service: bind, recvfrom, and the mmsg calls with their data."""
    need_ok(res, "udp")
    ev = of_kit(res, "udp")
    binds = [e for e in sockets(ev, 2) if e["local"] == "127.0.0.1:41005"]
    need(binds and binds[0]["sock_type"] == "2" and binds[0]["sock_proto"] == "17",
         f"no bind of a UDP socket to 127.0.0.1:41005: {sockets(ev, 2)}")
    reads = payload(ev, "read", S_IFSOCK)
    writes = payload(ev, "write", S_IFSOCK)
    for d in (b"KIT-UDP-DATAGRAM", b"KIT-MMSG-ONE", b"KIT-MMSG-TWO"):
        need(d in writes, f"the datagram {d!r} is not a recorded send (have {writes[:6]})")
    need(b"KIT-UDP-DATAGRAM" in reads and b"KIT-MMSG-ONE" in reads,
         f"the datagrams received by recvfrom and recvmmsg are not recorded (have {reads[:6]})")
    need(any(e["remote"].startswith("127.0.0.1:") for e in sockets(ev, 12)),
         f"no recvfrom record naming the sender: {sockets(ev, 12)}")


def check_tcp(res):
    """send(2) and recv(2) payloads, whole."""
    need_ok(res, "tcp")
    ev = of_kit(res, "tcp")
    data = marker(PAYLOAD, "TCP-SEND")
    need(b"".join(payload(ev, "write", S_IFSOCK)) == data, "send()'s bytes are not recorded whole")
    need(b"".join(payload(ev, "read", S_IFSOCK)) == data, "recv()'s bytes are not recorded whole")


def check_ipv6(res):
    """An IPv6 connect and accept on ::1, native log only (a Sebek record
    has room for IPv4 only)."""
    need_ok(res, "ipv6")
    ev = of_kit(res, "ipv6")
    need(any(e["remote"] == "[::1]:41007" for e in sockets(ev, 3)),
         f"no connect to [::1]:41007: {[e['remote'] for e in sockets(ev, 3)]}")
    need(any(e["local"] == "[::1]:41007" and e["remote"].startswith("[::1]:") for e in sockets(ev, 5)),
         f"no accept on [::1]:41007: {[(e['local'], e['remote']) for e in sockets(ev, 5)]}")
    need(b"KIT-IPV6-HELLO" in payload(ev, "write", S_IFSOCK), "the send over IPv6 is not recorded")


def sebek_sockets(res, comm):
    out = []
    for r in res.records():
        if r["type"] == 2 and r["comm"] == comm and len(r["data"]) == 15:
            dip, dport, sip, sport, call, proto = struct.unpack(">4sH4sHHB", r["data"])
            out.append((socket.inet_ntoa(dip), dport, socket.inet_ntoa(sip), sport, call))
    return out


def check_v4mapped(res):
    """An IPv4 peer of a dual-stack listener: ::ffff:127.0.0.1 in the
    native log, plain IPv4 in the Sebek stream."""
    need_ok(res, "v4mapped")
    ev = of_kit(res, "v4mapped")
    acc = [e for e in sockets(ev, 5) if e["local"].endswith(":41008")]
    need(acc and acc[0]["remote"].startswith("[::ffff:127.0.0.1]:"),
         f"the dual-stack accept does not name the v4-mapped peer: {[(e['local'], e['remote']) for e in acc]}")
    seb = [s for s in sebek_sockets(res, "kit-v4mapped") if s[4] == 5]
    need(any("127.0.0.1" in (s[0], s[2]) and 41008 in (s[1], s[3]) for s in seb),
         f"the Sebek stream has no IPv4 accept record of the v4-mapped peer: {seb}")


def check_socketpair(res):
    """socketpair(2): one record per end, each naming the other, in the
    native log only; and the message over it."""
    need_ok(res, "socketpair")
    m = re.search(r"KIT socketpair fds=(\d+),(\d+)", res.console(1))
    need(m, "the kit did not print the pair's descriptors")
    ev = of_kit(res, "socketpair")
    ends = {(e["fd"], e["ret"]) for e in sockets(ev, 8) if e["local"] == "unix" and e["sock_type"] == "1"}
    a, b = m.group(1), m.group(2)
    need(ends == {(a, b), (b, a)}, f"socketpair records name the ends {sorted(ends)}, want fds {a} and {b}")
    need(b"KIT-SOCKETPAIR" in payload(ev, "write", S_IFSOCK) and b"KIT-SOCKETPAIR" in payload(ev, "read", S_IFSOCK),
         "the message over the pair is not recorded both ways")
    need(not [s for s in sebek_sockets(res, "kit-socketpair") if s[4] == 8],
         "socketpair records reached the Sebek stream, which has no call 8")


def check_failed(res):
    """Probes: a failed open and a refused connect, each with its error."""
    need_ok(res, "failed")
    ev = of_kit(res, "failed")
    op = [e for e in ev if e["type"] == "open" and e.get("data") == b"/tmp/kit/absent/kit-missing"]
    need(op and op[0].get("failed") == "1" and op[0]["ret"] == str(-ENOENT),
         f"the failed open is not recorded with ENOENT: {op}")
    co = [e for e in sockets(ev, 3) if e["remote"] == "127.0.0.1:41009"]
    need(co and co[0].get("failed") == "1" and co[0]["ret"] == str(-ECONNREFUSED),
         f"the refused connect is not recorded with ECONNREFUSED: {co}")


def check_setuid(res):
    """A setuid-root program run by uid 1000: euid 0 beside uid 1000."""
    need_ok(res, "setuid")
    op = [e for e in res.native() if e["type"] == "open" and e.get("data") == b"/tmp/kit/suid-marker"]
    need(op, "the setuid helper's open is not recorded")
    need(op[0]["uid"] == "1000" and op[0]["euid"] == "0" and op[0]["comm"] == "kit-suid",
         f"the setuid helper's open has uid {op[0]['uid']} euid {op[0]['euid']} comm {op[0]['comm']}, "
         "want uid 1000 euid 0")


# The kit's long exec: argv[0] "true" and 45 arguments of 131071 bytes.
LONG_ARGV = b"true\0" + b"".join(marker(131072, "LONG-ARGV")[:131071] + b"\0" for _ in range(45))


def check_long_argv(res):
    """An exec whose arguments pass the cap: cut there, TRUNCATED, and
    the count of bytes left out."""
    need_ok(res, "long_argv")
    ex = [e for e in res.native() if e["type"] == "exec" and e.get("data", b"").startswith(b"/bin/true\0true\0KIT-")]
    need(ex, "the long exec is not recorded")
    e, whole = ex[0], b"/bin/true\0" + LONG_ARGV
    need(e.get("truncated") == "1", "the exec record cut at the cap does not carry TRUNCATED")
    got = e["data"]
    need(len(got) >= 1 << 20 and whole.startswith(got),
         f"the exec record holds {len(got)} bytes, not the first bytes of its arguments")
    need(int(e["not_captured"]) == len(whole) - len(got),
         f"not_captured is {e['not_captured']}, want {len(whole) - len(got)}")


def check_aio(res):
    """A Linux AIO read (io_submit) with its bytes."""
    need_ok(res, "aio")
    need_bytes(of_kit(res, "aio"), "read", S_IFREG, marker(PAYLOAD, "AIO-READ"), "of the AIO read")


def check_opens(res):
    """memfd_create and open_by_handle_at are opens too."""
    need_ok(res, "opens")
    ev = of_kit(res, "opens")
    paths = [e.get("data", b"") for e in ev if e["type"] == "open"]
    need(any(b"memfd:kit-memfd" in p for p in paths), f"memfd_create is not recorded (opens {paths[:6]})")
    by_handle = [e for e in ev if e["type"] == "open" and e.get("data") == b"/tmp/kit/handle.txt"
                 and int(e["open_flags"]) & 0o3 == 0]
    need(by_handle, "open_by_handle_at of handle.txt (read-only) is not recorded")


def check_process_vm(res):
    """process_vm_readv of a child, with the child's pid."""
    need_ok(res, "process_vm")
    m = re.search(r"KIT process_vm target=(\d+)", res.console(1))
    need(m, "the kit did not print the process_vm target")
    pv = [e for e in of_kit(res, "process_vm") if e["type"] == "process_vm"]
    need(any(e["target_pid"] == m.group(1) and e.get("vm") == "read" and e["ret"] == "32" for e in pv),
         f"no process_vm_readv record of pid {m.group(1)} moving 32 bytes: {pv}")


def check_rewrite(res):
    """A sibling thread rewrote the buffer of a write blocked in the
    kernel (a full pipe): the record holds the bytes the write was given,
    and the pipe delivered those same bytes (it wrote from Xebek's copy),
    so the record is what the reader got."""
    need_ok(res, "rewrite")
    m = re.search(r"KIT rewrite received-rewritten=(\d+)", res.console(1))
    need(m, "the kit did not print what the rewrite's reader received")
    ev = of_kit(res, "rewrite")
    data = marker(REWRITE_LEN, "REWRITE")
    writes = payload(ev, "write", S_IFIFO)
    need(data in writes, "the pipe write is not recorded with the bytes it was given "
         f"(writes: {[(len(w), w.count(b'Z')) for w in writes][:4]} as (bytes, of them rewritten))")
    need(m.group(1) == "0", f"the pipe delivered {m.group(1)} rewritten bytes: the file was given "
         "the caller's buffer again after the capture copied it")
    need(b"".join(payload(ev, "read", S_IFIFO)) == data,
         "the reader's pipe reads do not hold the bytes that were recorded for the write")


def check_dupfd(res):
    """A file and a socket used through a second, higher descriptor: the
    records name the descriptor the system call was given (a scan of the
    task's table would find the lower one)."""
    need_ok(res, "dupfd")
    m = re.search(r"KIT dupfd first=(\d+),(\d+)", res.console(1))
    need(m, "the kit did not print the first descriptors")
    ev = of_kit(res, "dupfd")
    data = marker(PAYLOAD, "DUPFD")
    writes = [e for e in ev if e["type"] == "write" and e.get("data") == data]
    need(writes, "the write on the second descriptor is not recorded")
    need({e["fd"] for e in writes} == {"77"},
         f"the file write is recorded with fd {sorted({e['fd'] for e in writes})}, not 77 "
         f"(the first descriptor was {m.group(1)})")
    sends = [e for e in ev if e["type"] == "write" and e.get("data") == b"KIT-DUPFD-SEND"]
    need(sends, "the send on the second descriptor is not recorded")
    need({e["fd"] for e in sends} == {"78"},
         f"the send is recorded with fd {sorted({e['fd'] for e in sends})}, not 78 "
         f"(the first descriptor was {m.group(2)})")


SMP_WRITES, SMP_LEN = 500, 300


def smp_record(cpu, n):
    """The kit's smp_record(): "KIT-SMP-<cpu>-<n>-" then a-z, SMP_LEN bytes."""
    head = f"KIT-SMP-{cpu}-{n:05d}-".encode()
    return head + bytes(ord("a") + i % 26 for i in range(len(head), SMP_LEN))


def check_smp(res):
    """One writer pinned to each vCPU, all writing at once: per writer,
    every record arrives once, in the order written, byte for byte."""
    need_ok(res, "smp")
    m = re.search(r"KIT smp cpus=(\d+)", res.console(1))
    need(m and int(m.group(1)) >= 2, f"the honeypot ran the smp writers on {m.group(1) if m else 'no'} CPUs, "
         "not at least 2")
    # the writer threads' file writes (not the kit's terminal output; its
    # io_uring workers share its pid)
    writes = sorted((int(e["seq"]), e.get("data", b"")) for e in res.native()
                    if e["type"] == "write" and e["comm"] == "kit-smp" and e.get("tty_io") != "1")
    seen = {}
    for _, data in writes:
        mm = re.match(rb"KIT-SMP-(\d+)-(\d{5})-", data)
        need(mm, f"an smp write record does not start with the kit's header: {data[:32]!r}")
        cpu, n = int(mm.group(1)), int(mm.group(2))
        need(data == smp_record(cpu, n), f"the record of CPU {cpu} write {n} is corrupted "
             f"({len(data)} bytes, starts {data[:32]!r})")
        seen.setdefault(cpu, []).append(n)
    need(len(seen) == int(m.group(1)), f"records came from the writers of {len(seen)} CPUs, "
         f"not all {m.group(1)}")
    for cpu, ns in sorted(seen.items()):
        need(ns == list(range(SMP_WRITES)), f"CPU {cpu}'s writes arrived as {len(ns)} records, "
             f"{len(set(ns))} distinct, {'in' if ns == sorted(ns) else 'out of'} order, "
             f"not each of the {SMP_WRITES} once in order; " + smp_gap_report(res, writes, cpu))


def smp_gap_report(res, writes, cpu):
    """Where CPU "cpu"'s missing writes would have been: the seqs around
    them, whether the native log lacks any seq there (xebekd lost a record
    the ring held) or none (the honeypot never queued one), and the losses
    reported."""
    ev = res.native()
    have = {int(e["seq"]) for e in ev if "seq" in e}
    mine = [(seq, int(re.match(rb"KIT-SMP-\d+-(\d{5})-", d).group(1)))
            for seq, d in writes if d.startswith(f"KIT-SMP-{cpu}-".encode())]
    got = {n for _, n in mine}
    parts = []
    for n in [n for n in range(SMP_WRITES) if n not in got][:5]:
        before = max((s for s, m in mine if m < n), default=None)
        after = min((s for s, m in mine if m > n), default=None)
        lo, hi = before if before is not None else min(have), after if after is not None else max(have)
        absent = [s for s in range(lo + 1, hi) if s not in have]
        parts.append(f"write {n} missing between seq {before} and {after}, "
                     f"native log lacks {len(absent)} seq there{(' ' + str(absent[:5])) if absent else ''}")
    losses = [f"seq {e['seq']}: {e.get('lost', '?')} lost ({e.get('reason', '?')})"
              for e in ev if e["type"] == "loss"]
    parts.append(f"loss events: {losses[:5] if losses else 'none'}")
    status = os.path.join(res.root, "results", "status.json")
    if os.path.isfile(status):
        with open(status) as f:
            doms = json.load(f).get("domains", [])
        parts.append("xebekd counted " + "; ".join(
            f"lost {d.get('lost')}, protocol_errors {d.get('protocol_errors')}, "
            f"errors {d.get('errors')}, skipped_replayed {d.get('skipped_replayed')}" for d in doms))
    return "; ".join(parts)


def check_all(res):
    """The kit ran every action and none failed."""
    con = res.console(1)
    need("KIT-ALL-OK" in con, "intruder-kit all did not succeed: "
         + "; ".join(re.findall(r"KIT \S+ FAIL: [^\r\n]*", con)))


CHECKS = {
    "kit_all": check_all,
    "kit_sendfile": check_sendfile,
    "kit_splice": check_splice,
    "kit_copy_file_range": check_copy_file_range,
    "kit_io_uring": check_io_uring,
    "kit_udp": check_udp,
    "kit_tcp": check_tcp,
    "kit_ipv6": check_ipv6,
    "kit_v4mapped": check_v4mapped,
    "kit_socketpair": check_socketpair,
    "kit_failed": check_failed,
    "kit_setuid": check_setuid,
    "kit_long_argv": check_long_argv,
    "kit_aio": check_aio,
    "kit_opens": check_opens,
    "kit_process_vm": check_process_vm,
    "kit_rewrite": check_rewrite,
    "kit_dupfd": check_dupfd,
    "kit_smp": check_smp,
}
