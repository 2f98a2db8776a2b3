"""Identity figures: what the audit chain and the active-account check cost, and how fast `db verify` walks.

Usage: python benchmarks/bench_identity.py [--rows 100000,1000000] [--ops 2000] [--out DIR]

- one audit row in a transaction of its own (`set_away`: a write with its audit row), and
  audit rows appended in bulk (one transaction), chained: what each costs;
- the active-account check each transaction now starts with: an empty read transaction as a
  salesperson against the same as `system` (who is not checked);
- `db verify` over a log of ROWS audit rows (written in bulk through the one writer).

Stores are built under OUT/identity-ROWS.db (benchmarks/out by default). See docs/performance.md.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from sqlmodel import select

from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import SYSTEM, Ctx, actor_from, connect_system
from inquiry_tui.services.identity.verify import verify_audit
from inquiry_tui.services.team.accounts import add_account, init_company, set_away
from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.models import Account

OUT = Path(__file__).parent / "out"
BATCH = 5_000


def build(path: Path) -> Ctx:
    for p in path.parent.glob(path.name + "*"):
        p.unlink()
    url = f"sqlite:///{path}"
    system = connect_system(url)
    system.read_engine = make_engine(url, read_only=True)
    init_company(system, "boss", "The Boss")
    with system.read() as session:
        boss = session.exec(select(Account).where(Account.login == "boss")).one()
        ctx = system.as_actor(actor_from(boss))
    add_account(ctx, "ana", "Ana Zhou")
    return ctx


def as_login(ctx: Ctx, login: str) -> Ctx:
    with ctx.read() as session:
        account = session.exec(select(Account).where(Account.login == login)).one()
        return ctx.as_actor(actor_from(account))


def per_op_us(fn: object, n: int) -> tuple[float, float]:
    """Median and p95 of N calls of FN, in microseconds."""
    assert callable(fn)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e6)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def bulk_append(ctx: Ctx, rows: int) -> float:
    """Append ROWS audit rows through the one writer, BATCH per transaction; rows per second."""
    started = time.perf_counter()
    done = 0
    while done < rows:
        n = min(BATCH, rows - done)
        with ctx.write() as session:
            for i in range(n):
                audit(session, ctx, "bench", "account", "ana", after={"n": done + i})
        done += n
    return rows / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="100000,1000000", help="audit log sizes for db verify")
    parser.add_argument("--ops", type=int, default=2000, help="calls per per-operation figure")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or OUT
    out.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.rows.split(",")]

    ctx = build(out / "identity-ops.db")
    ana = as_login(ctx, "ana")
    away = [False]

    def toggle() -> None:
        away[0] = not away[0]
        set_away(ana, "ana", away[0])

    def read_as(c: Ctx) -> None:
        with c.read():
            pass

    p50, p95 = per_op_us(toggle, args.ops)
    print(f"write with its audit row (set_away, one transaction): p50 {p50:,.0f} us  p95 {p95:,.0f} us  (n={args.ops})")
    checked = per_op_us(lambda: read_as(ana), args.ops)
    unchecked = per_op_us(lambda: read_as(ctx.as_actor(SYSTEM)), args.ops)
    print(
        f"empty read transaction: as a salesperson (active check) p50 {checked[0]:,.0f} us  "
        f"as system (no check) p50 {unchecked[0]:,.0f} us  check ~{checked[0] - unchecked[0]:,.0f} us"
    )
    ctx.close()

    print(f"{'rows':>10}  {'append (bulk)':>16}  {'verify':>9}  {'verify rate':>14}  {'peak RSS':>9}")
    for rows in sizes:
        ctx = build(out / f"identity-{rows}.db")
        rate = bulk_append(ctx, rows)
        started = time.perf_counter()
        verdict = verify_audit(ctx)
        seconds = time.perf_counter() - started
        assert verdict.ok, verdict.summary()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{rows:>10,}  {rate:>10,.0f} rows/s  {seconds:>7.2f} s  {verdict.rows / seconds:>9,.0f} rows/s  {rss:>6,.0f} MB"
        )
        ctx.close()


if __name__ == "__main__":
    main()
