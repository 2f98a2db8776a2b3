"""Inbox figures at 1k / 100k / 1M inquiries (docs/performance.md), timed inside the app.

Usage: python benchmarks/bench_inbox.py [--sizes 1000 100000] [--out DIR] [--moves N] [--terminal 160x48] [--db URL]

Stores are made with `inquiry-tui init` + `inquiry-tui seed --inquiries N --seed 7` under
DIR (default benchmarks/out/inbox-N.db), or with --db on that PostgreSQL server as the
database `<name>_inbox_N` (benchmarks/stores.py), and reused when present. Each size runs in a fresh
child process with the real app, headless at 160x48 (or --terminal WxH), acting as the main account (it sees
every inquiry, the heaviest case):

- start: process start to the first inbox page on screen (the InboxScreen.Ready message,
  posted after that refresh);
- cursor move: `cursor_down` to the thread and profile panes showing the new inquiry, then a
  refresh (action start to `call_after_refresh`);
- page down at depth: after a jump to 50% / 90% of the folder, `page_down` to its row on
  screen; jump: to random positions;
- search: the first page of hits on screen, for a rare word, a common word, a prefix and two words;
- peak RSS of the child, and how many SQL statements ran on the event loop (target: none).

Targets at 1M: start <= 0.6 s (and within 1.2x of the same at 1k); cursor move p95 <= 16 ms;
page down / jump p95 <= 30 ms; search p95 <= 50 ms; peak RSS <= 120 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import stores

OUT = Path(__file__).parent / "out"
LOGIN = "bench"
SEARCH_TERMS = {"rare": "invitation", "common": "led", "prefix": "expl", "two words": "solar flood"}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] if ordered else float("nan")


def _summary(values: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(values) * 1000, "p95": _p95(values) * 1000, "n": len(values)}


# --- the child: one app, measured from the inside ---------------------------------------------


def child(db: str, started: float, moves: int, size: tuple[int, int]) -> None:
    from sqlalchemy import event
    from textual.widgets import Input, TextArea  # noqa: F401  (imports count towards start-up)
    from textual.worker import get_current_worker

    from inquiry_tui.services.context import connect
    from inquiry_tui.tui.app import InquiryApp
    from inquiry_tui.tui.inbox.inquiry_list import InquiryList
    from inquiry_tui.tui.inbox.screen import InboxScreen

    ctx = connect(db)
    on_loop = {"count": 0}
    main = threading.main_thread()

    def count(*_args: Any) -> None:
        if threading.current_thread() is main:
            on_loop["count"] += 1

    for engine in (ctx.engine, ctx.read_engine):
        if engine is not None:
            event.listen(engine, "before_cursor_execute", count)

    figures: dict[str, Any] = {}

    class BenchApp(InquiryApp):
        panes: asyncio.Event | None = None
        wanted: int | None = None

        def on_inbox_screen_ready(self, _message: InboxScreen.Ready) -> None:
            figures["start_s"] = time.time() - started
            self.run_worker(self._measure(), exclusive=True)

        def on_inbox_screen_panes_updated(self, message: InboxScreen.PanesUpdated) -> None:
            if self.panes is not None and message.inquiry_id == self.wanted:
                self.call_after_refresh(self.panes.set)

        async def _settle(self) -> None:
            await asyncio.sleep(0.05)
            me = get_current_worker()
            others = [w for w in self.workers if w is not me]
            if others:
                await self.workers.wait_for_complete(others)

        async def _until(self, check: Any, timeout: float = 5.0) -> None:
            end = time.perf_counter() + timeout
            while not check() and time.perf_counter() < end:
                await asyncio.sleep(0)
            done = asyncio.Event()
            self.call_after_refresh(done.set)
            await done.wait()

        async def _move(self, listing: InquiryList, act: Any) -> float:
            self.panes = panes = asyncio.Event()
            t0 = time.perf_counter()
            act()
            if listing.current is None:  # its page is on the way
                await self._until(lambda: listing.current is not None)
            self.wanted = listing.current.id if listing.current else None
            try:
                await asyncio.wait_for(panes.wait(), 5)
            except TimeoutError:
                figures["move_timeouts"] = figures.get("move_timeouts", 0) + 1
            return time.perf_counter() - t0

        async def _measure(self) -> None:
            try:
                await self._measure_all()
            finally:
                figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                figures["sql_on_event_loop"] = on_loop["count"]
                self.exit()

        async def _measure_all(self) -> None:
            screen = self.screen
            assert isinstance(screen, InboxScreen)
            listing = screen.query_one(InquiryList)
            await self._settle()
            figures["rows"] = listing.total
            figures["cursor_move_ms"] = _summary(
                [await self._move(listing, listing.action_cursor_down) for _ in range(moves)]
            )
            rng = random.Random(7)
            for depth in (0.5, 0.9):
                listing.move_cursor(int(listing.total * depth))
                await self._until(lambda: listing.current is not None)
                await self._settle()
                times = []
                for _ in range(40):
                    t0 = time.perf_counter()
                    listing.action_page_down()
                    await self._until(lambda: listing.current is not None)
                    times.append(time.perf_counter() - t0)
                    await self._settle()
                figures[f"page_down_{int(depth * 100)}pct_ms"] = _summary(times)
            jumps = []
            for _ in range(30):
                t0 = time.perf_counter()
                listing.move_cursor(rng.randrange(listing.total))
                await self._until(lambda: listing.current is not None)
                jumps.append(time.perf_counter() - t0)
                await self._settle()
            figures["jump_ms"] = _summary(jumps)
            figures["search_ms"] = {}
            for label, terms in SEARCH_TERMS.items():
                times = []
                for _ in range(10):
                    listing.begin()
                    t0 = time.perf_counter()
                    epoch = listing.epoch
                    screen.run_search(terms)
                    await self._until(lambda e=epoch: listing.epoch > e + 1)
                    times.append(time.perf_counter() - t0)
                    await self._settle()
                figures["search_ms"][label] = _summary(times) | {"hits": listing.total}

    BenchApp(ctx).run(headless=True, size=size)
    print(json.dumps(figures))


# --- the parent: stores and the table ---------------------------------------------------------


def ensure_store(out: Path, n: int, base: str | None = None) -> str:
    db = stores.store_url(base, out, "inbox", n)
    if stores.exists(db):
        return db
    out.mkdir(parents=True, exist_ok=True)
    stores.fresh(db)
    login = stores.admin_login_for(db, LOGIN)
    env = stores.acting_env(db, login)
    cli = [sys.executable, "-c", "from inquiry_tui.cli import main; main()", "--db", db]
    print(f"generating {db} ({n:,} inquiries) ...", flush=True)
    subprocess.run([*cli, "init", "--admin", login, "--name", "Bench"], check=True, env=env)
    subprocess.run([*cli, "seed", "--inquiries", str(n), "--seed", "7"], check=True, env=env)
    return db


def admin_login(db: str) -> str:
    from sqlalchemy import text

    from inquiry_tui.config import db_url
    from inquiry_tui.store.engine import make_engine

    engine = make_engine(db_url(db))
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT login FROM account WHERE role = 'admin'")).scalar_one())
    finally:
        engine.dispose()


def run(sizes: list[int], out: Path, moves: int, terminal: str, base: str | None = None) -> bool:
    """Measure each size in a child process; False if any child failed."""
    rows = []
    ok = True
    for n in sizes:
        path = ensure_store(out, n, base)
        env = stores.acting_env(path, admin_login(path))
        started = time.time()
        result = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(path),
                "--started",
                repr(started),
                "--moves",
                str(moves),
                "--terminal",
                terminal,
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
        if result.returncode != 0 or not lines:
            print(f"{n:>9,}: failed\n{result.stderr[-3000:]}")
            ok = False
            continue
        figures = json.loads(lines[-1])
        rows.append((n, figures))
        print(f"\n{n:,} inquiries: {json.dumps(figures, indent=1)}", flush=True)
    print(f"\nengine: {'postgresql' if base else 'sqlite'}")
    print(
        "size       start   move p95  pgdn50 p95  pgdn90 p95  jump p95  search p95 (rare/common/prefix/two)  RSS   SQL on loop"
    )
    for n, f in rows:
        s = f["search_ms"]
        print(
            f"{n:>9,}  {f['start_s']:5.2f} s  {f['cursor_move_ms']['p95']:6.1f} ms  {f['page_down_50pct_ms']['p95']:7.1f} ms"
            f"  {f['page_down_90pct_ms']['p95']:7.1f} ms  {f['jump_ms']['p95']:6.1f} ms"
            f"  {s['rare']['p95']:5.1f} / {s['common']['p95']:5.1f} / {s['prefix']['p95']:5.1f} / {s['two words']['p95']:5.1f} ms"
            f"  {f['rss_mb']:5.0f} MB  {f['sql_on_event_loop']}"
        )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--terminal", default="160x48", help="WxH; at 80x24 the profile pane is folded away")
    parser.add_argument("--db", help="a PostgreSQL server URL: its databases <name>_inbox_N (default: SQLite files)")
    parser.add_argument("--child")
    parser.add_argument("--started", type=float)
    args = parser.parse_args()
    if args.child:
        width, height = (int(v) for v in args.terminal.split("x"))
        child(args.child, args.started, args.moves, (width, height))
    elif not run(args.sizes, args.out, args.moves, args.terminal, args.db):
        sys.exit(1)


if __name__ == "__main__":
    main()
