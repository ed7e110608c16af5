#!/usr/bin/env python3
"""Opens xebek-report's page in headless Chromium from file:// (no network,
fresh profile), plays a session to its end and checks what the player's
terminal shows and what the process tree lists; writes a screenshot.

    check_report.py --report BIN --fixture BIN --vectors DIR --work DIR

The report covers x.pcap (Sebek only: the session typing `cat /etc/passwd`)
and a native domain log (analysis-native-fixture: `ls -la /tmp`, with exec
argv). DIR/report.png is the screenshot of the page after playing."""
import argparse
import html.parser
import os
import shutil
import subprocess
import sys

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  # virtual time runs the player's timers to their end at once
                  "--virtual-time-budget=60000"]
SESSION = "s001-10.0.0.23-tty3"
FAILURES = []


def need(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


class Page(html.parser.HTMLParser):
    """Collects the player's terminal lines of one session, the text of each
    process of the tree and the body's data-ended attribute."""

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.stack = []  # (tag, role) of open elements
        self.terminal_lines, self.processes, self.body_ended = [], [], None

    def role_of(self, tag, attrs):
        cls = attrs.get("class", "") or ""
        if tag == "div" and "player" in cls.split() and attrs.get("data-session") == self.session:
            return "player"
        if "ap-line" in cls.split() and self.inside("player"):
            self.terminal_lines.append("")
            return "line"
        if tag == "div" and "proc" in cls.split():
            self.processes.append("")
            return "proc"
        return None

    def inside(self, role):
        return any(r == role for _, r in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.body_ended = attrs.get("data-ended")
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        self.stack.append((tag, self.role_of(tag, attrs)))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if self.inside("line"):
            self.terminal_lines[-1] += data
        if self.inside("proc"):
            self.processes[-1] += data


def chromium(profile, *args):
    return subprocess.run(["chromium"] + CHROMIUM_FLAGS + [f"--user-data-dir={profile}"] +
                          list(args), capture_output=True, timeout=120)


DUMP_ATTEMPTS = 5
# cat /etc/passwd's last lines, then the prompt where "exit" was typed (its
# DEL was never echoed).
SCREEN_AT_END = ("tcpdump:x:109:117::/nonexistent:/usr/sbin/nologin",
                 "root@honeypot:~# exiyt")


def dump_screen(work, url, attempt):
    """The page after the player ran, and its terminal's text."""
    p = chromium(os.path.join(work, f"profile-dom-{attempt}"), "--dump-dom", url)
    need(p.returncode == 0, f"chromium --dump-dom exited {p.returncode}")
    dom = p.stdout.decode("utf-8", "replace")
    with open(os.path.join(work, f"page.dom.{attempt}.html"), "w") as f:
        f.write(dom)
    page = Page(SESSION)
    page.feed(dom)
    screen = "\n".join(line.rstrip() for line in page.terminal_lines)
    return page, screen


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--report", "--fixture", "--vectors", "--work"):
        ap.add_argument(opt, required=True)
    a = ap.parse_args()
    work = os.path.abspath(a.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    domain = os.path.join(work, "logs", "honeypot")
    subprocess.run([a.fixture, domain], check=True)
    out = os.path.join(work, "report")
    subprocess.run([a.report, "--out", out, os.path.join(a.vectors, "x.pcap"), domain],
                   check=True)
    url = "file://" + os.path.join(out, "index.html") + f"#play={SESSION}&speed=20"
    # Headless Chromium draws on frames that its virtual time does not
    # always produce before it dumps the page: a loaded machine can dump a
    # screen a few frames behind the player, or none at all. The page is
    # dumped again (a fresh profile each time) until it shows the end; a
    # report that never draws it fails every attempt.
    for attempt in range(1, DUMP_ATTEMPTS + 1):
        page, screen = dump_screen(work, url, attempt)
        if all(text in screen for text in SCREEN_AT_END):
            break
    need(SESSION in (page.body_ended or "").split(),
         f"the session was not played to its end (body data-ended={page.body_ended!r})")
    print(f"terminal at the end (dump {attempt} of at most {DUMP_ATTEMPTS}):\n" + screen)
    for text in SCREEN_AT_END:
        need(text in screen, f"the player's terminal lacks {text!r}")
    ls = [t for t in page.processes if t.strip().startswith("300 ")]
    need(len(ls) == 1 and "ls -la /tmp" in ls[0] and "-honeypot-tty77" in ls[0],
         f"the tree lacks process 300 with argv 'ls -la /tmp' in its session: {ls}")
    cat = [t for t in page.processes if t.strip().startswith("1236 ")]
    need(len(cat) == 1 and "/etc/passwd" in cat[0] and SESSION in cat[0],
         f"the tree lacks cat 1236 with /etc/passwd in {SESSION}: {cat}")
    shot = os.path.join(work, "report.png")
    p = chromium(os.path.join(work, "profile-shot"), "--window-size=1280,1600",
                 f"--screenshot={shot}", url)
    need(p.returncode == 0 and os.path.getsize(shot) > 10000, "no screenshot")
    print("screenshot:", shot)
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
