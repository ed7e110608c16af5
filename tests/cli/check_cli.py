#!/usr/bin/env python3
"""Checks what a Debian package gets from each program: --help and
--version (the sources of its man page) and the generated man page.

    check_cli.py program NAME BINARY --changelog debian/changelog
        --help and --version exit 0; --help has a usage line, a one-line
        summary and an option list with --help and --version; --version is
        "NAME (Xebek) VERSION" with VERSION from the changelog's first entry.
    check_cli.py bench NAME BINARY --changelog debian/changelog
        the same for a benchmark, whose --help must also return at once
        (printing help, never measuring).
    check_cli.py man PAGE
        MANWIDTH=80 man --warnings -l PAGE exits 0 with nothing on stderr,
        and the NAME line says what the program does.
    check_cli.py man-self-check
        the man check fails on a page with a broken roff line (so that a
        clean result means something)."""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

BENCH_HELP_SECONDS = 5
FAILURES = []


def need(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


def changelog_version(path):
    with open(path, encoding="utf-8") as f:
        first = f.readline()
    m = re.match(r"^xebek \(([0-9.]+)", first)
    if not m:
        sys.exit(f"{path}: first line names no xebek version: {first!r}")
    return m.group(1)


def run(argv, timeout):
    return subprocess.run(argv, capture_output=True, timeout=timeout, text=True)


def check_help(name, binary, timeout):
    start = time.monotonic()
    try:
        p = run([binary, "--help"], timeout)
    except subprocess.TimeoutExpired:
        need(False, f"{name} --help still running after {timeout} s")
        return
    seconds = time.monotonic() - start
    need(p.returncode == 0, f"{name} --help exits {p.returncode}: {p.stderr.strip()}")
    need(p.stderr == "", f"{name} --help writes to stderr: {p.stderr.strip()}")
    lines = p.stdout.splitlines()
    need(bool(lines) and lines[0].startswith(f"Usage: {name}"),
         f"{name} --help does not start with 'Usage: {name}': {lines[:1]}")
    rest = [l for l in lines if not l.startswith("Usage: ") and not l.startswith("  or: ")]
    need(bool(rest) and rest[0].strip() != "" and rest[0][0].isupper() and rest[0].endswith("."),
         f"{name} --help: no one-line summary (a sentence) after the usage lines: {rest[:1]}")
    for option in ("--help", "--version"):
        need(option in p.stdout, f"{name} --help does not list {option}")
    print(f"{name} --help: {len(lines)} lines in {seconds:.2f} s")


def check_version(name, binary, version):
    try:
        p = run([binary, "--version"], 10)
    except subprocess.TimeoutExpired:
        need(False, f"{name} --version still running after 10 s")
        return
    need(p.returncode == 0, f"{name} --version exits {p.returncode}: {p.stderr.strip()}")
    first = p.stdout.splitlines()[0] if p.stdout else ""
    want = f"{name} (Xebek) {version}"
    need(first == want, f"{name} --version says {first!r}, want {want!r}")


def man_problems(page):
    """What is wrong with rendering PAGE; empty when nothing."""
    env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")
    p = subprocess.run(["man", "--warnings", "-l", page], capture_output=True, env=env,
                       timeout=30, text=True)
    problems = []
    if p.returncode != 0:
        problems.append(f"man -l {page} exits {p.returncode}")
    if p.stderr != "":
        problems.append(f"man --warnings -l {page} warns: {p.stderr.strip()}")
    name_line = re.search(r"^NAME\n\s+(.*)$", p.stdout, re.M)
    if name_line is None:
        problems.append(f"{page}: no NAME section")
    elif "manual page for" in name_line.group(1):
        problems.append(f"{page}: NAME line has no summary: {name_line.group(1)}")
    return problems


BROKEN_PAGE = """.TH BROKEN 1
.SH NAME
broken \\- a page with a broken roff line
.SH DESCRIPTION
.NOSUCHMACRO this request is undefined
"""


def man_self_check():
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "broken.1")
        with open(page, "w", encoding="utf-8") as f:
            f.write(BROKEN_PAGE)
        caught = [f for f in man_problems(page) if "warns" in f]
    need(len(caught) == 1, "the man check did not catch a broken roff line")
    if caught:
        print("caught as it should:", caught[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["program", "bench", "man", "man-self-check"])
    ap.add_argument("args", nargs="*")
    ap.add_argument("--changelog")
    a = ap.parse_args()
    if a.what in ("program", "bench"):
        name, binary = a.args
        version = changelog_version(a.changelog)
        check_help(name, binary, BENCH_HELP_SECONDS if a.what == "bench" else 30)
        check_version(name, binary, version)
    elif a.what == "man":
        (page,) = a.args
        for problem in man_problems(page):
            need(False, problem)
    else:
        man_self_check()
    if FAILURES:
        sys.exit(f"{len(FAILURES)} failure(s)")
    print("ok")


if __name__ == "__main__":
    main()
