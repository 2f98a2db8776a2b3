"""Inbox figures at 1k / 100k / 1M inquiries (docs/performance.md), timed inside the app.

Usage: python benchmarks/bench_inbox.py [--sizes 1000 100000] [--out DIR] [--moves N] [--terminal 160x48] [--db URL] [--baseline REF]

Stores are made with `inquiry-tui init` + `inquiry-tui seed --inquiries N --seed 7` under
DIR (default benchmarks/out/inbox-N.db), or with --db on that PostgreSQL server as the
database `<name>_inbox_N` (benchmarks/stores.py), and reused when present. Each size runs in a fresh
child process with the real app, headless at 160x48 (or --terminal WxH), acting as the main account (it sees
every inquiry, the heaviest case):

- start: process start to the first inbox page on screen (the InboxScreen.Ready message,
  posted after that refresh);
Every key is timed from the action's start to the frame after the thread AND profile panes
show the inquiry under the cursor (`PanesUpdated`, then `call_after_refresh`), wall and the
CPU time of the whole process (worker threads included):
- cursor move: `cursor_down`; then, five times, 30 `cursor_down` 30 ms apart (key repeat) without
  waiting, and how long after the last one the panes catch up (p50 and worst; the rounds where that
  took at most one frame, 16.7 ms, are counted);
- page down at depth: after a jump to 50% / 90% of the folder, `page_down`; jump: to random positions;
- search, as a reader runs it from the folder (SEARCH_ROUNDS of each term, the terms in turn): `/` to
  the frame that shows the field; the terms typed, then enter to the frame with the first page of
  hits, their count and the first hit's panes (a rare word, a common word, a prefix and two words,
  and all of them together); escape back to the folder's row with its panes;
- `--baseline REF`: the same figures with git REF's code (a temporary `git worktree` first on
  the child's PYTHONPATH), in the same run, printed side by side;
- peak RSS of the child, and how many SQL statements ran on the event loop (target: none).

Targets at 1M: start <= 0.6 s (and within 1.2x of the same at 1k); cursor move p95 <= 16 ms;
page down / jump p95 <= 30 ms; search p95 <= 50 ms; peak RSS <= 120 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import stores

OUT = Path(__file__).parent / "out"
LOGIN = "bench"
SEARCH_TERMS = {"rare": "invitation", "common": "led", "prefix": "expl", "two words": "solar flood"}
SEARCH_ROUNDS = 15  # searches of each term (the terms in turn: each search's first hit is new to the panes)
REPEAT_ROUNDS, REPEAT_KEYS = 5, 30  # held j: rounds of keys 30 ms apart
FRAME_S = 1 / 60  # one frame


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] if ordered else float("nan")


def _summary(values: list[tuple[float, float]]) -> dict[str, float]:
    """p50 / p95 of (wall, CPU) pairs in ms; CPU is the whole process's (worker threads included)."""
    wall, cpu = [w for w, _ in values], [c for _, c in values]
    return {
        "p50": statistics.median(wall) * 1000,
        "p95": _p95(wall) * 1000,
        "cpu_p50": statistics.median(cpu) * 1000,
        "cpu_p95": _p95(cpu) * 1000,
        "n": len(values),
    }


# --- the child: one app, measured from the inside ---------------------------------------------


class Tracer:
    """Where each timed key's time went: the collector's pauses, Textual's layouts and frames (compositor
    refreshes) that overlapped it, and when the panes showed the row (a key whose panes were painted before
    its action returned was served from memory: read ahead)."""

    def __init__(self) -> None:
        self.spans: dict[str, list[tuple[float, float]]] = {"gc": [], "layout": [], "frame": []}
        self.keys: dict[str, list[dict[str, float]]] = {}
        self.collections: dict[int, list[float]] = {}  # ms of each collection, by generation
        self._gc_start = 0.0

    def on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            end = time.perf_counter()
            self.spans["gc"].append((self._gc_start, end))
            self.collections.setdefault(info["generation"], []).append((end - self._gc_start) * 1000)

    def collector(self) -> dict[str, Any]:
        """Collections over the whole run by generation: how many, ms in all, the longest."""
        return {
            str(gen): {"n": len(ms), "total": round(sum(ms), 1), "max": round(max(ms), 1)}
            for gen, ms in sorted(self.collections.items())
        }

    def timed(self, kind: str, call: Any) -> Any:
        """CALL, with the time it takes recorded as a span of KIND."""

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                self.spans[kind].append((start, time.perf_counter()))

        return wrapper

    def key(self, kind: str, t0: float, acted: float, painted: float | None, end: float) -> None:
        row = {"wall": (end - t0) * 1000, "act": (acted - t0) * 1000}
        row["panes"] = (painted - t0) * 1000 if painted is not None and painted >= t0 else float("nan")
        for name, spans in self.spans.items():
            inside = [min(b, end) - max(a, t0) for a, b in spans if b > t0 and a < end]
            row[name] = sum(inside) * 1000
            row[name + "_n"] = len(inside)
        self.keys.setdefault(kind, []).append(row)

    def summary(self) -> dict[str, Any]:
        """Per kind of key: the slowest tenth beside the rest (means), and the three slowest keys."""
        out: dict[str, Any] = {}
        for kind, rows in self.keys.items():
            ordered = sorted(rows, key=lambda r: r["wall"])
            cut = max(1, len(ordered) // 10)
            slow, rest = ordered[-cut:], ordered[:-cut] or ordered

            def mean(rs: list[dict[str, float]], name: str) -> float:
                values = [r[name] for r in rs if r[name] == r[name]]
                return round(statistics.mean(values), 1) if values else float("nan")

            names = ("wall", "act", "panes", "gc", "layout", "layout_n", "frame", "frame_n")
            out[kind] = {
                "slowest_tenth": {n: mean(slow, n) for n in names},
                "rest": {n: mean(rest, n) for n in names},
                "from_memory": sum(r["panes"] <= r["act"] for r in rows),
                "worst": [{n: round(r[n], 1) for n in names} for r in ordered[-3:]],
            }
        return out


def child(db: str, started: float, moves: int, size: tuple[int, int]) -> None:
    from sqlalchemy import event
    from textual.widgets import Input, TextArea  # noqa: F401  (imports count towards start-up)
    from textual.worker import get_current_worker

    from inquiry_tui.services import context
    from inquiry_tui.services.context import connect
    from inquiry_tui.tui.app import InquiryApp
    from inquiry_tui.tui.inbox.inquiry_list import InquiryList
    from inquiry_tui.tui.inbox.screen import InboxScreen

    ctx = connect(db)
    # What the real start does before the app (tui/app.py run_tui): SQLite's memory capped for the process.
    # Looked up, not imported: --baseline runs older code, which has no such call.
    limit = getattr(context, "limit_store_memory", None)
    if limit is not None:
        limit(ctx)
    # And the inbox's zone and first page read in a thread while the app starts (cli/state.py open_tui), where
    # the code has it (an older --baseline has not).
    try:
        from inquiry_tui.tui.inbox import first_page
    except ImportError:
        pass
    else:
        first_page.start(ctx)
    on_loop = {"count": 0}
    main = threading.main_thread()

    def count(*_args: Any) -> None:
        if threading.current_thread() is main:
            on_loop["count"] += 1

    for engine in (ctx.engine, ctx.read_engine):
        if engine is not None:
            event.listen(engine, "before_cursor_execute", count)

    figures: dict[str, Any] = {}
    tracer = Tracer()
    gc.callbacks.append(tracer.on_gc)

    class BenchApp(InquiryApp):
        painted: int | None = None  # the inquiry the panes last showed
        painted_at: float | None = None

        def on_inbox_screen_ready(self, _message: InboxScreen.Ready) -> None:
            figures["start_s"] = time.time() - started
            screen = self.screen
            screen._refresh_layout = tracer.timed("layout", screen._refresh_layout)  # type: ignore[method-assign]
            screen._compositor_refresh = tracer.timed("frame", screen._compositor_refresh)  # type: ignore[method-assign]
            self.run_worker(self._measure(), exclusive=True)

        def on_inbox_screen_panes_updated(self, message: InboxScreen.PanesUpdated) -> None:
            self.painted = message.inquiry_id
            self.painted_at = time.perf_counter()

        async def _settle(self) -> None:
            """Until the app rests: no worker runs, none started during the last 50 ms (workers
            start workers: the cursor's re-read starts the read-ahead, after a frame), and the frame of
            what they brought is drawn (else it was drawn in the next key's time)."""
            me = get_current_worker()
            for _ in range(100):
                await asyncio.sleep(0.05)
                others = [w for w in self.workers if w is not me and not w.is_finished]
                if not others:
                    break
                await self.workers.wait_for_complete(others)
            drawn = asyncio.Event()
            self.call_after_refresh(drawn.set)
            await drawn.wait()

        async def _until(self, check: Any, timeout: float = 5.0) -> bool:
            end = time.perf_counter() + timeout
            while not check() and time.perf_counter() < end:
                # Yield for a millisecond, not sleep(0): a loop that never idles starves what it measures
                # (the panes' loads start after a refresh, which waits for an idle loop): 5 s timeouts.
                await asyncio.sleep(0.001)
            done = asyncio.Event()
            self.call_after_refresh(done.set)
            await done.wait()
            return bool(check())

        def _key(self, act: Any) -> None:
            """ACT as a key would: the app's collector hears of it (its full passes wait for a pause in the keys)."""
            collector = getattr(self, "collector", None)  # absent from a baseline before it
            if collector is not None:
                collector.input_seen()
            act()

        async def _frame_after(self, act: Any) -> tuple[float, float]:
            """ACT, then the frame after it: (wall, CPU of the whole process) in seconds."""
            t0, c0 = time.perf_counter(), time.process_time()
            self._key(act)
            done = asyncio.Event()
            self.call_after_refresh(done.set)
            await done.wait()
            return time.perf_counter() - t0, time.process_time() - c0

        async def _to_panes(
            self, listing: InquiryList, act: Any, ready: Any = None, trace: str | None = None
        ) -> tuple[float, float]:
            """ACT, then wait until the thread and profile panes show the row under the cursor
            (and READY holds), and the frame after: (wall, CPU of the whole process) in seconds.
            TRACE: record where the time went under that kind of key."""
            self.painted_at = None
            t0, c0 = time.perf_counter(), time.process_time()
            self._key(act)
            acted = time.perf_counter()
            # Painted within the action (from memory): PanesUpdated, a message, only arrives after it.
            on_view = getattr(getattr(self.screen, "panes", None), "shown", None)
            current = listing.current
            with_key = current is not None and on_view is not None and on_view[0] == current.id

            def shown() -> bool:
                item = listing.current
                return (ready is None or ready()) and item is not None and self.painted == item.id

            if not await self._until(shown):
                figures["timeouts"] = figures.get("timeouts", 0) + 1
                figures.setdefault("timed_out", []).append(trace or "held j")  # (the one untraced kind)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            if trace is not None:
                tracer.key(trace, t0, acted, acted if with_key else self.painted_at, t0 + wall)
            return wall, cpu

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
            figures["code"] = str(Path(sys.modules["inquiry_tui"].__file__ or "").parent.parent)
            figures["cursor_move_ms"] = _summary(
                [await self._to_panes(listing, listing.action_cursor_down, trace="move") for _ in range(moves)]
            )
            # Holding j: moves 30 ms apart without waiting for the panes (key repeat); then how long
            # after the last key the panes show the row under the cursor, and the frame after.
            catch_up = []
            for _ in range(REPEAT_ROUNDS):
                for _ in range(REPEAT_KEYS - 1):
                    self._key(listing.action_cursor_down)
                    await asyncio.sleep(0.03)
                catch_up.append(await self._to_panes(listing, listing.action_cursor_down))
                await self._settle()
            figures["after_repeat_ms"] = _summary(catch_up) | {
                "max": max(wall for wall, _ in catch_up) * 1000,
                "within_frame": sum(wall <= FRAME_S for wall, _ in catch_up),
            }
            rng = random.Random(7)

            def viewport_held() -> bool:
                """Every row of the viewport is a row, not a placeholder: what a reader sees whole."""
                top = int(listing.scroll_offset.y)
                bottom = min(listing.total, top + listing.scrollable_content_region.height)
                return all(listing.item_at(p) is not None for p in range(top, bottom))

            for depth in (0.5, 0.9):
                target = int(listing.total * depth)
                await self._to_panes(listing, lambda t=target: listing.move_cursor(t), trace="position")
                await self._settle()
                times = []
                for _ in range(40):
                    times.append(
                        await self._to_panes(listing, listing.action_page_down, viewport_held, trace=f"page_{depth}")
                    )
                    await self._settle()
                figures[f"page_down_{int(depth * 100)}pct_ms"] = _summary(times)
            jumps = []
            for _ in range(30):
                target = rng.randrange(listing.total)
                jumps.append(
                    await self._to_panes(listing, lambda t=target: listing.move_cursor(t), viewport_held, trace="jump")
                )
                await self._settle()
            figures["jump_ms"] = _summary(jumps)
            figures["tail"] = tracer.summary()
            figures["collections"] = tracer.collector()
            # Searches as a reader runs them, from the folder: `/` (to the frame that shows the field), the
            # terms typed, enter (to the frame with the hits, their count and the first hit's panes), escape
            # (back to the folder's row, with its panes); the four terms in turn, SEARCH_ROUNDS times each.
            from inquiry_tui.tui.inbox.search import SearchBox

            box = screen.search_box
            searches: dict[str, list[tuple[float, float]]] = {label: [] for label in SEARCH_TERMS}
            hits: dict[str, int] = {}
            shows, escapes = [], []

            def enter(terms: str) -> None:
                box.handing_over = True  # (as the field does when enter arrives)
                screen._search_requested(SearchBox.Requested(box, terms, True))

            for index in range(SEARCH_ROUNDS * len(SEARCH_TERMS)):
                label = list(SEARCH_TERMS)[index % len(SEARCH_TERMS)]
                terms = SEARCH_TERMS[label]
                shows.append(await self._frame_after(screen.action_search))
                box.set_quietly(terms)  # typed
                await self._settle()
                epoch = listing.epoch
                searches[label].append(
                    await self._to_panes(
                        listing, lambda t=terms: enter(t), lambda e=epoch: listing.epoch > e, trace="search"
                    )
                )
                hits[label] = listing.total
                await self._settle()
                epoch = listing.epoch
                escapes.append(
                    await self._to_panes(
                        listing, screen.action_clear_search, lambda e=epoch: listing.epoch > e, trace="escape"
                    )
                )
                await self._settle()
            figures["search_ms"] = {label: _summary(times) | {"hits": hits[label]} for label, times in searches.items()}
            figures["search_ms"]["all"] = _summary([t for times in searches.values() for t in times])
            figures["search_field_ms"] = {"show": _summary(shows), "escape": _summary(escapes)}
            figures["tail"] = tracer.summary()

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


def measure(path: str, n: int, moves: int, terminal: str, code: Path | None) -> dict[str, Any] | None:
    """One child process on PATH (with CODE's inquiry_tui first on its path when given)."""
    env = stores.acting_env(path, admin_login(path))
    if code is not None:
        env["PYTHONPATH"] = str(code) + os.pathsep + env.get("PYTHONPATH", "")
    started = time.time()
    command = [sys.executable, __file__, "--child", str(path), "--started", repr(started)]
    command += ["--moves", str(moves), "--terminal", terminal]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        print(f"{n:>9,}: failed\n{result.stderr[-3000:]}")
        return None
    figures: dict[str, Any] = json.loads(lines[-1])
    figures["load"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return figures


def _row(label: str, f: dict[str, Any]) -> str:
    def both(x: dict[str, float]) -> str:
        return f"{x['p95']:6.1f} ({x['cpu_p95']:5.1f})"

    def after_j(x: dict[str, float]) -> str:  # p50 / worst, and the rounds caught up within a frame
        return f"{x['p50']:5.1f} / {x.get('max', x['p50']):5.1f} {int(x.get('within_frame', 0))}/{int(x['n'])}"

    s = f["search_ms"]
    return (
        f"{label:>16}  {f['start_s']:5.2f} s  {both(f['cursor_move_ms'])}  {after_j(f['after_repeat_ms'])}"
        f"  {both(f['page_down_50pct_ms'])}  {both(f['page_down_90pct_ms'])}  {both(f['jump_ms'])}"
        f"  {' / '.join(both(s[k]) for k in SEARCH_TERMS)}  {both(s['all']) if 'all' in s else '':>14}"
        f"  {f['rss_mb']:4.0f} MB  {f['sql_on_event_loop']}"
        f"  {f.get('timeouts', 0)}  {f['load']}"
    )


def run(
    sizes: list[int], out: Path, moves: int, terminal: str, base: str | None = None, baseline: str | None = None
) -> bool:
    """Measure each size in a child process (and with git BASELINE's code beside it); False if any failed."""
    rows = []
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-inbox-") as tmp:
        old_code: Path | None = None
        if baseline:
            old_code = Path(tmp) / "baseline"
            subprocess.run(["git", "worktree", "add", "-q", "--detach", str(old_code), baseline], check=True)
        try:
            for n in sizes:
                path = ensure_store(out, n, base)
                for label, code in ([(f"{n:,} {baseline}", old_code)] if old_code else []) + [(f"{n:,} this", None)]:
                    figures = measure(path, n, moves, terminal, code)
                    if figures is None:
                        ok = False
                        continue
                    rows.append((label, figures))
                    print(f"\n{label}: {json.dumps(figures, indent=1)}", flush=True)
        finally:
            if old_code is not None:
                subprocess.run(["git", "worktree", "remove", "--force", str(old_code)], check=False)
    print(f"\nengine: {'postgresql' if base else 'sqlite'}; terminal {terminal}; p95 wall (CPU of the process) in ms,")
    print(
        "each to the frame where the thread AND profile panes show the inquiry under the cursor"
        " (page keys and jumps: and every row of the viewport is drawn);"
    )
    print(
        f"after j: ms from the last of {REPEAT_KEYS} held j (30 ms apart) to the panes and their frame, p50 / worst"
        f" of {REPEAT_ROUNDS} rounds, and how many of them took at most one frame ({FRAME_S * 1000:.1f} ms)"
    )
    print(
        "     size / code   start   move p95        after j            pgdn50 p95       pgdn90 p95       jump p95"
        "         search p95 rare / common / prefix / two words                    all terms      RSS  SQL on loop"
        "  timeouts  load"
    )
    for label, f in rows:
        print(_row(label, f))
    print(
        f"\nsearches from the folder, {SEARCH_ROUNDS} of each term in turn: `/` to the frame that shows the field; enter to"
        " the frame with the hits, their count and the first hit's panes; escape back to the folder's row with its panes"
    )
    print(
        "     size / code   show p50 / p95 (CPU p50 / p95)      search, all terms                   escape p50 / p95 (CPU p50 / p95)"
    )
    for label, f in rows:
        field = f.get("search_field_ms")
        if field:
            every = f["search_ms"].get("all")
            print(
                f"{label:>16}  {_both_quantiles(field['show'])}    {_both_quantiles(every) if every else '':<35}"
                f"    {_both_quantiles(field['escape'])}"
            )
    print("\nwhere the slowest tenth of each kind of key went (means, ms; the rest beside; overlapping the key:")
    print("the collector's pauses, Textual's layouts and frames, with their counts; panes: when they showed the row;")
    print("act: the action's own time; from memory: keys whose panes were painted within the action)")
    for label, f in rows:
        for kind, t in f.get("tail", {}).items():
            print(
                f"{label:>16}  {kind:<9} {_tail(t['slowest_tenth'])}  | rest {_tail(t['rest'])}  | from memory {t['from_memory']}"
            )
        gens = f.get("collections", {})
        print(
            f"{label:>16}  collections from start to the last jump, by generation: "
            + "; ".join(
                f"{g}: {c['n']} taking {c['total']:.0f} ms, the longest {c['max']:.1f}" for g, c in gens.items()
            )
            + f"; timed out: {', '.join(f.get('timed_out', [])) or 'none'}"
        )
    return ok


def _tail(x: dict[str, float]) -> str:
    return (
        f"wall {x['wall']:6.1f} act {x['act']:5.1f} panes {x['panes']:6.1f} gc {x['gc']:5.1f}"
        f" layout {x['layout']:5.1f} ({x['layout_n']:3.1f}) frames {x['frame']:5.1f} ({x['frame_n']:3.1f})"
    )


def _both_quantiles(x: dict[str, float]) -> str:
    return f"{x['p50']:6.1f} / {x['p95']:6.1f} ({x['cpu_p50']:5.1f} / {x['cpu_p95']:5.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--terminal", default="160x48", help="WxH; at 80x24 the profile pane is folded away")
    parser.add_argument("--db", help="a PostgreSQL server URL: its databases <name>_inbox_N (default: SQLite files)")
    parser.add_argument("--baseline", metavar="REF", help="also measure git REF's code in the same run (side by side)")
    parser.add_argument("--child")
    parser.add_argument("--started", type=float)
    args = parser.parse_args()
    if args.child:
        width, height = (int(v) for v in args.terminal.split("x"))
        child(args.child, args.started, args.moves, (width, height))
    elif not run(args.sizes, args.out, args.moves, args.terminal, args.db, args.baseline):
        sys.exit(1)


if __name__ == "__main__":
    main()
