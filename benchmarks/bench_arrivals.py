"""Arrivals benchmark: `import inquiries` throughput with the whole pipeline, and one arrival's latency.

    python benchmarks/bench_arrivals.py [--sizes 100000 1000000] [--singles 300] [--out benchmarks/out] [--db URL]

With --db, the stores are databases `<name>_arrivals_N` on that PostgreSQL server (benchmarks/stores.py),
made afresh each run like the SQLite files.

For each size: a fresh store with the sample company (7 salespeople, 40 SKUs, regions, rotation
on, smart reception on), a JSONL file of N inquiries (about 3% junk, 1% blocked, ~N/20 buyers)
written under --out (gitignored), then `import_inquiries` timed end to end (read, validate,
junk, routing, auto-replies, rows, FTS, allocation record, commit). Then single arrivals, each
in its own transaction through `receive`, into the imported store: p50 / p95. Then the same
again with away, capacity and escalation on (docs/domain.md, Away and capacity, Escalation): one
salesperson away for a week, two at a limit of 20 open inquiries (they hold more), escalation after
48 h. The first arrival after escalation is switched on sweeps every inquiry already due (the
30-day window of the imported history); it is timed and printed on its own, outside the p95.
Targets (docs/performance.md): the import at least 0.8 of a raw SQLite load of the same schema
(this script prints inquiries/s; it does not load the raw baseline beside it yet); one arrival <= 5 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import stores

from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields, import_inquiries, receive
from inquiry_tui.services.context import actor_from, connect_system
from inquiry_tui.services.setup.company import load_json, set_up_company
from inquiry_tui.services.setup.settings import set_setting
from inquiry_tui.services.team.accounts import init_company, set_away, set_limit
from inquiry_tui.store.models import Account

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def write_input(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    company = load_json("company.json")
    vocab = load_json("vocab.json")
    skus = [p["sku"] for p in company["products"]]
    countries = [c for c, _ in vocab["countries"]]
    buyers = max(50, n // 20)
    start = NOW - timedelta(days=60)
    step = (NOW - start) / n
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            b = int(rng.random() ** 2 * buyers)
            roll = rng.random()
            if roll < 0.03:
                spam = vocab["junk"][i % len(vocab["junk"])]
                subject, body, product = spam["subject"], spam["body"], None
            else:
                product = skus[i % len(skus)] if rng.random() < 0.8 else None
                subject = f"Quote for {product or 'your catalogue'}, {rng.choice([100, 500, 1000])} pcs"
                body = (
                    f"{rng.choice(vocab['openings'])}\n\nPlease send price and lead time for {product or 'LED lights'}, "
                    f"FOB {rng.choice(vocab['ports'])}.\n\n{rng.choice(vocab['closings'])}"
                )
            email = "promo@seo-rank-fast.example" if roll > 0.99 else f"buyer{b}@{'abcdefghij'[b % 10]}-trade.example"
            fh.write(
                json.dumps(
                    {
                        "external_id": f"B-{i:08d}",
                        "channel": "inquiry" if roll < 0.7 else "tm" if roll < 0.9 else "email",
                        "received_at": (start + step * i).isoformat().replace("+00:00", "Z"),
                        "buyer": {
                            "email": email,
                            "name": f"Buyer {b}",
                            "company": f"Company {b} Ltd",
                            "country": countries[b % len(countries)],
                        },
                        "product": product,
                        "subject": subject,
                        "body": body,
                        "quantity": 500,
                        "unit": "pcs",
                    }
                )
                + "\n"
            )


def fresh_store(path: Path | str):  # type: ignore[no-untyped-def]
    stores.fresh(str(path))
    system = connect_system(str(path))
    system.clock = lambda: NOW
    init_company(system, "grace", "Grace")
    with system.read() as s:
        from sqlmodel import select

        ctx = system.as_actor(actor_from(s.exec(select(Account).where(Account.login == "grace")).one()))
    set_up_company(ctx, load_json("company.json"))
    set_setting(ctx, "reception.mode", "all_day")
    return ctx


def bench(n: int, out: Path, singles: int, base: str | None = None) -> None:
    data = out / f"arrivals-{n}.jsonl"
    if not data.exists():
        t = time.perf_counter()
        write_input(data, n)
        print(f"  wrote {data} in {time.perf_counter() - t:.1f} s")
    ctx = fresh_store(stores.store_url(base, out, "arrivals", n))
    t = time.perf_counter()
    report = import_inquiries(ctx, data)
    seconds = time.perf_counter() - t
    print(
        f"import {n:>9,} ({stores.engine_name(ctx.url)}): {seconds:6.2f} s  {n / seconds:>9,.0f} inquiries/s  (rules {dict(report.by_rule)}, "
        f"junk {report.junk}, deleted {report.deleted}, auto-replies {report.auto_replies}, buyers {report.buyers_added})"
    )
    singles_p95(ctx, n, singles, "one arrival", start=0)
    set_away(ctx, "ana", True, (NOW + timedelta(days=7)).date())
    for login in ("ben", "chen"):
        set_limit(ctx, login, 20)  # a team's kind of limit; both hold more already, so they are full from the start
    set_setting(ctx, "allocation.reassign_after_hours", "48")
    t = time.perf_counter()
    receive(ctx, [single(n, singles, random.Random(2))])
    print(f"  first arrival with escalation on (sweeps the backlog due): {(time.perf_counter() - t) * 1000:,.0f} ms")
    singles_p95(ctx, n, singles, "one arrival, away + capacity + escalation on,", start=singles + 1)
    ctx.close()


def single(n: int, i: int, rng: random.Random) -> Arrival:
    return Arrival(
        f"single-{i}",
        "inquiry",
        NOW + timedelta(seconds=i),
        BuyerFields(f"buyer{rng.randrange(n // 20)}@a-trade.example", "B", "C", "DE"),
        "FL-100W" if i % 2 else None,
        "Price please",
        "Please quote 500 pcs FOB Ningbo, thank you.",
    )


def singles_p95(ctx, n: int, singles: int, label: str, start: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(1 + start)
    times = []
    for i in range(start, start + singles):
        a = single(n, i, rng)
        t = time.perf_counter()
        receive(ctx, [a])
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(
        f"{label} at {n:>9,}: p50 {statistics.median(times):.2f} ms  p95 {times[int(len(times) * 0.95)]:.2f} ms  (n={singles})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--singles", type=int, default=300)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--db", help="a PostgreSQL server URL: its databases <name>_arrivals_N (default: SQLite files)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        bench(n, args.out, args.singles, args.db)


if __name__ == "__main__":
    main()
