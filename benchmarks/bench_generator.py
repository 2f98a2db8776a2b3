"""Generator figures: seconds to seed N synthetic inquiries (~3 messages each), wall and CPU, and the store size.

Usage: python benchmarks/bench_generator.py [N ...] [--baseline REF] [--out DIR]
       (default sizes: 1000 100000 1000000)

Each size is seeded in a child process of its own (`seed_synthetic`, as `inquiry-tui seed
--inquiries N --seed 1` does), timed from the call to its return: wall, the process's CPU (every
thread, and the row builder's process from synthetic.BUILD_PROCESS_FROM inquiries, which also
builds the search index beside the load; older code built both in threads) and
its main thread's (the load's own path: on an idle 2-core machine the wall time comes no lower
than the larger of that and half the process's CPU), peak RSS, with the load average
before and after; the team's caches warmed after the load (services/team/warming.py) are timed
apart, not in the load's figures. `--baseline REF` seeds the same size with git REF's code (`git archive` into
DIR) just before this tree's, side by side. Stores go to DIR (benchmarks/out/ by default,
gitignored) as gen-N.db and are kept for the other benchmarks; the baseline's as gen-N-base.db.
Target (docs/performance.md): 1M inquiries in <= 60 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import stores

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).parent / "out"


def store_path(n: int, out: Path = OUT) -> Path:
    return out / f"gen-{n}.db"


def make_store(n: int, seed: int = 1, path: Path | None = None) -> tuple[float, int]:
    """Seed a fresh SQLite store of N inquiries at PATH (gen-N.db by default); (seconds, bytes). Prints one line."""
    figures = _seed(path or store_path(n), n, seed)
    print(_line(n, figures), flush=True)
    return figures["wall"], figures["size"]


def _seed(path: Path, n: int, seed: int) -> dict[str, float]:
    """Seed PATH with the inquiry_tui on sys.path; its figures."""
    from sqlmodel import select

    from inquiry_tui.services.context import actor_from, connect_system
    from inquiry_tui.services.setup.seed import seed_synthetic
    from inquiry_tui.services.team.accounts import init_company
    from inquiry_tui.store.models import Account

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    ctx = connect_system(str(path))
    init_company(ctx, "admin", "Main account")
    with ctx.read() as session:
        admin = session.exec(select(Account).where(Account.login == "admin")).one()
    ctx = ctx.as_actor(actor_from(admin))
    import inquiry_tui.services.team.warming as warming

    warm = [0.0, 0.0]  # the caches warmed after the load (this tree's seed does; older code did not)
    real_warm = warming.warm_caches

    def timed_warm(*args: Any, **kwargs: Any) -> Any:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return real_warm(*args, **kwargs)
        finally:
            warm[:] = [time.perf_counter() - started, time.process_time() - cpu]

    warming.warm_caches = timed_warm
    started, cpu, main_cpu = time.perf_counter(), time.process_time(), time.thread_time()
    children = _children_cpu()
    _, result = seed_synthetic(ctx, n, seed)
    seconds, cpu = time.perf_counter() - started - warm[0], time.process_time() - cpu - warm[1]
    builder = _children_cpu() - children  # the row builder's process (from synthetic.BUILD_PROCESS_FROM)
    cpu += builder
    main_cpu = time.thread_time() - main_cpu - warm[1]  # the warming runs on this thread
    raw = ctx.engine.raw_connection()  # outside any transaction: a checkpoint cannot run inside one
    raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    ctx.close()
    size = sum(os.path.getsize(f"{path}{s}") for s in ("", "-wal") if os.path.exists(f"{path}{s}"))
    return {
        "wall": seconds,
        "cpu": cpu,
        "main_cpu": main_cpu,
        "messages": result.messages,
        "buyers": result.buyers,
        "size": size,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "builder_cpu": builder,
        "builder_rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "warm": warm[0],
        "warm_cpu": warm[1],
    }


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended (user and system)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _line(n: int, f: dict[str, float], label: str = "") -> str:
    return (
        f"{label}{n:>9,} inquiries  {int(f['messages']):>10,} messages  {int(f['buyers']):>7,} buyers  "
        f"{f['wall']:7.1f} s  cpu {f['cpu']:7.1f} s (main thread {f['main_cpu']:6.1f} s)  {n / f['wall']:>9,.0f} inquiries/s  "
        f"store {f['size'] / 1e6:8.1f} MB  peak RSS {f['rss']:6.0f} MB"
        f"{_builder(f)}  "
        f"then caches warmed {f['warm']:5.1f} s cpu {f['warm_cpu']:5.1f} s"
    )


def _builder(f: dict[str, float]) -> str:
    """The builder process's part, when the rows were built in one (older code's figures have none)."""
    if not f.get("builder_cpu"):
        return ""
    return f" (builder process: cpu {f['builder_cpu']:.1f} s, peak RSS {f['builder_rss']:.0f} MB)"


def in_child(n: int, path: Path, code: Path | None) -> dict[str, float] | None:
    """Seed in a fresh process, with CODE's inquiry_tui first on its path (this tree's when None)."""
    script = (
        f"import sys, json; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench_generator as b; "
        f"from pathlib import Path; print(json.dumps(b._seed(Path({str(path)!r}), {n}, 1)))"
    )
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=code or ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        print(f"{n:>9,}: failed: {done.stderr.strip().splitlines()[-1:]}", flush=True)
        return None
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--baseline", metavar="REF", help="also seed each size with git REF's code, just before")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    print(f"generator on {os.cpu_count()} cores (target: 1M inquiries with ~3M messages in <= 60 s); {stores.load()}")
    base = stores.baseline_code(args.baseline, args.out) if args.baseline else None
    for n in args.sizes:
        runs: list[tuple[str, Path | None, Path]] = []
        if base is not None:
            runs.append((f"{args.baseline:>10}", base, args.out / f"gen-{n}-base.db"))
        runs.append((f"{'this tree':>10}", None, store_path(n, args.out)))
        for label, code, path in runs:
            before = stores.load()
            figures = in_child(n, path, code)
            if figures is not None:
                print(f"{_line(n, figures, label + '  ')}  ({before}; after: {stores.load()})", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
