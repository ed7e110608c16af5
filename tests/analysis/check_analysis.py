#!/usr/bin/env python3
"""Checks xebek-sessions, xebek-tree and xebek-export, as binaries, on the
golden vectors against the expected files in expected/ (written from what
tests/vectors/README.md and the oracle's records.tsv say each session typed
and printed), with the real asciinema and jq.

    check_analysis.py CHECK --bin-dir BUILD/tools --vectors DIR

CHECK: sessions, asciinema, tree, ecs, follow, bad-input."""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "expected")
FAILURES = []


def need(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


def run(argv, stdin=None, ok=(0,)):
    p = subprocess.run(argv, input=stdin, capture_output=True)
    if p.returncode not in ok:
        raise SystemExit(f"{argv} exited {p.returncode}: {p.stderr.decode(errors='replace')}")
    return p


def expected(name, mode="r"):
    with open(os.path.join(EXPECTED, name), mode) as f:
        return f.read()


def load_cast(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    return json.loads(lines[0]), [json.loads(line) for line in lines[1:]]


def same_events(got, want):
    if len(got) != len(want):
        return False
    return all(abs(g[0] - w[0]) < 2e-6 and g[1:] == w[1:] for g, w in zip(got, want))


class Tools:
    def __init__(self, bin_dir, vectors):
        self.sessions = os.path.join(bin_dir, "sessions", "xebek-sessions")
        self.tree = os.path.join(bin_dir, "tree", "xebek-tree")
        self.export = os.path.join(bin_dir, "export", "xebek-export")
        self.vectors = vectors

    def vector(self, name):
        return os.path.join(self.vectors, name)


# Each vector read three ways must give the same sessions: the pcap, the
# sbk_extract stream as a file, and the stream on standard input.
def session_runs(t, name):
    pcap, stream = t.vector(f"{name}.pcap"), t.vector(f"{name}.expected.sbk")
    with open(stream, "rb") as f:
        stream_bytes = f.read()
    for how, args, stdin in (("pcap", [pcap], None), ("stream", [stream], None),
                             ("stdin", [], stream_bytes)):
        out = tempfile.mkdtemp(prefix=f"sessions-{name}-{how}-")
        p = run([t.sessions, "--out", out] + args, stdin=stdin)
        yield how, out, p.stdout.decode()


def check_sessions(t):
    for name in ("x", "edge"):
        index = expected(f"{name}.index.tsv")
        want_casts = sorted(f[len(name) + 1:] for f in os.listdir(EXPECTED)
                            if f.startswith(name + ".") and f.endswith(".cast"))
        for how, out, stdout in session_runs(t, name):
            need(stdout == index, f"{name} ({how}): index differs:\n{stdout}")
            need(sorted(os.listdir(out)) == want_casts,
                 f"{name} ({how}): casts {sorted(os.listdir(out))} != {want_casts}")
            for cast in want_casts:
                path = os.path.join(out, cast)
                if not os.path.exists(path):
                    continue
                header, events = load_cast(path)
                want_header, want_events = load_cast(os.path.join(EXPECTED, f"{name}.{cast}"))
                need(header == want_header, f"{name} ({how}) {cast}: header {header}")
                need(same_events(events, want_events), f"{name} ({how}) {cast}: events differ")
    # The header options; idle time stays in the events (only players shorten it).
    out = tempfile.mkdtemp(prefix="sessions-options-")
    run([t.sessions, "--out", out, "--idle-time-limit", "2.5", "--width", "100", "--height", "30",
         t.vector("x.pcap")])
    header, events = load_cast(os.path.join(out, "s001-10.0.0.23-tty3.cast"))
    need((header["width"], header["height"], header["idle_time_limit"]) == (100, 30, 2.5),
         f"header options: {header}")
    _, want_events = load_cast(os.path.join(EXPECTED, "x.s001-10.0.0.23-tty3.cast"))
    need(same_events(events, want_events), "--idle-time-limit changed the event times")


# `asciinema cat` needs a terminal: it is run under script(1)'s pty.
def asciinema_cat(path):
    p = run(["script", "-qec", f"asciinema cat '{path}'", "/dev/null"])
    return p.stdout


def check_asciinema(t):
    for name in ("x", "edge"):
        out = tempfile.mkdtemp(prefix=f"asciinema-{name}-")
        run([t.sessions, "--out", out, t.vector(f"{name}.pcap")])
        for cast in sorted(os.listdir(out)):
            want = expected(f"{name}.{cast[:-5]}.output", "rb")
            got = asciinema_cat(os.path.join(out, cast))
            need(got == want, f"{name} {cast}: asciinema cat printed {got[:200]!r}... "
                              f"({len(got)} bytes, want {len(want)})")
    # The session's commands appear in what asciinema printed, as typed.
    out = tempfile.mkdtemp(prefix="asciinema-x-")
    run([t.sessions, "--out", out, t.vector("x.pcap")])
    text = asciinema_cat(os.path.join(out, "s001-10.0.0.23-tty3.cast")).decode()
    text = text.replace("\r\n", "\n")
    for piece in ("root@honeypot:~# uname -a\nLinux honeypot 2.6.18-xen",
                  "root@honeypot:~# cat /etc/passwd\nroot:x:0:0:root:/root:/bin/bash\n",
                  "tcpdump:x:109:117::/nonexistent:/usr/sbin/nologin\nroot@honeypot:~# exiyt"):
        need(piece in text, f"asciinema cat of x lacks {piece!r}")


def tree_json(t, path):
    return json.loads(run([t.tree, "--json", path]).stdout)


def walk(nodes):
    for n in nodes:
        yield n
        yield from walk(n["children"])


def check_tree(t):
    for name in ("x", "edge"):
        got = run([t.tree, t.vector(f"{name}.pcap")]).stdout.decode()
        need(got == expected(f"{name}.tree.txt"), f"{name}: text tree differs:\n{got}")
    doc = tree_json(t, t.vector("x.pcap"))
    need([h["host"] for h in doc["hosts"]] == ["10.0.0.23"], "x: one host")
    roots = doc["hosts"][0]["processes"]
    need([r["pid"] for r in roots] == [1234], f"x: root {[r['pid'] for r in roots]}")
    bash = roots[0]
    need([c["pid"] for c in bash["children"]] == [1235, 1236, 1237, 1238], "x: bash's children")
    need([c["value"] for c in bash["comm"]] == ["sshd", "bash"], "x: bash forked from sshd")
    by_pid = {n["pid"]: n for n in walk(roots)}
    need([f["path"] for f in by_pid[1236]["files"]] ==
         ["/etc/ld.so.cache", "/lib/x86_64-linux-gnu/libc.so.6", "/etc/passwd"], "x: cat's opens")
    need(by_pid[1236]["bytes_read"] == 1576 and by_pid[1236]["bytes_written"] == 1576,
         "x: cat moved /etc/passwd's 1576 bytes")
    wget = by_pid[1237]["connections"]
    need([(c["call"], c["remote_ip"], c["remote_port"]) for c in wget] ==
         [("connect", "10.0.0.5", 80), ("sendto", "10.0.0.5", 80)], f"x: wget {wget}")
    nc = by_pid[1238]["connections"]
    need([(c["call"], c["remote_ip"], c["remote_port"], c["local_port"]) for c in nc] ==
         [("listen", "0.0.0.0", 0, 4444), ("accept", "192.168.1.66", 51515, 4444),
          ("recvmsg", "192.168.1.66", 51515, 4444)], f"x: nc {nc}")
    need(all(n["session"] == "s001-10.0.0.23-tty3" for n in by_pid.values()),
         "x: every process in the one session")
    need(all(n["parent_entity_id"] == bash["entity_id"] for n in bash["children"]),
         "x: children name bash's entity id")
    edge = tree_json(t, t.vector("edge.pcap"))
    need([h["host"] for h in edge["hosts"]] == ["10.0.0.23", "10.0.0.25", "10.0.0.24"],
         "edge: three hosts kept apart")


# Fields every ECS line carries; socket and open lines carry their own.
REQUIRED = ('has("@timestamp") and (.event.action|type=="string") and '
            '(.host.name|type=="string") and '
            '(.event.action == "loss" or ((.process.pid|type=="number") and '
            '(.process.parent.pid|type=="number") and '
            '(.process.entity_id|type=="string") and (.user.id|type=="string")))')
SOCKET = ('select(.event.category==["network"]) | '
          '(.source.ip|type=="string") and (.destination.port|type=="number") and '
          '(.network.transport|type=="string")')
OPEN = 'select(.event.action=="open") | (.file.path|type=="string")'


def jq(program, text, slurp=True):
    args = ["jq", "-e"] + (["-s"] if slurp else []) + [program]
    p = subprocess.run(args, input=text, capture_output=True)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def check_ecs(t):
    for name in ("x", "edge"):
        lines = run([t.export, "--format", "ecs", t.vector(f"{name}.pcap")]).stdout
        need(lines.count(b"\n") > 0, f"{name}: empty export")
        rc, _, err = jq(".", lines, slurp=False)
        need(rc == 0, f"{name}: jq cannot parse the export: {err}")
        rc, out, _ = jq(f"map({REQUIRED}) | all", lines)
        need(rc == 0 and out.strip() == "true", f"{name}: a line lacks a required ECS field")
        rc, out, _ = jq(f"[.[] | {SOCKET}] | all", lines)
        need(rc == 0, f"{name}: a socket line lacks source/destination/network fields")
        rc, out, _ = jq(f"[.[] | {OPEN}] | all", lines)
        need(rc == 0, f"{name}: an open line lacks file.path")
        # Entity ids: those of the export are the tree's, and each session's
        # root in the index is a process of the tree and of the export.
        _, ids, _ = jq('[.[] | .process.entity_id // empty] | unique | .[]', lines)
        export_ids = {json.loads(i) for i in ids.split()}
        tree_ids = {n["entity_id"] for h in tree_json(t, t.vector(f"{name}.pcap"))["hosts"]
                    for n in walk(h["processes"])}
        need(export_ids == tree_ids, f"{name}: export ids {export_ids ^ tree_ids} not in both")
        out = tempfile.mkdtemp(prefix=f"ecs-{name}-")
        index = json.loads(run([t.sessions, "--json", "--out", out,
                                t.vector(f"{name}.pcap")]).stdout)
        for s in index["sessions"]:
            need(s["root_entity_id"] in tree_ids and s["root_entity_id"] in export_ids,
                 f"{name}: session root {s['root_entity_id']} unknown to tree or export")
    lines = run([t.export, "--format", "ecs", t.vector("x.pcap")]).stdout
    rc, out, _ = jq('[.[] | select(.event.action=="accept")][0] | '
                    '[.source.ip, .source.port, .destination.port, .network.direction]', lines)
    need(json.loads(out) == ["192.168.1.66", 51515, 4444, "ingress"], f"x: accept is {out}")
    rc, out, _ = jq('[.[] | select(.event.action=="connect")][0] | '
                    '[.source.ip, .destination.ip, .destination.port, .process.name]', lines)
    need(json.loads(out) == ["10.0.0.23", "10.0.0.5", 80, "wget"], f"x: connect is {out}")
    rc, out, _ = jq('length', lines)
    need(out.strip() == "86", f"x: {out.strip()} lines for the 86 records")


def wait_for(pred, seconds=10):
    end = time.time() + seconds
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


# -F on a live domain log: the stream grows after the tools started.
def check_follow(t):
    stream = open(t.vector("x.expected.sbk"), "rb").read()
    logdir = tempfile.mkdtemp(prefix="follow-") + "/honeypot"
    os.makedirs(logdir)
    live = os.path.join(logdir, "sebek.sbk")
    cut = record_boundary(stream, 30)
    with open(live, "wb") as f:
        f.write(stream[:cut])
    out = tempfile.mkdtemp(prefix="follow-casts-")
    sessions = subprocess.Popen([t.sessions, "--out", out, "-F", logdir], stdout=subprocess.PIPE)
    export = subprocess.Popen([t.export, "--format", "ecs", "-F", logdir],
                              stdout=subprocess.PIPE)
    cast = os.path.join(out, "s001-honeypot-tty3.cast")
    need(wait_for(lambda: os.path.exists(cast)), "follow: no cast after the first command")
    with open(live, "ab") as f:
        f.write(stream[cut:])
    # The last record is the CR that ends "exit"; its input event ends the cast.
    need(wait_for(lambda: '"i", "\\r"]' in open(cast).read()),
         "follow: the cast did not grow to the end of the log")
    # The export follows on its own: stop it only once it has caught up
    # too (on a loaded machine it may lag behind the cast).
    got = []
    reader = threading.Thread(target=lambda: got.extend(iter(export.stdout.readline, b"")))
    reader.start()
    wait_for(lambda: len(got) >= 86)
    for p in (sessions, export):
        p.send_signal(signal.SIGINT)
    index, _ = sessions.communicate(timeout=10)
    export.wait(timeout=10)
    reader.join(timeout=10)
    lines = b"".join(got)
    need(sessions.returncode == 0 and export.returncode == 0, "follow: SIGINT is a clean end")
    need(b"s001-honeypot-tty3\t" in index, f"follow: index {index!r}")
    need(lines.count(b"\n") == 86, f"follow: {lines.count(bytes([10]))} ECS lines, want 86")
    _, events = load_cast(cast)
    _, want = load_cast(os.path.join(EXPECTED, "x.s001-10.0.0.23-tty3.cast"))
    need(same_events(events, want), "follow: the live cast differs from the expected one")


def record_boundary(stream, n):
    off = 0
    for _ in range(n):
        length = int.from_bytes(stream[off + 12 + 52:off + 12 + 56], "big")
        off += 68 + length
    return off


def check_bad_input(t):
    stream = open(t.vector("x.expected.sbk"), "rb").read()
    cut = record_boundary(stream, 40) + 30  # inside record 40's header
    for tool, args in ((t.sessions, ["--out", tempfile.mkdtemp(prefix="bad-")]),
                       (t.tree, []), (t.export, ["--format", "ecs"])):
        p = run([tool] + args, stdin=stream[:cut], ok=(1,))
        err = p.stderr.decode()
        need(err.count("\n") == 1 and f"stdin: byte offset {record_boundary(stream, 40)}" in err,
             f"{os.path.basename(tool)} on a cut stream said {err!r}")
        if tool == t.export:
            need(p.stdout.count(b"\n") == 40, "export printed the 40 records before the cut")
        if tool == t.sessions:
            need(b"s001-10.0.0.23-tty3" in p.stdout, "sessions printed its index before failing")
    for tool, args in ((t.sessions, ["--out", tempfile.mkdtemp(prefix="bad-")]), (t.tree, [])):
        p = run([tool] + args + ["/nonexistent/x.pcap"], ok=(1,))
        need(p.stderr.count(b"\n") == 1 and b"/nonexistent/x.pcap" in p.stderr,
             f"missing file: {p.stderr!r}")
        empty = tempfile.mkdtemp(prefix="empty-")
        p = run([tool] + args + [empty], ok=(1,))
        need(b"no native.xnl or sebek.sbk" in p.stderr, f"empty dir: {p.stderr!r}")
    p = run([t.export, t.vector("x.pcap")], ok=(2,))
    need(b"--format ecs" in p.stderr, "export without --format is a usage error")
    for tool in (t.sessions, t.tree, t.export):
        p = run([tool, "--help"])
        need(b"Usage:" in p.stdout, f"{tool} --help")
    garbage = bytes(range(256)) * 4
    p = run([t.tree], stdin=garbage, ok=(1,))
    need(b"byte offset 0" in p.stderr, f"garbage: {p.stderr!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("check")
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--vectors", required=True)
    a = ap.parse_args()
    t = Tools(a.bin_dir, a.vectors)
    checks = {"sessions": check_sessions, "asciinema": check_asciinema, "tree": check_tree,
              "ecs": check_ecs, "follow": check_follow, "bad-input": check_bad_input}
    checks[a.check](t)
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
