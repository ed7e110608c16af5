#!/usr/bin/env python3
"""Asserts what xebekd recorded of the intruder scenario
(tests/e2e/scenarios/intruder) run by
    scripts/xen-lab --scenario tests/e2e/scenarios/intruder --results R
    check_scenario.py R CHECK [--native-dump PATH]
Exit 0 if the check holds, 1 with the reason otherwise, 2 if the results
are missing (a scenario that did not run is a failure, never a skip).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_lab import CheckFailed, Results, keystroke_lines, need  # noqa: E402
from kit_checks import CHECKS as KIT_CHECKS  # noqa: E402

SECRET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios", "intruder", "secret.txt")


def check_ran(res):
    need(res.check("scenario") == "done", "the scenario did not print SCENARIO-DONE")
    need(res.check("scenario_exit") == "0", f"/scenario/run exited {res.check('scenario_exit')}")
    path = os.path.join(res.root, "results", "status.json")
    need(os.path.isfile(path), "no status.json came back")
    with open(path) as f:
        status = json.load(f)
    doms = [d for d in status.get("domains", []) if d.get("name") == "honeypot"]
    need(doms, f"status.json lists no honeypot domain: {status}")
    need(doms[0].get("records", 0) > 0, f"xebekd received no records: {doms[0]}")
    need(os.path.isdir(os.path.join(res.root, "var", "log", "xebek", "honeypot")),
         "no per-domain logs under var/log/xebek/honeypot")


def check_keystrokes(res):
    lines = {(l["text"], l["comm"]) for l in keystroke_lines(res.records())}
    for text, comm in (("uname -a", "run"), ("echo INNER-$((20+22))", "dash"), ("cat /etc/hostname", "dash")):
        need((text, comm) in lines, f"the typed line {text!r} of {comm} is not in the keystroke log "
             f"(have {sorted(lines)[:10]})")


def check_password(res):
    reads = [r for r in res.records() if r["type"] == 0 and r["comm"] == "dd"]
    whole = [r for r in reads if r["data"] == b"toor-Pa55word\n"]
    need(len(whole) == 1, f"the password line is in {len(whole)} read records of dd, not 1 "
         f"(dd reads: {[r['data'][:20] for r in reads][:8]})")
    need("PW-LEN-14" in res.console(1), "dd did not read the 14-byte password line")


def check_shell_lines(res):
    """dash reads each typed command as one line: one record per line."""
    for line in (b"echo INNER-$((20+22))\n", b"cat /etc/hostname\n"):
        hits = [r for r in res.records() if r["type"] == 0 and r["comm"] == "dash" and r["data"] == line]
        need(len(hits) == 1, f"{line!r} is in {len(hits)} whole read records of dash, not 1")
    need("INNER-42" in res.console(1), "dash did not run the typed command")


def check_terminal_output(res):
    """What the intruder saw is terminal output, in order with the input."""
    with open(SECRET, "rb") as f:
        secret = f.read()
    recs = res.records()
    shown = [r for r in recs if r["type"] == 1 and r["comm"] == "cat" and r["data"] == secret]
    need(shown, "the cat of secret.txt is not in the Sebek stream as terminal output")
    # Terminal input and output in the order they happened (the native
    # log's seq): what was shown before the keys comes before them.
    native = res.native()
    shown_n = [e for e in native if e["type"] == "write" and e["comm"] == "cat" and e.get("data") == secret]
    need(shown_n and shown_n[0].get("tty_io") == "1", "the native log does not mark the cat's output as terminal output")
    typed = [e for e in native if e["type"] == "read" and e["comm"] == "run" and e.get("tty_io") == "1"]
    need(typed, "no terminal input of the scenario's shell")
    need(int(shown_n[0]["seq"]) < int(typed[0]["seq"]),
         "the output shown before the keys were typed comes after them")
    inner = [r for r in recs if r["type"] == 1 and b"INNER-42" in r["data"]]
    line = [r for r in recs if r["type"] == 0 and r["data"] == b"echo INNER-$((20+22))\n"]
    need(inner and line and inner[0]["counter"] > line[0]["counter"],
         "the inner command's output is not after its input line")


S_IFMT, S_IFSOCK = 0o170000, 0o140000


def check_tcp_payloads(res):
    """The loopback echo's payloads are captured both ways, whole, and its
    socket calls: bind and socket() in the native log only."""
    need("TCP-ECHO-OK" in res.console(1), "the loopback TCP echo did not complete")
    ev = [e for e in res.native() if e["comm"] == "benchtool"]
    on_sockets = [e for e in ev if e["type"] in ("read", "write") and int(e["mode"]) & S_IFMT == S_IFSOCK]
    for kind in ("read", "write"):
        data = b"".join(e["data"] for e in on_sockets if e["type"] == kind)
        need(len(data) == 400000 and data == b"x" * 400000,
             f"socket {kind}s of the echo carry {len(data)} bytes, not 2 x 200000 of its data")
    calls = {e.get("call") for e in ev if e["type"] == "socket"}
    need({"1", "2", "3", "4", "5"} <= calls, f"socket calls of the echo: {sorted(calls)}, "
         "want socket 1, bind 2, connect 3, listen 4, accept 5")
    stream_calls = set()
    for r in res.records():
        if r["type"] == 2 and r["comm"] == "benchtool" and len(r["data"]) == 15:
            stream_calls.add(int.from_bytes(r["data"][12:14], "big"))
    need(stream_calls == {3, 4, 5}, f"the Sebek stream has calls {sorted(stream_calls)} of the echo, "
         "want connect, listen and accept only")


CHECKS = {
    "tcp_payloads": check_tcp_payloads,
    "ran": check_ran,
    "keystrokes": check_keystrokes,
    "password": check_password,
    "shell_lines": check_shell_lines,
    "terminal_output": check_terminal_output,
    **KIT_CHECKS,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("check", choices=sorted(CHECKS))
    ap.add_argument("--native-dump", help="xebek-native-dump, to read the native logs")
    a = ap.parse_args()
    res = Results(a.results, a.native_dump)
    try:
        CHECKS[a.check](res)
    except CheckFailed as e:
        print(f"FAIL scenario.{a.check}: {e}")
        return 1
    print(f"PASS scenario.{a.check}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
