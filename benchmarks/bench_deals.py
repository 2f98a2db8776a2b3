"""Orders list figures: opening it and filtering it (first page plus the totals per currency), p95 (docs/performance.md).

Usage: python benchmarks/bench_deals.py [--inquiries N] [--orders M] [--runs R] [--rebuild]
Defaults: 1,000,000 inquiries and 200,000 orders (target: open and filter p95 <= 50 ms). The
store is kept under benchmarks/out/deals-N-M.db. The inquiries come from the generator
(`seed --inquiries`); the orders are made here, synthetically, straight into `deal_order` in
bulk (one per buyer in turn, over the past two years, mixed currencies, statuses and kinds),
with the buyers' stages counted as the services do.

Each figure is one service call as the Deals screen makes it: `order_page` (100 rows) and
`order_totals` (every matching order), timed together, in-process, for the admin and for a
salesperson, over a cycle of filters (status, customer, owner, period and combinations).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from inquiry_tui.domain import money
from inquiry_tui.domain.deals import DealDoc, Line, doc_to_json
from inquiry_tui.services.context import Ctx, actor_from, connect_system
from inquiry_tui.services.deals import orders
from inquiry_tui.services.deals.trade import refresh_stages
from inquiry_tui.services.deals.views import OrderQuery
from inquiry_tui.services.setup.company import load_json, set_up_company
from inquiry_tui.services.setup.synthetic import generate
from inquiry_tui.services.team.accounts import init_company
from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.models import Account
from inquiry_tui.store.types import db_text

OUT = Path(__file__).parent / "out"
TARGET_MS = 50.0
CURRENCIES = (("USD", "12.50"), ("EUR", "11.80"), ("JPY", "1800"), ("CNY", "86.00"))
STATUSES = ("confirmed", "paid", "shipped", "completed", "completed", "completed", "cancelled")
CHUNK = 20_000


def _as(ctx: Ctx, login: str) -> Ctx:
    with ctx.read() as session:
        return ctx.as_actor(actor_from(session.exec(select(Account).where(Account.login == login)).one()))


def build(path: Path, inquiries: int, count: int) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    system = connect_system(str(path))
    init_company(system, "admin", "Main account")
    ctx = _as(system, "admin")
    set_up_company(ctx, load_json("company.json"))
    started = time.perf_counter()
    result = generate(ctx, inquiries, 1)
    print(f"generated {result.inquiries:,} inquiries, {result.buyers:,} buyers in {result.seconds:.0f} s", flush=True)
    rng = random.Random(14)
    now = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    with ctx.engine.begin() as conn:
        buyers = conn.exec_driver_sql("SELECT id, owner_id FROM buyer ORDER BY id").all()
        rows = []
        for n in range(count):
            buyer_id, owner_id = buyers[n % len(buyers)]
            code, price = CURRENCIES[rng.randrange(len(CURRENCIES))]
            doc = DealDoc(
                subject=f"Order {n}",
                currency=code,
                lines=(
                    Line(
                        "FL-100W",
                        "100W LED Flood Light IP65",
                        money.quantity(rng.randrange(1, 2000)),
                        "pcs",
                        money.price(price, code),
                    ),
                ),
            )
            placed = now - timedelta(seconds=rng.randrange(2 * 365 * 86400))
            rows.append(
                (
                    f"BENCH-{n:07d}",
                    "marketplace",
                    "sample" if n % 17 == 0 else "regular",
                    buyer_id,
                    owner_id,
                    STATUSES[rng.randrange(len(STATUSES))],
                    code,
                    money.to_minor(doc.total(), code),
                    doc_to_json(doc),
                    db_text(placed),
                    db_text(placed),
                )
            )
        for start in range(0, len(rows), CHUNK):
            conn.exec_driver_sql(
                "INSERT INTO deal_order (number, source, kind, buyer_id, owner_id, status, currency, total_minor, doc, "
                "placed_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                rows[start : start + CHUNK],
            )
        refresh_stages(conn, [b for b, _ in buyers])
        conn.exec_driver_sql("ANALYZE")
    print(f"store ready in {time.perf_counter() - started:.0f} s: {path} ({count:,} orders)", flush=True)
    system.close()


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def measure(ctx: Ctx, queries: list[OrderQuery], runs: int) -> tuple[list[float], list[float], float]:
    """(open+filter times, next-page times, the first call's time) in ms."""
    started = time.perf_counter()
    orders.order_page(ctx, queries[0])
    orders.order_totals(ctx, queries[0])
    cold = (time.perf_counter() - started) * 1000
    times, pages = [], []
    for r in range(runs):
        for q in queries:
            t = time.perf_counter()
            page = orders.order_page(ctx, q, None, 100)
            orders.order_totals(ctx, q)
            times.append((time.perf_counter() - t) * 1000)
            if page.next_key is not None and r == 0:
                t = time.perf_counter()
                orders.order_page(ctx, q, page.next_key, 100)
                pages.append((time.perf_counter() - t) * 1000)
    return times, pages, cold


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inquiries", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    path = OUT / f"deals-{args.inquiries}-{args.orders}.db"
    if args.rebuild or not path.exists():
        build(path, args.inquiries, args.orders)
    url = f"sqlite:///{path}"
    system = connect_system(url)
    system.read_engine = make_engine(url, read_only=True)
    admin = _as(system, "admin")
    ana = _as(system, "ana")
    with admin.read() as session:
        count, customer = (
            session.connection()
            .exec_driver_sql(
                "SELECT (SELECT count(*) FROM deal_order), (SELECT b.email FROM deal_order o JOIN buyer b ON b.id = o.buyer_id "
                "ORDER BY o.id LIMIT 1)"
            )
            .one()
        )
    print(f"store: {args.inquiries:,} inquiries, {count:,} orders")
    day = datetime(2026, 11, 23, tzinfo=UTC)
    filters = {
        "open": OrderQuery(),
        "status shipped": OrderQuery(status="shipped"),
        "status cancelled": OrderQuery(status="cancelled"),
        "customer": OrderQuery(customer=customer),
        "period 30 days": OrderQuery(since=day - timedelta(days=30), until=day + timedelta(days=1)),
        "status + period 90 days": OrderQuery(status="paid", since=day - timedelta(days=90)),
    }
    for who, ctx, extra in (
        (
            "admin",
            admin,
            {"owner ana": OrderQuery(owner="ana"), "owner + status": OrderQuery(owner="ben", status="completed")},
        ),
        ("sales", ana, {}),
    ):
        queries = list({**filters, **extra}.values())
        times, pages, cold = measure(ctx, queries, args.runs)
        worst = _p95(times)
        print(
            f"orders list ({who}, {len(queries)} filters x {args.runs}): first {cold:.1f} ms  open+filter p50 {statistics.median(times):.1f} ms"
            f"  p95 {worst:.1f} ms  next page p95 {_p95(pages) if pages else 0:.1f} ms  target {TARGET_MS:.0f} ms  {'ok' if worst <= TARGET_MS else 'OVER'}"
        )
        for name, q in {**filters, **extra}.items():
            one, _, _ = measure(ctx, [q], max(3, args.runs))
            print(f"  {name:<24} p95 {_p95(one):6.1f} ms")
    system.close()


if __name__ == "__main__":
    main()
