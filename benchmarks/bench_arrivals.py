"""Arrivals benchmark: `import inquiries` throughput with the whole pipeline, and one arrival's latency.

    python benchmarks/bench_arrivals.py [--sizes 100000 1000000] [--singles 300] [--out benchmarks/out] [--db URL]
                                        [--reuse] [--baseline REF] [--no-raw] [--import-only]

With --db, the stores are databases `<name>_arrivals_N` on that PostgreSQL server (benchmarks/stores.py),
made afresh each run like the SQLite files.

For each size: a fresh store with the sample company (7 salespeople, 40 SKUs, regions, rotation
on, smart reception on), a JSONL file of N inquiries (about 3% junk, 1% blocked, ~N/20 buyers)
written under --out (gitignored), then `import_inquiries` timed end to end (read, validate,
junk, routing, terms, auto-replies, rows, FTS, allocation record, commit), wall and CPU. The
imported SQLite store is kept as `arrivals-N.imported.db`; `--reuse` starts from it instead of
importing again. Single arrivals then run on a copy of it (`arrivals-N.db`), each in its own
transaction through `receive`: p50 / p95 of the wall time and of the CPU time of the arriving
thread (SQLite's checkpoints run on a thread of their own, store/checkpoint.py; their runs,
the WAL file's size and CPU are printed apart). Then the same with away, capacity and escalation on (docs/domain.md,
Away and capacity, Escalation): one salesperson away for a week, two at a limit of 20 open
inquiries (they hold more), escalation after 48 h. The first arrival after escalation is
switched on escalates the oldest batch of the backlog already due (supervision.ARRIVAL_BATCH);
it is timed apart, then `allocate` escalates the rest in batches (timed, with its longest
transaction), and only then the p95 is measured.

`--baseline REF` also imports the same file with the code of git REF (e.g. the commit before
the routing work) in a child process, just before this code's import, so both rates are
printed by one run on the same machine. Each figure is printed with the load average.
Targets (docs/performance.md): the import at least 0.8 of a raw SQLite load of the same schema; one
arrival <= 5 ms.

The raw baseline (SQLite): the very rows the import wrote (its buyers, inquiries, messages and
allocation records, read back from the imported store, untimed) loaded into another fresh store
of the same schema by plain `sqlite3` executemany in one transaction, with the search index
built by one statement as store.bulk does (triggers paused) and every index maintained: what
SQLite itself does here with no decision made and no check. Its rate and the import's ratio to
it are printed beside the import (`--no-raw` skips it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import stores

from inquiry_tui.services.allocation.reroute import allocate
from inquiry_tui.services.allocation.supervision import ARRIVAL_BATCH
from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields, import_inquiries, receive
from inquiry_tui.services.context import actor_from, connect_system
from inquiry_tui.services.setup.company import load_json, set_up_company
from inquiry_tui.services.setup.settings import set_setting
from inquiry_tui.services.team.accounts import init_company, set_away, set_limit
from inquiry_tui.store import bulk
from inquiry_tui.store.engine import checkpointer
from inquiry_tui.store.models import Account

ROOT = Path(__file__).resolve().parents[1]

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
    ctx = as_grace(system)
    set_up_company(ctx, load_json("company.json"))
    set_setting(ctx, "reception.mode", "all_day")
    return ctx


def as_grace(system):  # type: ignore[no-untyped-def]
    with system.read() as s:
        from sqlmodel import select

        return system.as_actor(actor_from(s.exec(select(Account).where(Account.login == "grace")).one()))


def children_cpu() -> float:
    """CPU seconds of this process's ended children (the import's worker processes)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


load = stores.load


def baseline_import(ref: str, data: Path, out: Path, n: int, base: str | None = None) -> None:
    """Import DATA with the code of git REF in a child process (its own fresh store, on the same engine); print its rate."""
    code = stores.baseline_code(ref, out)
    script = (
        "import sys, time; sys.path.insert(0, 'benchmarks'); import bench_arrivals as b; "
        "from pathlib import Path; "
        f"ctx = b.fresh_store({stores.store_url(base, out, 'arrivals_base', n)!r}); "
        "import resource; kids = lambda: sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2]); "
        "t, c, own = time.perf_counter(), time.process_time() + kids(), time.process_time(); "
        f"b.import_inquiries(ctx, Path({str(data)!r})); "
        "print(time.perf_counter() - t, time.process_time() + kids() - c, time.process_time() - own)"
    )
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run([sys.executable, "-c", script], cwd=code, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"import {n:>9,} at {ref}: failed: {done.stderr.strip().splitlines()[-1:]}")
        return
    wall, cpu, own = (float(x) for x in done.stdout.split()[-3:])
    print(
        f"import {n:>9,} at {ref} ({code.name.removeprefix('code-')[:9]}, {stores.engine_name(stores.store_url(base, out, 'a', n))}): {wall:6.2f} s  {n / wall:>9,.0f} inquiries/s  "
        f"cpu {cpu:.2f} s  ({n / cpu:,.0f} inquiries per CPU-second; {cpu_split(own, cpu, n)})  {load()}"
    )


def cpu_split(own: float, cpu: float, n: int) -> str:
    """The importing process's own CPU (the serial part: checking's bookkeeping, then the publishing) and its workers'."""
    return f"importing process {own:.2f} s, {own / n * 1e6:.0f} us per inquiry; workers {cpu - own:.2f} s"


RAW_TABLES = ("buyer", "inquiry", "message", "allocation_record")


def raw_load(imported: Path, target: Path, n: int) -> float:
    """Load the rows the import wrote into a fresh store of the same schema with plain sqlite3; seconds (wall)."""
    fresh_store(target).close()
    src = sqlite3.connect(imported)
    first = src.execute("SELECT MIN(id) FROM inquiry WHERE external_id LIKE 'B-%'").fetchone()[0]
    dst = sqlite3.connect(target, isolation_level=None)
    known_buyers = {r[0] for r in dst.execute("SELECT id FROM buyer")}
    rows: dict[str, tuple[list[str], list[tuple[object, ...]]]] = {}
    for table in RAW_TABLES:
        cols = [c[1] for c in src.execute(f"PRAGMA table_info({table})")]
        where = {
            "buyer": "1 = 1",
            "inquiry": "id >= ?",
            "message": "inquiry_id >= ?",
            "allocation_record": "inquiry_id >= ?",
        }[table]
        got = src.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY id", () if table == "buyer" else (first,))
        data = [r for r in got if table != "buyer" or r[0] not in known_buyers]
        rows[table] = (cols, data)
    src.close()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "cache_size=-262144"):
        dst.execute(f"PRAGMA {pragma}")
    fts_doc = bulk._FTS_DOC  # the app's own search document
    t = time.perf_counter()
    dst.execute("BEGIN IMMEDIATE")
    dst.execute("INSERT INTO inquiry_fts_pause (id) VALUES (1)")
    for table in RAW_TABLES:
        cols, data = rows[table]
        dst.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", data)
    ids = [r[0] for r in rows["inquiry"][1]]
    dst.execute(
        f"INSERT INTO inquiry_fts (rowid, subject, body, company) {fts_doc} WHERE i.id BETWEEN ? AND ? ORDER BY i.id",
        (min(ids), max(ids)),
    )
    dst.execute("DELETE FROM inquiry_fts_pause")
    dst.execute("COMMIT")
    seconds = time.perf_counter() - t
    dst.close()
    return seconds


def bench(
    n: int,
    out: Path,
    singles: int,
    base: str | None = None,
    reuse: bool = False,
    ref: str | None = None,
    raw: bool = True,
    import_only: bool = False,
) -> None:
    data = out / f"arrivals-{n}.jsonl"
    if not data.exists():
        t = time.perf_counter()
        write_input(data, n)
        print(f"  wrote {data} in {time.perf_counter() - t:.1f} s")
    url = stores.store_url(base, out, "arrivals", n)
    sqlite = "://" not in url
    kept = out / f"arrivals-{n}.imported.db"
    if ref:
        baseline_import(ref, data, out, n, base)
    if not (reuse and sqlite and kept.exists()):
        ctx = fresh_store(url)
        t, cpu, own = time.perf_counter(), time.process_time() + children_cpu(), time.process_time()
        report = import_inquiries(ctx, data)
        seconds, cpu = time.perf_counter() - t, time.process_time() + children_cpu() - cpu
        own = time.process_time() - own
        print(
            f"import {n:>9,} ({stores.engine_name(ctx.url)}): {seconds:6.2f} s  {n / seconds:>9,.0f} inquiries/s  "
            f"cpu {cpu:.2f} s  ({n / cpu:,.0f} inquiries per CPU-second; {cpu_split(own, cpu, n)})  (rules {dict(report.by_rule)}, "
            f"junk {report.junk}, deleted {report.deleted}, auto-replies {report.auto_replies}, "
            f"buyers {report.buyers_added})  {load()}"
        )
        ctx.close()
        if sqlite:
            shutil.copyfile(url, kept)
            if raw:
                rate = n / raw_load(kept, out / f"arrivals-{n}.raw.db", n)
                print(
                    f"  raw sqlite3 load of the same rows and schema: {rate:>9,.0f} inquiries/s;  "
                    f"the import is {n / seconds / rate:.2f} of it  {load()}"
                )
    if import_only:
        return
    if sqlite:  # the single arrivals run on a copy, so every run starts from the same imported store
        stores.fresh(url)
        shutil.copyfile(kept, url)
    system = connect_system(url)
    system.clock = lambda: NOW
    ctx = as_grace(system)
    singles_p95(ctx, n, singles, "one arrival", start=0)
    set_away(ctx, "ana", True, (NOW + timedelta(days=7)).date())
    for login in ("ben", "chen"):
        set_limit(ctx, login, 20)  # a team's kind of limit; both hold more already, so they are full from the start
    set_setting(ctx, "allocation.reassign_after_hours", "48")
    t, cpu = time.perf_counter(), time.thread_time()
    first = receive(ctx, [single(n, singles, random.Random(2))])
    print(
        f"  first arrival with escalation on (escalates at most {ARRIVAL_BATCH} of the backlog due): "
        f"{(time.perf_counter() - t) * 1000:,.0f} ms  cpu {(time.thread_time() - cpu) * 1000:,.0f} ms  "
        f"({first.escalated} escalated)"
    )
    t, cpu = time.perf_counter(), time.thread_time()
    drained = allocate(ctx)
    print(
        f"  allocate, the rest of the backlog in batches: {len(drained.escalated):,} escalated in "
        f"{time.perf_counter() - t:,.2f} s  cpu {time.thread_time() - cpu:,.2f} s  {load()}"
    )
    singles_p95(ctx, n, singles, "one arrival, away + capacity + escalation on,", start=singles + 1)
    worker = checkpointer(ctx.engine)
    if worker is not None:
        st = worker.stats
        print(
            f"  background checkpoints since the single arrivals began (the drain included): {st.runs} runs, "
            f"{st.wall_seconds * 1000:,.0f} ms wall, {st.cpu_seconds * 1000:,.0f} ms cpu (off the arrivals' thread)"
        )
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
    walls, cpus = [], []
    worker = checkpointer(ctx.engine)
    runs, helped = (worker.stats.runs, worker.stats.by_writers) if worker is not None else (0, 0)
    for i in range(start, start + singles):
        a = single(n, i, rng)
        t, cpu = time.perf_counter(), time.thread_time()
        receive(ctx, [a])
        walls.append((time.perf_counter() - t) * 1000)
        cpus.append((time.thread_time() - cpu) * 1000)
    walls.sort()
    cpus.sort()
    p95 = int(len(walls) * 0.95)
    print(
        f"{label} at {n:>9,}: p50 {walls[len(walls) // 2]:.2f} ms  p95 {walls[p95]:.2f} ms  (n={singles})  "
        f"cpu p50 {cpus[len(cpus) // 2]:.2f} ms  p95 {cpus[p95]:.2f} ms  {load()}"
    )
    if worker is not None:
        print(
            f"  checkpoints during these arrivals: {worker.stats.runs - runs} "
            f"({worker.stats.by_writers - helped} by the writer, so that the WAL restarts); "
            f"WAL file now {worker.wal_size() / 1024 / 1024:.1f} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--singles", type=int, default=300)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--db", help="a PostgreSQL server URL: its databases <name>_arrivals_N (default: SQLite files)")
    parser.add_argument("--reuse", action="store_true", help="start from the kept imported store (SQLite) if there")
    parser.add_argument("--baseline", metavar="REF", help="also import with the code of this git commit, first")
    parser.add_argument("--no-raw", action="store_true", help="skip the raw sqlite3 load beside the import")
    parser.add_argument("--import-only", action="store_true", help="stop after the import (no single arrivals)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        bench(n, args.out, args.singles, args.db, args.reuse, args.baseline, not args.no_raw, args.import_only)


if __name__ == "__main__":
    main()
