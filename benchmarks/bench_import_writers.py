"""Small writes from other sessions while a big import runs: failures and wait per write, and the import's time.

    python benchmarks/bench_import_writers.py build [--n 100000] [--dir DIR]
    python benchmarks/bench_import_writers.py run [--writers 4 10 20] [--dir DIR]

`build` makes, once, under DIR (default benchmarks/out): `writers-base.db`, the sample company
(7 salespeople, 40 SKUs, rotation and reception on) with 3,000 inquiries to act on, and
`arrivals-N.jsonl`, N inquiries as benchmarks/bench_arrivals.py writes them. `run` copies the
base store for each writer count W, starts W processes that each loop over the four small
writes a colleague makes (reassign, reply, a setting, a new customer; 0.25 s apart, like a
person working fast), then imports the file in this process and stops the writers when it
ends. It prints the import's wall and CPU time (its worker processes' included), then every write the writers made during the
import: how many failed (and the first error), and the wait per write (p50, p95, max).
Every figure is wall time on a shared machine: print `uptime` beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
TARGETS = 3_000  # inquiries in the base store, acted on by the writers
PAUSE = 0.25  # seconds between one writer's writes
LOGINS = ("ana", "ben", "chen", "dora", "eric", "fay", "gus")  # the sample company's salespeople


def children_cpu() -> float:
    """CPU seconds of this process's ended children (the import's worker processes; no writer has ended yet)."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def build(n: int, out: Path) -> None:
    import bench_arrivals

    from inquiry_tui.services.arrivals.importing import import_inquiries

    out.mkdir(parents=True, exist_ok=True)
    data = out / f"arrivals-{n}.jsonl"
    if not data.exists():
        bench_arrivals.write_input(data, n)
    seed = out / f"arrivals-seed-{TARGETS}.jsonl"
    bench_arrivals.write_input(seed, TARGETS, seed=11)
    text = seed.read_text(encoding="utf-8").replace('"B-', '"S-')  # other external ids than the big file's
    seed.write_text(text, encoding="utf-8")
    base = out / "writers-base.db"
    ctx = bench_arrivals.fresh_store(base)
    import_inquiries(ctx, seed)
    ctx.close()
    with sqlite3.connect(base) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"built {base} ({TARGETS:,} inquiries) and {data}")


def writer(url: str, index: int, stop: Path) -> None:
    """One colleague: reassign, reply, a setting, a customer, in turn, until STOP exists; prints JSON."""
    from sqlmodel import select

    from inquiry_tui.services.allocation.assignment import assign_inquiry
    from inquiry_tui.services.context import actor_from, connect_system
    from inquiry_tui.services.customers.input import CustomerInput
    from inquiry_tui.services.customers.manage import add_customer
    from inquiry_tui.services.inbox.triage import reply
    from inquiry_tui.services.setup.settings import set_setting
    from inquiry_tui.store.engine import make_engine
    from inquiry_tui.store.models import Account

    system = connect_system(url)
    system.read_engine = make_engine(url, read_only=True)  # reads never wait on the write lock, as in the app
    with system.read() as s:
        admin = s.exec(select(Account).where(Account.login == "grace")).one()
    ctx = system.as_actor(actor_from(admin))
    rng = random.Random(index)
    waits: list[float] = []
    errors: list[str] = []
    print("ready", flush=True)
    k = 0
    while not stop.exists():
        inquiry = rng.randrange(1, TARGETS + 1)
        start = time.perf_counter()
        try:
            match k % 4:
                case 0:
                    assign_inquiry(ctx, inquiry, LOGINS[(index + k) % len(LOGINS)])
                case 1:
                    reply(ctx, inquiry, f"Quote from writer {index}: USD 4.20 FOB")
                case 2:
                    set_setting(ctx, "reception.welcome", f"Welcome, from writer {index} ({k})")
                case _:
                    add_customer(ctx, CustomerInput(email=f"w{index}-{k}@customers.example", name=f"Writer {index}"))
        except Exception as exc:
            if "already belongs" not in str(exc):
                errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
        waits.append(time.perf_counter() - start)
        k += 1
        time.sleep(PAUSE)
    ctx.close()
    print(json.dumps({"waits": waits, "errors": errors}), flush=True)


def run(counts: list[int], out: Path, n: int) -> None:
    from bench_arrivals import NOW

    from inquiry_tui.services.arrivals.importing import import_inquiries
    from inquiry_tui.services.context import actor_from, connect_system
    from inquiry_tui.store.engine import make_engine
    from inquiry_tui.store.models import Account

    data = out / f"arrivals-{n}.jsonl"
    base = out / "writers-base.db"
    import inquiry_tui

    print(f"inquiry_tui from {Path(inquiry_tui.__file__).parent}")
    for count in counts:
        store = out / f"writers-run-{count}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{store}{suffix}").unlink(missing_ok=True)
        shutil.copy(base, store)
        url = f"sqlite:///{store}"
        stop = out / f"writers-stop-{count}"
        stop.unlink(missing_ok=True)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        procs = [
            subprocess.Popen(
                [sys.executable, __file__, "writer", url, str(i), str(stop)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for i in range(count)
        ]
        for proc in procs:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
        system = connect_system(url)
        system.read_engine = make_engine(
            url, read_only=True
        )  # as `connect` gives the CLI: the check reads take no lock
        system.clock = lambda: NOW
        from sqlmodel import select

        with system.read() as s:
            ctx = system.as_actor(actor_from(s.exec(select(Account).where(Account.login == "grace")).one()))
        load = os.getloadavg()[0]
        wall, cpu = time.perf_counter(), time.process_time() + children_cpu()
        error = ""
        try:
            report = import_inquiries(ctx, data)
            received = report.received
        except Exception as exc:
            error, received = f"{type(exc).__name__}: {exc}", 0
        wall, cpu = time.perf_counter() - wall, time.process_time() + children_cpu() - cpu
        stop.touch()
        waits: list[float] = []
        errors: list[str] = []
        for proc in procs:
            stdout, stderr = proc.communicate(timeout=120)
            if proc.returncode != 0:
                errors.append(f"writer exited {proc.returncode}: {stderr.strip().splitlines()[-1:]}")
                continue
            result = json.loads(stdout.strip().splitlines()[-1])
            waits += result["waits"]
            errors += result["errors"]
        ctx.close()
        waits.sort()

        def p(q: float, waits: list[float] = waits) -> float:
            return waits[min(len(waits) - 1, int(len(waits) * q))] * 1000 if waits else 0.0

        print(
            f"writers {count:>2}: import {received:,} in {wall:6.1f} s wall, {cpu:6.1f} s CPU{(' FAILED ' + error) if error else ''}; "
            f"writes {len(waits):,}, failed {len(errors):,}; wait p50 {p(0.5):,.0f} ms, p95 {p(0.95):,.0f} ms, "
            f"max {p(1.0):,.0f} ms  (load {load:.1f} -> {os.getloadavg()[0]:.1f})"
        )
        if errors:
            print(f"  first failure: {errors[0]}")
        stop.unlink(missing_ok=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "writer":
        writer(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("build", "run"))
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--writers", type=int, nargs="+", default=[4, 10, 20])
    parser.add_argument("--dir", type=Path, default=HERE / "out")
    args = parser.parse_args()
    if args.what == "build":
        build(args.n, args.dir)
    else:
        run(args.writers, args.dir, args.n)


if __name__ == "__main__":
    main()
