"""The inbox beside neomutt in real terminals (tmux at 160x48): key to screen, p50 / p95, on the same messages.

Usage: python benchmarks/bench_tmux.py [--db PATH] [--inquiries N] [--keys K] [--searches S] [--only KEY ...]
       [--baseline REF] [--rounds R] [--out DIR]

The newest N inquiries of the SQLite store (default: `bench_inbox.py`'s store of N inquiries
in DIR, made when missing; any store of that script will do, its main account is read from
it) are written to DIR/inbox-N.mbox, one message each (the buyer's first), newest first. Each program starts in its own tmux
session of 160x48 (inquiry-tui as the main account; `neomutt -n -R -f` that mbox, sorted
newest first), then for each key (j, page down, a search) this script captures the pane,
sends the key with `tmux send-keys` and polls `capture-pane` until the screen changed and then
held still for SETTLE seconds: "first change" is when the screen first differs (the list), and
"settled" when the last change landed (for inquiry-tui the thread and profile panes), the
settle wait not counted. Polling costs ~2-5 ms a capture: these are terminal-level figures,
coarser than bench_inbox.py's, and the same for both programs. Without neomutt on the PATH
(Debian: `apt-get install neomutt`) only inquiry-tui is measured, and the script says so.

A search is `/`, the terms, then enter timed (S searches, the terms in turn; neomutt: its limit on
subjects). `--only` measures some of the keys (j, page, search). `--baseline REF` also runs git
REF's inquiry-tui (its tree unpacked once into DIR, first on PYTHONPATH), alternating with this
code for R rounds, each round in fresh programs, in the same sitting: on the same store, or on
`--baseline-db`, a copy of it at REF's schema (this code upgrades a store it opens; REF cannot
open a newer one).
"""

from __future__ import annotations

import argparse
import mailbox
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import stores

SETTLE = 0.15
STILL = 1.0  # seconds a screen holds still before the next key is sent (--still)
SIZE = ("160", "48")
OUT = Path(__file__).parent / "out"
ROOT = Path(__file__).resolve().parent.parent
TERMS = ("invitation", "solar", "led")  # searched for by both programs


def make_mbox(db: str, n: int, out: Path) -> Path:
    path = out / f"inbox-{n}.mbox"
    if path.exists():
        return path
    out.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT i.id, i.subject, i.received_at, b.name, b.email,"
        " (SELECT body FROM message m WHERE m.inquiry_id = i.id ORDER BY m.sent_at LIMIT 1)"
        " FROM inquiry i JOIN buyer b ON b.id = i.buyer_id ORDER BY i.received_at DESC, i.id DESC LIMIT ?",
        (n,),
    )
    box = mailbox.mbox(str(path))
    box.lock()
    for inquiry_id, subject, received, name, email, body in rows:
        message = EmailMessage()
        message["From"] = f"{name} <{email}>"
        message["To"] = "sales@example.com"
        message["Subject"] = subject
        message["Date"] = format_datetime(datetime.fromisoformat(str(received)).replace(tzinfo=UTC))
        message["Message-ID"] = f"<inquiry-{inquiry_id}@bench>"
        message.set_content(body or "")
        box.add(message)
    box.flush()
    box.unlock()
    return path


SOCKET = f"bench-tmux-{os.getpid()}"  # a tmux server of this run's own, apart from the user's sessions


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=True).stdout


def new_session(session: str, command: str) -> None:
    """Start SESSION running COMMAND; again after a moment if the server was still shutting down."""
    for attempt in range(5):
        try:
            tmux("new-session", "-d", "-s", session, "-x", SIZE[0], "-y", SIZE[1], command)
            return
        except subprocess.CalledProcessError as exc:
            # The previous program's session was the server's last: a new one can race its exit.
            if attempt == 4:
                raise SystemExit(f"tmux new-session failed: {exc.stderr.strip()}") from None
            time.sleep(0.2)


def capture(session: str) -> str:
    return tmux("capture-pane", "-p", "-e", "-t", session)  # -e: a cursor drawn in reverse video is a change


def wait_still(session: str, timeout: float = 60.0) -> None:
    end, last, since = time.monotonic() + timeout, capture(session), time.monotonic()
    while time.monotonic() < end:
        time.sleep(0.05)
        now = capture(session)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since > STILL:
            return


def drawn(session: str, timeout: float = 60.0) -> None:
    """Wait until the program has drawn its screen (a blank pane holds still too, before it starts)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and not capture(session).strip():
        time.sleep(0.05)


def press(session: str, keys: list[str]) -> tuple[float, float]:
    """(first change, settled) in seconds after send-keys."""
    before = capture(session)
    t0 = time.monotonic()
    tmux("send-keys", "-t", session, *keys)
    first = settled = None
    last = before
    still_since = None
    while time.monotonic() - t0 < 10:
        now = capture(session)
        t = time.monotonic() - t0
        if now != last:
            first = first if first is not None else t
            settled, last, still_since = t, now, t
        elif first is not None and still_since is not None and t - still_since > SETTLE:
            break
    return (first or float("nan"), settled or float("nan"))


PLANS = {"j": "j", "page": "page down", "search": "search"}  # --only's names: the labels printed


def run_one(name: str, command: str, keys: int, searches: int, only: list[str]) -> dict[str, list[tuple[float, float]]]:
    """(first change, settled) of each key of each measured kind, in seconds, by label."""
    session = f"bench-tmux-{os.getpid()}"
    new_session(session, command)
    try:
        drawn(session)
        wait_still(session)
        figures = {}
        plans = {
            "j": [["j"]] * keys,
            "page down": [["NPage"]] * max(5, keys // 4),
            "search": [],  # below: type the term, then time enter
        }
        for label, plan in plans.items():
            if label not in [PLANS[o] for o in only]:
                continue
            if label == "search":
                times = []
                for index in range(searches):
                    term = TERMS[index % len(TERMS)]
                    if name.startswith("inquiry-tui"):
                        tmux("send-keys", "-t", session, "/")
                        wait_still(session, 5)
                        tmux("send-keys", "-t", session, "-l", term)
                        wait_still(session, 5)
                        times.append(press(session, ["Enter"]))
                        tmux("send-keys", "-t", session, "Escape")
                    else:  # neomutt: limit to the pattern (~b searches bodies: slower; ~s subjects)
                        tmux("send-keys", "-t", session, "l")
                        time.sleep(0.3)
                        tmux("send-keys", "-t", session, "-l", f"~s {term}")
                        time.sleep(0.3)
                        times.append(press(session, ["Enter"]))
                        tmux("send-keys", "-t", session, "l")
                        time.sleep(0.3)
                        tmux("send-keys", "-t", session, "-l", "all")
                        tmux("send-keys", "-t", session, "Enter")
                    wait_still(session, 10)
            else:
                times = [press(session, keys_) for keys_ in plan]
            figures[label] = times
        return figures
    finally:
        subprocess.run(["tmux", "-L", SOCKET, "kill-session", "-t", session], check=False, capture_output=True)


def quantiles(times: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """First change p50 / p95, settled p50 / p95, in ms."""
    firsts, settles = [t[0] for t in times], [t[1] for t in times]
    p95 = lambda v: sorted(v)[min(len(v) - 1, int(len(v) * 0.95))] * 1000  # noqa: E731
    return statistics.median(firsts) * 1000, p95(firsts), statistics.median(settles) * 1000, p95(settles)


def main() -> None:
    global STILL
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a SQLite store (default: bench_inbox.py's store of N inquiries in --out)")
    parser.add_argument("--inquiries", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--searches", type=int, help="searches timed (default: K/4, at least one per term)")
    parser.add_argument("--only", nargs="+", choices=sorted(PLANS), default=sorted(PLANS), help="keys measured")
    parser.add_argument("--baseline", metavar="REF", help="also run git REF's inquiry-tui, alternating with this code")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of each inquiry-tui code (with --baseline)")
    parser.add_argument(
        "--baseline-db", help="the baseline's copy of the store, when REF's schema is older (default: the same store)"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--still", type=float, default=STILL, help="seconds of a still screen before the next key")
    args = parser.parse_args()
    STILL = args.still
    searches = args.searches or max(len(TERMS), args.keys // 4)
    db = args.db
    if db is None:
        sys.path.insert(0, str(Path(__file__).parent))
        from bench_inbox import ensure_store  # the same stores as the in-app benchmark

        db = ensure_store(args.out, args.inquiries)
    mbox = make_mbox(db, args.inquiries, args.out)
    login = sqlite3.connect(db).execute("SELECT login FROM account WHERE role = 'admin'").fetchone()[0]
    app = f"INQUIRY_TUI_LOGIN={login} {sys.executable} -c 'from inquiry_tui.cli import main; main()' --db {db}"
    mutt = f"neomutt -n -F /dev/null -R -e 'set sort=reverse-date; set mark_old=no; set folder=/tmp' -f {mbox}"
    codes = [("inquiry-tui", app)]
    if args.baseline:
        old = stores.baseline_code(args.baseline, args.out)
        # `python -c` puts the working directory first on sys.path: each code starts in its own tree.
        old_app = app.replace(f"--db {db}", f"--db {args.baseline_db}") if args.baseline_db else app
        codes = [
            (f"inquiry-tui {args.baseline}", f"cd {old} && PYTHONPATH={old} {old_app}"),
            ("inquiry-tui", f"cd {ROOT} && {app}"),
        ]
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    results: dict[str, dict[str, list[tuple[float, float]]]] = {}
    loads: dict[str, list[str]] = {}
    for _round in range(args.rounds if args.baseline else 1):
        for name, command in codes:
            loads.setdefault(name, []).append(stores.load())
            for label, times in run_one(name, command, args.keys, searches, args.only).items():
                results.setdefault(name, {}).setdefault(label, []).extend(times)
    if shutil.which("neomutt"):
        results["neomutt"] = run_one("neomutt", mutt, args.keys, searches, args.only)
    print(f"{args.inquiries:,} messages, tmux {'x'.join(SIZE)}, load before {load}; ms from send-keys")
    if "neomutt" not in results:
        print("neomutt: not installed, not measured (Debian: apt-get install neomutt)")
    for name, seen in loads.items():
        if args.baseline:
            print(f"{name}: {len(seen)} round(s), at {', '.join(seen)}")
    print(f"{searches} searches, {args.keys} j, {max(5, args.keys // 4)} page down a program and round")
    print(f"{'':12} {'key':10} {'first change p50 / p95':>24} {'settled p50 / p95':>20}")
    for name, figures in results.items():
        for label, times in figures.items():
            f50, f95, s50, s95 = quantiles(times)
            print(f"{name:12} {label:10} {f50:11.1f} / {f95:6.1f}    {s50:9.1f} / {s95:6.1f}")


if __name__ == "__main__":
    main()
