"""File figures: importing inquiries that carry an attachment each, and opening a thread with 20 attachments.

Usage: python benchmarks/bench_files.py [--inquiries N] [--size BYTES] [--runs R] [--out DIR]
Defaults: 10,000 inquiries with one 1 MiB attachment each (distinct content: 10 GB of files,
written under DIR and removed afterwards), 200 thread opens. Prints the import time, the store's
growth (database and file store), and the p50/p95 of opening a thread whose messages carry
20 attachments (the service call plus laying out the pane's text at 80 columns).

Target (docs/performance.md): thread open p95 <= 16 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console

from inquiry_tui.services.arrivals.importing import import_inquiries
from inquiry_tui.services.context import actor_from, connect_system
from inquiry_tui.services.files import blobs
from inquiry_tui.services.files.attachments import attach
from inquiry_tui.services.inbox.thread import thread_detail
from inquiry_tui.services.setup.company import load_json, set_up_company
from inquiry_tui.services.setup.settings import set_setting
from inquiry_tui.services.team.accounts import init_company
from inquiry_tui.store.models import Account

OUT = Path(__file__).parent / "out"


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def _store_size(db: Path) -> tuple[int, int]:
    files = db.with_name(db.stem + ".files")
    base = sum(_size(db.with_name(db.name + suffix)) for suffix in ("", "-wal", "-shm"))
    return base, _size(files)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inquiries", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=1024 * 1024)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    n, size = args.inquiries, args.size
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    db = out / f"files-{n}.db"
    for old in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        old.unlink(missing_ok=True)
    shutil.rmtree(db.with_name(db.stem + ".files"), ignore_errors=True)
    source = out / f"files-{n}-source"
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir()

    system = connect_system(f"sqlite:///{db}")
    init_company(system, "boss", "The Boss")
    with system.read() as session:
        from sqlmodel import select

        boss = session.exec(select(Account).where(Account.login == "boss")).one()
    ctx = system.as_actor(actor_from(boss))
    set_up_company(ctx, load_json("company.json"))
    set_setting(ctx, "files.max_mb", str(max(1, size // (1024 * 1024) + 1)))

    started = time.perf_counter()
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with (source / "inquiries.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(n):
            name = f"drawing-{i}.pdf"
            (source / name).write_bytes(b"%PDF-1.4\n" + os.urandom(max(0, size - 9)))
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
    print(f"  wrote {n:,} files of {size:,} bytes in {time.perf_counter() - started:.1f} s")

    before = _store_size(db)
    started = time.perf_counter()
    report = import_inquiries(ctx, source / "inquiries.jsonl")
    took = time.perf_counter() - started
    after = _store_size(db)
    grown_db, grown_files = after[0] - before[0], after[1] - before[1]
    mb = 1024 * 1024
    print(
        f"import {report.received:,} inquiries with one {size / mb:.2f} MB attachment each: {took:.1f} s  "
        f"{report.received / took:,.0f} inquiries/s  store growth {(grown_db + grown_files) / mb:,.1f} MB "
        f"(database {grown_db / mb:,.1f} MB, files {grown_files / mb:,.1f} MB)"
    )
    shutil.rmtree(source, ignore_errors=True)

    # A thread with 20 attachments: its imported one plus those added to its first message.
    inquiry_id = report.last_id or 1
    already = sum(len(m.attachments) for m in thread_detail(ctx, inquiry_id).messages)
    with ctx.write() as session:
        from sqlalchemy import text

        message_id = session.execute(
            text("SELECT min(id) FROM message WHERE inquiry_id = :i"), {"i": inquiry_id}
        ).scalar_one()
        for k in range(20 - already):
            attach(
                session, ctx.url, message_id, f"photo {k}.png", b"\x89PNG\r\n\x1a\n" + os.urandom(4096), at=ctx.now()
            )
    from inquiry_tui.tui.inbox.thread_view import thread_text

    console = Console(width=80, record=False, file=open(os.devnull, "w"))  # noqa: SIM115  (closed with the process)
    options = console.options.update_width(80)
    times = []
    detail = thread_detail(ctx, inquiry_id)
    for _ in range(args.runs):
        t0 = time.perf_counter()
        detail = thread_detail(ctx, inquiry_id)
        console.render_lines(thread_text(detail, ctx.now(), UTC, 80), options)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    files = sum(len(m.attachments) for m in detail.messages)
    print(
        f"thread open with {files} attachments: p50 {statistics.median(times):.2f} ms  p95 {p95:.2f} ms  "
        f"(n={args.runs}, target 16 ms)"
    )
    print(f"file store: {_store_size(db)[1] / mb:,.1f} MB in {blobs.files_dir(ctx.url)}")
    system.close()


if __name__ == "__main__":
    main()
