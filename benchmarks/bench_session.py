"""Memory over a scripted session: the real app in tmux, driven by keys for N minutes, RSS sampled (docs/performance.md).

Usage: python benchmarks/bench_session.py [--size 1000000] [--minutes 10] [--seconds S] [--terminal 160x48]
                                          [--out DIR] [--every 30] [--inbox-only]

The app (`inquiry-tui --db STORE`, as the main account) runs in a tmux pane; the script plays
rounds of what a salesperson does until the time is up: 30 cursor moves, 5 page downs and 5
page ups, a search (`/`, a word, `enter`, then `escape` to clear it), every top-level screen in
turn (`2`-`9`, `0`: a few moves in each) and back to the inbox (`1`). Keys are sent at human
speed (20 ms apart, a screen gets 300 ms). RSS (VmRSS) and its peak (VmHWM) are read from /proc
every second; printed every --every seconds with the load average, and at the end: start,
after the first round, the last, the peak, and the growth over the second half (creep).

Target at 1M: RSS after 10 minutes <= 120 MB. --seconds overrides --minutes (the smoke test
runs it for seconds). Stores are bench_inbox.py's (DIR/inbox-N.db, default benchmarks/out).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import bench_inbox
import bench_start

OUT = Path(__file__).parent / "out"
WORDS = ("led", "invitation", "solar", "expl", "panel", "flood")
SEARCH_FIELD = "Search subject, messages"  # the inbox's search field, empty (its placeholder)
INBOX_KEYS = "r Reply"  # in the inbox's footer: the inbox's list is on view


def _status(pid: int) -> dict[str, int]:
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) // 1024  # MB
    return found


class Session:
    def __init__(self, db: str, login: str, terminal: str) -> None:
        self.name = f"bench-session-{os.getpid()}"
        width, height = terminal.split("x")
        tree = bench_start.Tree("this tree", bench_start.ROOT, None)
        env = tree.env(db, login)
        exports = " ".join(f"{k}={bench_start._quote(v)}" for k, v in env.items() if k in bench_start._PASSED)
        command = f"exec env {exports} {bench_start._quote(sys.executable)} -c {bench_start._quote(bench_start.ENTRY)} --db {bench_start._quote(db)}"
        # A temp working directory: a key that lands where it was not meant (an export's file name) writes there.
        self.cwd = tempfile.mkdtemp(prefix="bench-session-")
        bench_start._tmux("new-session", "-d", "-s", self.name, "-x", width, "-y", height, "-c", self.cwd, command)
        self.pid = int(bench_start._tmux("display-message", "-p", "-t", self.name, "#{pane_pid}"))
        end = time.time() + bench_start.TIMEOUT_S
        while not bench_start.ROW.search(bench_start._tmux("capture-pane", "-p", "-t", self.name)):
            if time.time() > end:
                raise RuntimeError("the inbox never showed a row")
            time.sleep(0.05)
        self.samples: list[tuple[float, int, int]] = []
        self.started = time.time()
        self.last_sample = 0.0
        self.inbox_only = False
        self.skipped_searches = 0  # rounds whose search field did not show in time (no word typed)
        self.lost_rounds = 0  # rounds that began elsewhere than on the inbox (three tries to get there)

    def alive(self) -> bool:
        # An app that ended is a zombie until tmux reaps it: /proc still has it, without VmRSS.
        try:
            return "VmRSS:" in Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return False

    def sample(self) -> None:
        now = time.time()
        if now - self.last_sample >= 1.0 and self.alive():
            status = _status(self.pid)
            if "VmRSS" in status:  # not if the app ended since alive() looked
                self.samples.append((now - self.started, status["VmRSS"], status["VmHWM"]))
            self.last_sample = now

    def keys(self, *keys: str, pause: float = 0.02) -> None:
        for key in keys:
            if not self.alive():
                return
            bench_start._tmux("send-keys", "-t", self.name, key)
            time.sleep(pause)
            self.sample()

    def type_text(self, text: str) -> None:
        if not self.alive():
            return
        bench_start._tmux("send-keys", "-t", self.name, "-l", text)
        time.sleep(0.05)

    def shows(self, text: str, seconds: float = 5.0) -> bool:
        """Whether the pane shows TEXT within SECONDS (polled): a key typed before its field is open is a command."""
        end = time.time() + seconds
        while self.alive():
            if text in bench_start._tmux("capture-pane", "-p", "-t", self.name):
                return True
            if time.time() > end:
                return False
            time.sleep(0.05)
            self.sample()
        return False

    def round(self, n: int) -> None:
        self.keys("Escape", "1", "Escape", pause=0.3)  # on the inbox's list, whatever the last round left open
        # Under load a screen's keys can land in a field that had the focus before its list took it (seen on
        # Visitors: the next `1` typed into its search term), and the round would be played on that screen.
        for _ in range(3):
            if self.shows(INBOX_KEYS, seconds=2.0):
                break
            self.keys("Escape", "Escape", "1", "Escape", pause=0.3)
        else:
            self.lost_rounds += 1
        self.keys(*["j"] * 30)
        self.keys(*["PageDown"] * 5, pause=0.1)
        self.keys(*["PageUp"] * 5, pause=0.1)
        self.keys("/", pause=0.3)
        # Typed into the list instead, the word's letters are commands (`e` exports the whole folder, a
        # load of its own that once landed in a run's figures): so only once the field shows.
        if self.shows(SEARCH_FIELD):
            self.type_text(WORDS[n % len(WORDS)])
            self.keys("Enter", pause=0.3)
            self.keys(*["j"] * 5)
        else:
            self.skipped_searches += 1
        self.keys("Escape", pause=0.3)
        for screen in "" if self.inbox_only else "234567890":
            self.keys(screen, pause=0.3)
            self.keys(*["j"] * 5)
        self.keys("1", pause=0.3)

    def close(self) -> None:
        import subprocess

        if self.alive():
            bench_start._tmux("send-keys", "-t", self.name, "q")
        else:  # the app ended during the session (its error log says why): the figures stop there
            print("warning: the app ended before the session did", flush=True)
        end = time.time() + 10
        while self.alive() and time.time() < end:
            time.sleep(0.05)
        # On the script's own tmux server (bench_start.TMUX_SERVER), never the user's.
        subprocess.run(["tmux", "-L", bench_start.TMUX_SERVER, "kill-server"], check=False, capture_output=True)
        stray = sorted(p.name for p in Path(self.cwd).iterdir())
        if stray:  # the script's keys did something besides browsing: its figures include that work
            print(f"warning: the session wrote files (a key went astray): {stray}")
        shutil.rmtree(self.cwd, ignore_errors=True)


def run(size: int, seconds: float, terminal: str, out: Path, every: float, inbox_only: bool = False) -> None:
    db = bench_inbox.ensure_store(out, size)
    login = bench_inbox.admin_login(db)
    print(f"{size:,} inquiries, {terminal}, {seconds:.0f} s; load {bench_start.loadavg()}", flush=True)
    session = Session(db, login, terminal)
    session.inbox_only = inbox_only
    rounds = 0
    first_round_rss = None
    printed = 0.0
    try:
        session.sample()
        while time.time() - session.started < seconds and session.alive():
            session.round(rounds)
            rounds += 1
            session.sample()
            if first_round_rss is None and session.samples:
                first_round_rss = session.samples[-1][1]
            elapsed = time.time() - session.started
            if elapsed - printed >= every and session.samples:
                t, rss, hwm = session.samples[-1]
                print(
                    f"  {t:6.0f} s  RSS {rss:4d} MB  peak {hwm:4d} MB  rounds {rounds}  load {bench_start.loadavg()}",
                    flush=True,
                )
                printed = elapsed
        session.sample()
    finally:
        session.close()
    if not session.samples:
        sys.exit("error: no RSS sample (the app ended?)")
    half = session.samples[len(session.samples) // 2][1]
    t, last, peak = session.samples[-1]
    print(
        f"session: start RSS {session.samples[0][1]} MB, after the first round {first_round_rss} MB, "
        f"at the end ({t:.0f} s, {rounds} rounds) {last} MB, peak {peak} MB; second half growth {last - half:+d} MB"
    )
    if session.lost_rounds:
        print(f"warning: {session.lost_rounds} rounds did not begin on the inbox")
    if session.skipped_searches:
        print(f"warning: the search field did not show in {session.skipped_searches} rounds (no search typed)")
    print(f"load average now: {bench_start.loadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, help="overrides --minutes")
    parser.add_argument("--terminal", default="160x48")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--every", type=float, default=30.0)
    parser.add_argument(
        "--inbox-only", action="store_true", help="no other screen: what browsing the inbox alone keeps"
    )
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("error: bench_session.py needs tmux")
    run(
        args.size,
        args.seconds if args.seconds else args.minutes * 60,
        args.terminal,
        args.out,
        args.every,
        args.inbox_only,
    )


if __name__ == "__main__":
    main()
