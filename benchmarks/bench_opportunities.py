"""RFQ market and visitor figures: the keyword filter, the recommendation list, visitors by views (docs/performance.md).

Usage: python benchmarks/bench_opportunities.py [--rfqs R] [--visitors V] [--inquiries N] [--runs K] [--out DIR]
       [--rebuild] [--url URL]
Defaults: 200,000 RFQs, 100,000 visitors (beside the buyers of 20,000 inquiries). The store is
kept as DIR/opp-R.db (DIR: benchmarks/out) and made once by the synthetic generator
(services/setup), so its RFQs are judged and fitted as an import would; a store made by an
older inquiry-tui is upgraded when opened. Each figure is wall time and this process's CPU time
(p50 and p95), with the load average beside: on a shared machine the wall time is inflated by
the load, the CPU time is not. `--url` measures another store as it is, e.g. a PostgreSQL copy of the
SQLite one (`inquiry-tui --db DIR/opp-R.db db copy --to URL`); it never builds one.

Targets at 200k RFQs and 100k visitors: keyword filter p95 <= 50 ms, recommendation list
<= 200 ms, visitors sorted by views p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import select

from inquiry_tui.services.context import Ctx, actor_from, connect_system
from inquiry_tui.services.customers import activity as customer_activity
from inquiry_tui.services.rfq.market import QUICK_COUNT_CAP, RfqQuery, count_rfqs, first_rfq_page, rfq_page
from inquiry_tui.services.rfq.recommend import recommended_rfqs
from inquiry_tui.services.setup.company import load_json, set_up_company
from inquiry_tui.services.setup.synthetic import generate
from inquiry_tui.services.team.accounts import init_company
from inquiry_tui.services.visitors.listing import VisitorQuery, count_visitors, visitor_page
from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.models import Account

OUT = Path(__file__).parent / "out"
# Rare and common words, a prefix, two and three words, a word nobody wrote.
KEYWORDS: tuple[tuple[str, ...], ...] = (
    ("flood",),
    ("light",),
    ("downlight",),
    ("dali",),
    ("street", "light"),
    ("solar", "street", "light"),
    ("grow",),
    ("cookware",),
    ("warehouse",),
    ("nonexistentxyz",),
)
# Keywords with the other filters, as the filter form (f) adds them.
KEYWORD_FILTERS: tuple[RfqQuery, ...] = (
    RfqQuery(words=("light",), category="Flood lights", open_only=True),
    RfqQuery(words=("flood", "light"), destination="DE"),
    RfqQuery(words=("street", "light"), min_quantity=500, max_quantity=2000, open_only=True),
    RfqQuery(words=("downlight", "dali"), open_only=True, min_quantity=100),
    RfqQuery(words=("warehouse", "light"), destination="US", open_only=True),
    RfqQuery(words=("grow",), category="Grow lights", max_quantity=1000),
)


def _as(ctx: Ctx, login: str) -> Ctx:
    with ctx.read() as session:
        return ctx.as_actor(actor_from(session.exec(select(Account).where(Account.login == login)).one()))


def build(path: Path, inquiries: int, rfqs: int, visitors: int) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    system = connect_system(str(path))
    init_company(system, "admin", "Main account")
    ctx = _as(system, "admin")
    set_up_company(ctx, load_json("company.json"))
    result = generate(ctx, inquiries, 1, rfqs=rfqs, visitors=visitors)
    print(
        f"built {path.name}: {result.inquiries:,} inquiries, {result.rfqs:,} RFQs, {result.visitors:,} more visitors "
        f"in {result.seconds:.1f} s",
        flush=True,
    )
    system.close()


def _timed(fn: Callable[[], object], runs: int) -> list[tuple[float, float]]:
    """(wall ms, CPU ms of this process) per run: on a shared machine the CPU time says what the wall time hides."""
    out = []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        out.append(((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000))
    return out


def _p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, int(len(xs) * 0.95) - 1)]


def _line(name: str, runs: list[tuple[float, float]], target: float | None) -> str:
    xs, cpu = [w for w, _ in runs], [c for _, c in runs]
    verdict = "no target" if target is None else "ok" if _p95(xs) <= target else "OVER"
    return (
        f"{name}: p50 {statistics.median(xs):.1f} ms  p95 {_p95(xs):.1f} ms  "
        f"(cpu p50 {statistics.median(cpu):.1f} p95 {_p95(cpu):.1f}; n={len(xs)}, "
        f"{'target ' + format(target, 'g') + ' ms' if target is not None else 'info'}) {verdict}"
    )


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def _first_paint(ctx: Ctx, q: RfqQuery) -> None:
    """What the market screen does before it shows a list: the first page with a count that stops at
    QUICK_COUNT_CAP (the rows when the page is not full), from one read of the keyword's hits."""
    first_rfq_page(ctx, q, limit=50, cap=QUICK_COUNT_CAP)


def measure(url: str, runs: int) -> None:
    system = connect_system(url)
    system.read_engine = make_engine(url, read_only=True)
    admin, sales = _as(system, "admin"), _as(system, "ana")
    n_open = count_rfqs(admin, RfqQuery(open_only=True), cap=10**9)
    with system.engine.connect() as conn:
        n_rfqs = conn.exec_driver_sql("SELECT count(*) FROM rfq").scalar_one()
        n_visitors = conn.exec_driver_sql("SELECT count(*) FROM visitor_summary").scalar_one()
    if not url.startswith("sqlite"):
        print(f"engine: {system.engine.dialect.name} ({url.split('?')[0]})")
    print(f"store: {n_rfqs:,} RFQs ({n_open:,} open today), {n_visitors:,} visitors")
    print(_load())
    pages: list[tuple[float, float]] = []
    counted: list[tuple[float, float]] = []
    exact: list[tuple[float, float]] = []
    for words in KEYWORDS:
        for open_only in (False, True):
            q = RfqQuery(words=words, open_only=open_only)
            _first_paint(admin, q)  # the first touch of each query's pages is not the figure
            pages += _timed(lambda q=q: rfq_page(admin, q, limit=50), runs)
            counted += _timed(lambda q=q: _first_paint(admin, q), runs)
            exact += _timed(lambda q=q: count_rfqs(admin, q), runs)
    filtered: list[tuple[float, float]] = []
    for q in KEYWORD_FILTERS:
        _first_paint(admin, q)
        filtered += _timed(lambda q=q: _first_paint(admin, q), runs)
    print(_line(f"keyword filter, first 50 ({len(KEYWORDS)} queries x open/all)", pages, 50))
    print(_line(f"keyword filter with its count to {QUICK_COUNT_CAP:,} (as the screen asks)", counted, 50))
    print(_line(f"keyword filter with filters and its count ({len(KEYWORD_FILTERS)} queries)", filtered, 50))
    print(_line("keyword filter, the exact count to 10,000 (shown after the list)", exact, None))
    filters = [
        RfqQuery(open_only=True),
        RfqQuery(category="Flood lights", open_only=True),
        RfqQuery(destination="DE"),
        RfqQuery(min_quantity=500, max_quantity=2000, open_only=True),
    ]
    ts = [t for q in filters for t in _timed(lambda q=q: rfq_page(admin, q, limit=50), runs)]
    print(_line("market list with filters, first 50", ts, 50))
    customer_activity.rollup(admin)  # the activity levels: built once a day per process (the screen warms it)
    rec = _timed(lambda: recommended_rfqs(admin), runs)
    rec_sales = _timed(lambda: recommended_rfqs(sales), runs)
    rec_kw = _timed(lambda: recommended_rfqs(admin, RfqQuery(words=("light",))), runs)
    print(_line("recommendation list, 200 with reasons (admin, warm rollup)", rec, 200))
    print(_line("recommendation list (sales)", rec_sales, 200))
    print(_line("recommendation list with a keyword", rec_kw, 200))
    for sort in ("views", "recent"):
        q = VisitorQuery(sort=sort)
        first = _timed(lambda q=q: visitor_page(admin, q, limit=100), runs)
        deep_key = None
        key = None
        for _ in range(5):  # walk to page 5 by keyset, then time the next page from there
            page = visitor_page(admin, q, key, 1000)
            key = page.next_key
            if key is None:
                break
            deep_key = key
        deep = _timed(lambda q=q, k=deep_key: visitor_page(admin, q, k, 100), runs)
        with_count = _timed(lambda q=q: (visitor_page(admin, q, limit=100), count_visitors(admin, q)), runs)
        print(_line(f"visitors by {sort}, first 100", first, 50))
        print(_line(f"visitors by {sort}, a page 5,000 rows down", deep, 50))
        print(_line(f"visitors by {sort} with the count", with_count, 50))
    filtered = [
        t
        for q in (VisitorQuery(country="DE"), VisitorQuery(term="grow"), VisitorQuery(customer=True))
        for t in _timed(lambda q=q: visitor_page(admin, q, limit=100), runs)
    ]
    print(_line("visitors filtered (region, term, customers), first 100", filtered, 50))
    sales_v = _timed(lambda: visitor_page(sales, VisitorQuery(), limit=100), runs)
    print(_line("visitors by views (sales: their own and unowned)", sales_v, 50))
    print(_load())
    system.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rfqs", type=int, default=200_000)
    parser.add_argument("--visitors", type=int, default=100_000)
    parser.add_argument("--inquiries", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None, help="where the store is kept (default benchmarks/out)")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--url", default=None, help="measure this store as it is (e.g. PostgreSQL); never built")
    args = parser.parse_args(argv)
    if args.url:
        measure(args.url, args.runs)
        return
    path = (args.out or OUT) / f"opp-{args.rfqs}.db"
    if args.rebuild or not path.exists():
        build(path, args.inquiries, args.rfqs, args.visitors)
    measure(f"sqlite:///{path}", args.runs)


if __name__ == "__main__":
    main()
