"""File figures: importing inquiries that carry an attachment each, and opening a thread with 20 attachments.

Usage: python benchmarks/bench_files.py [--inquiries N] [--size BYTES] [--runs R] [--out DIR]
                                        [--keep-source] [--thread-only]
Defaults: 10,000 inquiries with one 1 MiB attachment each (distinct content: 10 GB of source
files written under DIR, removed afterwards unless --keep-source, which also reuses them on the
next run), 200 thread opens. Prints the import's time, rate, CPU, peak RSS and the store's
growth (database and file store); then the p50/p95 of opening a thread whose messages carry 20
attachments: the service call (thread_detail) plus laying the thread pane out (ThreadView.show
inside a headless app at 80x48), wall and CPU, each part apart, and then to the frame that shows
it (Textual's compositor drawing the pane).
--thread-only times the thread opens again on the store a previous run left in DIR.

Target (docs/performance.md): thread open p95 <= 16 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import shutil
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from textual.app import App, ComposeResult

from inquiry_tui.services.arrivals.importing import import_inquiries
from inquiry_tui.services.context import Ctx, account_by_login, actor_from, connect_system
from inquiry_tui.services.files import blobs
from inquiry_tui.services.files.attachments import attach
from inquiry_tui.services.inbox.thread import thread_detail
from inquiry_tui.services.setup.company import load_json, set_up_company
from inquiry_tui.services.setup.settings import set_setting
from inquiry_tui.services.team.accounts import init_company
from inquiry_tui.tui.inbox import thread_view
from inquiry_tui.tui.inbox.thread_view import ThreadView

OUT = Path(__file__).parent / "out"
MB = 1024 * 1024
ATTACHMENTS = 20
THREADS = 20  # distinct threads with 20 attachments each, opened in turn
# More threads than the pane keeps laid out (thread_view.KEPT): every open lays its thread out, as a first open does.
assert THREADS > thread_view.KEPT


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def _store_size(db: Path) -> tuple[int, int]:
    files = db.with_name(db.stem + ".files")
    base = sum(_size(db.with_name(db.name + suffix)) for suffix in ("", "-wal", "-shm"))
    return base, _size(files)


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * q) - 1)]


def _p(values: list[float]) -> str:
    return f"p50 {statistics.median(values):.2f} ms  p95 {_pct(values, 0.95):.2f} ms"


def _write_source(source: Path, n: int, size: int, *, keep: bool) -> None:
    done = source / "COMPLETE"
    if keep and done.is_file() and done.read_text() == f"{n} {size}\n":
        print(f"  reused {n:,} source files of {size:,} bytes in {source}")
        return
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir(parents=True)
    started = time.perf_counter()
    start = datetime(2026, 11, 1, tzinfo=UTC)
    block = os.urandom(size)  # distinct files: each starts with its own line over the shared random block
    with (source / "inquiries.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(n):
            name = f"drawing-{i}.pdf"
            head = f"%PDF-1.4\n% bench file {i}\n".encode()
            with (source / name).open("wb") as out:
                out.write(head)
                out.write(memoryview(block)[len(head) :] if size > len(head) else b"")
            record = {
                "external_id": f"bench-{i}",
                "channel": "inquiry",
                "received_at": (start + timedelta(seconds=i)).isoformat(),
                "buyer": {"email": f"buyer{i % 500}@bench.example", "country": "DE"},
                "subject": "Quote per drawing",
                "body": "Please quote per the attached drawing.",
                "attachments": [{"name": name, "path": name}],
            }
            fh.write(json.dumps(record) + "\n")
    for i in range(n):  # on disk before the import starts, so that it does not wait for their write-back
        fd = os.open(source / f"drawing-{i}.pdf", os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    done.write_text(f"{n} {size}\n")
    print(f"  wrote {n:,} files of {size:,} bytes in {time.perf_counter() - started:.1f} s")


def _connect(db: Path) -> Ctx:
    system = connect_system(f"sqlite:///{db}")
    with system.read() as session:
        boss = account_by_login(session, "boss")
    return system.as_actor(actor_from(boss))


def _new_store(db: Path, size: int) -> Ctx:
    for old in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        old.unlink(missing_ok=True)
    shutil.rmtree(db.with_name(db.stem + ".files"), ignore_errors=True)
    system = connect_system(f"sqlite:///{db}")
    init_company(system, "boss", "The Boss")
    system.close()
    ctx = _connect(db)
    set_up_company(ctx, load_json("company.json"))
    set_setting(ctx, "files.max_mb", str(max(1, size // MB + 1)))
    return ctx


def _import(ctx: Ctx, db: Path, source: Path, size: int) -> None:
    before = _store_size(db)
    load = _load()
    cpu, started = time.process_time(), time.perf_counter()
    report = import_inquiries(ctx, source / "inquiries.jsonl")
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = _store_size(db)
    grown_db, grown_files = after[0] - before[0], after[1] - before[1]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"import {report.received:,} inquiries with one {size / MB:.2f} MB attachment each: {took:.1f} s  "
        f"{report.received / took:,.0f} inquiries/s  store growth {(grown_db + grown_files) / MB:,.1f} MB "
        f"(database {grown_db / MB:,.1f} MB, files {grown_files / MB:,.1f} MB)"
    )
    print(
        f"  CPU {cpu:.1f} s ({report.received / max(cpu, 1e-9):,.0f} inquiries per CPU-second); "
        f"peak RSS {peak:.0f} MB; load average {load} before, {_load()} after"
    )


def _threads_with_attachments(ctx: Ctx) -> list[int]:
    """THREADS inquiries whose first message carries ATTACHMENTS files (added once, kept in the store)."""
    with ctx.write() as session:
        rows = session.execute(
            text(
                "SELECT m.inquiry_id, min(m.id) FROM message m GROUP BY m.inquiry_id ORDER BY m.inquiry_id DESC LIMIT :n"
            ),
            {"n": THREADS},
        ).all()
        for inquiry_id, message_id in rows:
            have = session.execute(
                text("SELECT count(*) FROM attachment a JOIN message m ON m.id = a.message_id WHERE m.inquiry_id = :i"),
                {"i": inquiry_id},
            ).scalar_one()
            for k in range(have, ATTACHMENTS):
                data = b"\x89PNG\r\n\x1a\n" + f"{inquiry_id} {k}".encode() + os.urandom(4096)
                attach(session, ctx.url, message_id, f"photo {k}.png", data, at=ctx.now())
    return [int(r[0]) for r in rows]


class _Pane(App[None]):
    def compose(self) -> ComposeResult:
        yield ThreadView()

    def on_mount(self) -> None:
        self.call_after_refresh(gc.freeze)  # as InquiryApp does (tui/app.py): start-up objects out of full collections


async def _open_threads(ctx: Ctx, ids: list[int], runs: int) -> dict[str, list[float]]:
    """Per open: the service call, then ThreadView.show (the layout), then the frame that shows it."""
    got: dict[str, list[float]] = {}
    app = _Pane()
    async with app.run_test(size=(80, 48)) as pilot:
        view = app.query_one(ThreadView)
        await pilot.pause()
        for run in range(runs + 5):
            inquiry_id = ids[run % len(ids)]
            marks = [(time.perf_counter(), time.process_time())]
            detail = thread_detail(ctx, inquiry_id)  # in the app a worker thread's part
            marks.append((time.perf_counter(), time.process_time()))
            view.show(detail, ctx.now(), UTC)
            marks.append((time.perf_counter(), time.process_time()))
            shown = asyncio.get_running_loop().create_future()
            app.call_after_refresh(shown.set_result, None)
            await shown
            marks.append((time.perf_counter(), time.process_time()))
            if run < 5:
                continue  # warm-up: imports, first layout
            for name, (a, b) in {"svc": (0, 1), "show": (1, 2), "frame": (2, 3), "open": (0, 2), "all": (0, 3)}.items():
                got.setdefault(name, []).append((marks[b][0] - marks[a][0]) * 1000)
                got.setdefault(name + "_cpu", []).append((marks[b][1] - marks[a][1]) * 1000)
        files = sum(len(m.attachments) for m in thread_detail(ctx, ids[0]).messages)
        assert files == ATTACHMENTS, files
    return got


def _thread_figures(ctx: Ctx, runs: int) -> None:
    ids = _threads_with_attachments(ctx)
    load = _load()
    got = asyncio.run(_open_threads(ctx, ids, runs))
    print(f"thread open with {ATTACHMENTS} attachments: {_p(got['open'])}  (n={runs}, target 16 ms)")
    print(
        f"  (the service call and ThreadView.show laying the pane out at 80x48) CPU {_p(got['open_cpu'])}; "
        f"{len(ids)} threads opened in turn; load average {load} before, {_load()} after"
    )
    print(f"  service call (thread_detail): wall {_p(got['svc'])}; CPU {_p(got['svc_cpu'])}")
    print(f"  ThreadView.show (text and strips): wall {_p(got['show'])}; CPU {_p(got['show_cpu'])}")
    print(f"  Textual's frame that shows it: wall {_p(got['frame'])}; CPU {_p(got['frame_cpu'])}")
    print(f"  to the frame, all three: wall {_p(got['all'])}; CPU {_p(got['all_cpu'])}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inquiries", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=MB)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--keep-source", action="store_true", help="keep the source files (and reuse kept ones)")
    parser.add_argument("--thread-only", action="store_true", help="time thread opens on the store left in --out")
    args = parser.parse_args(argv)
    n, size = args.inquiries, args.size
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    db = out / f"files-{n}.db"
    if args.thread_only:
        if not db.is_file():
            raise SystemExit(f"no store {db}: run without --thread-only first")
        ctx = _connect(db)
    else:
        source = out / f"files-{n}-source"
        _write_source(source, n, size, keep=args.keep_source)
        ctx = _new_store(db, size)
        _import(ctx, db, source, size)
        if not args.keep_source:
            shutil.rmtree(source, ignore_errors=True)
    _thread_figures(ctx, args.runs)
    database, files = _store_size(db)
    print(
        f"store: {db} {database / MB:,.1f} MB (with -wal/-shm); file store {files / MB:,.1f} MB "
        f"in {blobs.files_dir(ctx.url)}"
    )
    ctx.close()


if __name__ == "__main__":
    main()
