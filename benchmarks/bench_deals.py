"""Orders list figures: opening it and filtering it (first page plus the totals per currency), p95 (docs/performance.md).

Usage: python benchmarks/bench_deals.py [--inquiries N] [--orders M] [--runs R] [--out DIR] [--rebuild]
Defaults: 1,000,000 inquiries and 200,000 orders (target: open and filter p95 <= 50 ms). The
store is kept as DIR/deals-N-M.db (default benchmarks/out) and reused by later runs (an older
store is upgraded to the current schema on opening). The inquiries come from the generator
(`seed --inquiries`); the orders are made here, synthetically, straight into `deal_order` in
bulk (one per buyer in turn, over the past two years, mixed currencies, statuses and kinds),
with the buyers' stages counted as the services do.

Each figure is what the Deals screen's orders worker does for one filter: `order_page` (the first
100 rows) and `order_totals` (the count and the totals per currency of every matching order),
timed together in-process, wall time and CPU time (`time.process_time`), for the admin and for a
salesperson, over every filter the screen and `order list` offer: each status, a customer, an
owner, periods (from only, to only, both; 7 days to two years, whole and part months; a reader's
days in UTC+8, whose bounds are not UTC midnights) and their combinations. Each filter is timed RUNS times after one untimed call; p50 and p95 are over all
of a role's calls, then per filter. The load average is printed beside the figures: wall times
on a busy machine are inflated by it, CPU times much less.
"""

from __future__ import annotations

import argparse
import os
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
from inquiry_tui.services.deals.orders import PAGE
from inquiry_tui.services.deals.trade import refresh_stages
from inquiry_tui.services.deals.views import OrderPage, OrderQuery
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


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def _p95(values: list[float]) -> float:
    return _pct(values, 0.95)


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def open_and_filter(ctx: Ctx, q: OrderQuery) -> OrderPage:
    """What the orders worker of the Deals screen runs for one filter: the first page, then the totals."""
    page = orders.order_page(ctx, q, None, PAGE)
    orders.order_totals(ctx, q)
    return page


def timed(ctx: Ctx, q: OrderQuery, runs: int) -> tuple[list[float], list[float], list[float]]:
    """(wall ms, cpu ms) of RUNS open-and-filter calls after one untimed call, and the next page's wall ms."""
    page = open_and_filter(ctx, q)
    walls, cpus, pages = [], [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        open_and_filter(ctx, q)
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    if page.next_key is not None:
        w = time.perf_counter()
        orders.order_page(ctx, q, page.next_key, PAGE)
        pages.append((time.perf_counter() - w) * 1000)
    return walls, cpus, pages


def filters(customer: str, since_day: datetime) -> dict[str, OrderQuery]:
    """Every filter of the screen and `order list` (the admin adds the owner ones), named."""
    day = since_day

    def days(n: int) -> tuple[datetime, datetime]:
        return day - timedelta(days=n), day + timedelta(days=1)

    out: dict[str, OrderQuery] = {"open": OrderQuery()}
    for status in ("confirmed", "paid", "shipped", "completed", "cancelled"):
        out[f"status {status}"] = OrderQuery(status=status)
    out["customer"] = OrderQuery(customer=customer)
    out["customer + status"] = OrderQuery(customer=customer, status="completed")
    out["customer + period year"] = OrderQuery(customer=customer, since=days(365)[0])
    for n in (7, 30, 90, 365, 730):
        since, until = days(n)
        out[f"period {n} days"] = OrderQuery(since=since, until=until)
    out["from a day (no end)"] = OrderQuery(since=days(200)[0])
    out["to a day (no start)"] = OrderQuery(until=days(200)[0])
    out["period March"] = OrderQuery(since=datetime(2026, 3, 1, tzinfo=UTC), until=datetime(2026, 4, 1, tzinfo=UTC))
    out["status + period 90 days"] = OrderQuery(status="paid", since=days(90)[0])
    out["status + period 2 years"] = OrderQuery(status="cancelled", since=days(730)[0], until=days(730)[1])
    # The Deals screen's periods are the reader's days: for a reader in UTC+8 their bounds fall at 16:00 UTC
    # (services.deals.orders.period), so the totals read two part-days from the orders beside the day sums.
    east = timedelta(hours=8)
    out["March, a UTC+8 reader"] = OrderQuery(
        since=datetime(2026, 3, 1, tzinfo=UTC) - east, until=datetime(2026, 4, 1, tzinfo=UTC) - east
    )
    out["90 days, a UTC+8 reader"] = OrderQuery(since=days(90)[0] - east, until=days(90)[1] - east)
    return out


def admin_filters() -> dict[str, OrderQuery]:
    since, until = datetime(2026, 8, 10, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC)
    return {
        "owner": OrderQuery(owner="ana"),
        "owner + status": OrderQuery(owner="ben", status="completed"),
        "owner + period": OrderQuery(owner="chen", since=since, until=until),
        "owner + status + period": OrderQuery(owner="dora", status="shipped", since=since, until=until),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inquiries", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=10, help="timed calls per filter and role")
    parser.add_argument("--out", type=Path, default=None, help="where the store is kept (default benchmarks/out)")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    path = (args.out or OUT) / f"deals-{args.inquiries}-{args.orders}.db"
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
                "WHERE b.owner_id = (SELECT id FROM account WHERE login = 'ana') ORDER BY o.id LIMIT 1)"
            )
            .one()
        )
    print(f"store: {args.inquiries:,} inquiries, {count:,} orders  (load average {_load()})")
    common = filters(customer, datetime(2026, 11, 23, tzinfo=UTC))
    for who, ctx, named in (("admin", admin, {**common, **admin_filters()}), ("sales", ana, common)):
        started = time.perf_counter()
        w, c = time.perf_counter(), time.process_time()
        open_and_filter(ctx, OrderQuery())
        cold, cold_cpu = (time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000
        per: dict[str, tuple[list[float], list[float]]] = {}
        walls, cpus, pages = [], [], []
        for name, q in named.items():
            wn, cn, pn = timed(ctx, q, args.runs)
            per[name] = (wn, cn)
            walls += wn
            cpus += cn
            pages += pn
        worst, worst_cpu = _p95(walls), _p95(cpus)
        print(
            f"orders list ({who}, {len(named)} filters x {args.runs}): first {cold:.1f} ms (cpu {cold_cpu:.1f})"
            f"  open+filter p50 {statistics.median(walls):.1f} ms  p95 {worst:.1f} ms"
            f"  cpu p50 {statistics.median(cpus):.1f} ms  p95 {worst_cpu:.1f} ms"
            f"  next page p95 {_p95(pages) if pages else 0:.1f} ms  target {TARGET_MS:.0f} ms"
            f"  wall {'ok' if worst <= TARGET_MS else 'OVER'}  cpu {'ok' if worst_cpu <= TARGET_MS else 'OVER'}"
            f"  (load average {_load()}, {time.perf_counter() - started:.0f} s)"
        )
        for name, (wn, cn) in per.items():
            print(
                f"  {name:<26} p50 {statistics.median(wn):6.1f} ms  p95 {_p95(wn):6.1f} ms"
                f"  cpu p50 {statistics.median(cn):6.1f} ms  p95 {_p95(cn):6.1f} ms"
            )
    system.close()


if __name__ == "__main__":
    main()
