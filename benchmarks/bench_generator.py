"""Generator figures: seconds to seed N synthetic inquiries (~2.5 messages each) and the store size.

Usage: python benchmarks/bench_generator.py [N ...]   (default: 1000 100000 1000000)
Stores are written under benchmarks/out/ (gitignored) and kept for the other benchmarks.
Target (docs/performance.md): 1M inquiries in <= 60 s.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

from inquiry_tui.services.context import actor_from, connect_system
from inquiry_tui.services.setup.seed import seed_synthetic
from inquiry_tui.services.team.accounts import init_company
from inquiry_tui.store.models import Account

OUT = Path(__file__).parent / "out"


def store_path(n: int) -> Path:
    return OUT / f"gen-{n}.db"


def make_store(n: int, seed: int = 1) -> tuple[float, int]:
    path = store_path(n)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    ctx = connect_system(str(path))
    init_company(ctx, "admin", "Main account")
    with ctx.read() as session:
        from sqlmodel import select

        admin = session.exec(select(Account).where(Account.login == "admin")).one()
    ctx = ctx.as_actor(actor_from(admin))
    started = time.perf_counter()
    _, result = seed_synthetic(ctx, n, seed)
    seconds = time.perf_counter() - started
    raw = ctx.engine.raw_connection()  # outside any transaction: a checkpoint cannot run inside one
    raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    ctx.close()
    size = sum(os.path.getsize(f"{path}{s}") for s in ("", "-wal") if os.path.exists(f"{path}{s}"))
    print(
        f"{n:>9,} inquiries  {result.messages:>10,} messages  {result.buyers:>7,} buyers  "
        f"{seconds:7.1f} s  {n / seconds:>9,.0f} inquiries/s  store {size / 1e6:8.1f} MB",
        flush=True,
    )
    return seconds, size


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1_000, 100_000, 1_000_000]
    print(f"generator on {os.cpu_count()} cores (target: 1M inquiries with ~3M messages in <= 60 s)")
    for n in sizes:
        make_store(n)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the generator process: {peak:.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
