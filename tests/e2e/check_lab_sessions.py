#!/usr/bin/env python3
"""The Xen lab's intruder session replayed from xebekd's logs: xebek-sessions
on the honeypot's log directory must give a cast whose output holds what the
lab typed and what the commands printed, in the order the console showed.

    check_lab_sessions.py RESULTS_DIR --sessions BIN

RESULTS_DIR is scripts/xen-lab's results (results/console-domain1.log and
var/log/xebek/<domain>/). Exit 0 if the cast holds, 1 with the reason
otherwise, 2 if the results are missing (a lab that did not run fails)."""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

# What scripts/lab/dom0-init types into domain 1 while capture is on, and
# the line each command prints (a regex, filled in from the console).
TYPED = [
    ("echo SHELL pid=$$ uid=$(id -u)", r"SHELL pid=\d+ uid=0"),
    ("cat /etc/motd", None),
    # busybox cat copies with sendfile(2), which the capture does not see
    # yet: its output is not in the cast (the shell's own output is).
    ("cd /etc && cat hostname", None),
    ("echo stolen > /tmp/loot.txt", None),
    ("sh -c 'echo FORK-$((40+2))'", r"FORK-42"),
    ("echo ONMARK-$((2+2))", r"ONMARK-4"),
]
# Typed while capture was off: neither it nor its output may be in the cast.
NOT_CAPTURED = "OFFMARK-2"


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def load_cast(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    return json.loads(lines[0]), [json.loads(line) for line in lines[1:]]


def plain(text):
    """Terminal text without CRs and escape sequences (prompt colours, line
    editing's cursor moves)."""
    text = re.sub(r"\x1b\[[0-9;?]*[ -/]*[@-~]", "", text)
    text = re.sub(r"\x1b[@-_]", "", text)
    return text.replace("\r", "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--sessions", required=True)
    a = ap.parse_args()
    console_path = os.path.join(a.results, "results", "console-domain1.log")
    logs = os.path.join(a.results, "var", "log", "xebek")
    if not os.path.isfile(console_path) or not os.path.isdir(logs):
        print(f"no lab results under {a.results}: run scripts/xen-lab first", file=sys.stderr)
        return 2
    console = plain(open(console_path, "rb").read().decode("utf-8", "replace"))
    domains = [d for d in glob.glob(os.path.join(logs, "*")) if os.path.isdir(d)]
    if not domains:
        fail(f"no domain log directory under {logs}")
    casts = []
    for d in domains:
        out = tempfile.mkdtemp(prefix="lab-sessions-")
        p = subprocess.run([a.sessions, "--out", out, d], capture_output=True)
        if p.returncode != 0:
            fail(f"xebek-sessions {d} exited {p.returncode}: {p.stderr.decode(errors='replace')}")
        casts += [os.path.join(out, f) for f in sorted(os.listdir(out))]
    chosen = None
    for path in casts:
        _, events = load_cast(path)
        if any(e[1] == "o" and "SHELL pid=" in e[2] for e in events):
            chosen = path
            break
    if not chosen:
        fail(f"no cast of {len(casts)} has the output of 'echo SHELL ...': {casts}")
    header, events = load_cast(chosen)
    print("cast:", chosen, header)
    output = plain("".join(e[2] for e in events if e[1] == "o"))
    typed = "".join(e[2] for e in events if e[1] == "i")

    # Each command was typed (input events), and its output, with the exact
    # text the console showed (pids included), follows it in the output.
    at_in, at_out = 0, 0
    for command, printed in TYPED:
        i = typed.find(command, at_in)
        if i < 0:
            fail(f"the cast's input lacks {command!r} (after offset {at_in})")
        at_in = i + len(command)
        o = output.find(command, at_out)  # the shell's echo of the typed line
        if o < 0:
            fail(f"the cast's output lacks the echo of {command!r}")
        at_out = o + len(command)
        if printed:
            m = re.compile(printed).search(output, at_out)
            if not m:
                fail(f"the output of {command!r} ({printed}) is not after its echo")
            shown = re.search(printed, console)
            if not shown or shown.group(0) != m.group(0):
                fail(f"the cast shows {m.group(0)!r} where the console showed "
                     f"{shown.group(0) if shown else None!r}")
            at_out = m.end()
    if NOT_CAPTURED in output or NOT_CAPTURED in typed:
        fail(f"{NOT_CAPTURED} was typed with capture off, yet it is in the cast")

    # Input and output interleave as on the console: when a command's output
    # appears, that command has been typed and the next one not yet.
    for k, (command, printed) in enumerate(TYPED):
        if not printed or not printed[0].isupper():
            continue
        token = re.compile(printed)
        shown_at = next((n for n, e in enumerate(events)
                         if e[1] == "o" and token.search(e[2])), None)
        if shown_at is None:
            fail(f"no single output event shows {printed}")
        typed_before = "".join(e[2] for e in events[:shown_at] if e[1] == "i")
        if command not in typed_before:
            fail(f"{printed} is shown before {command!r} was typed")
        if k + 1 < len(TYPED) and TYPED[k + 1][0] in typed_before:
            fail(f"{printed} is shown only after {TYPED[k + 1][0]!r} was typed")
    if any(b[0] < a[0] for a, b in zip(events, events[1:])):
        fail("event times go backwards")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
