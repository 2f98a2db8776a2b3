"""Admin figures: the team dashboard and `inquiry-tui stats` (target <= 200 ms at 1M inquiries) and the
allocation-settings preview over the last 100 arrivals (target <= 100 ms); see docs/performance.md.

Usage: python benchmarks/bench_admin.py [--sizes 1000,100000,1000000] [--runs 7] [--from STORE ...]
Stores are built with the generator (`seed --inquiries N`) under benchmarks/out/admin-N.db unless
given with --from (an existing store, e.g. a copy of a seeded one). Each figure is the median and
the worst of RUNS warm calls after one cold call; `stats` is timed in-process through the CLI
(the command's own work, without the interpreter's ~0.6 s start). The reply-rate day cache is
emptied first, so the dashboard's cold call computes the whole window (as the first dashboard
after an upgrade or a bulk load of old history does) and fills the cache the others read.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sqlmodel import select

from inquiry_tui.services.allocation.preview import preview_allocation
from inquiry_tui.services.context import Ctx, actor_from, connect_system
from inquiry_tui.services.setup.company import load_json, set_up_company
from inquiry_tui.services.setup.settings import get_settings
from inquiry_tui.services.setup.synthetic import generate
from inquiry_tui.services.team.accounts import init_company
from inquiry_tui.services.team.stats import team_stats
from inquiry_tui.services.team.warming import warm_reply_days
from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.models import Account

OUT = Path(__file__).parent / "out"


def admin_ctx(path: Path) -> Ctx:
    url = f"sqlite:///{path}"
    system = connect_system(url)
    system.read_engine = make_engine(url, read_only=True)
    with system.read() as session:
        admin = session.exec(select(Account).where(Account.role == "admin")).one()
    return system.as_actor(actor_from(admin))


def build(path: Path, inquiries: int) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    system = connect_system(f"sqlite:///{path}")
    init_company(system, "admin", "Main account")
    ctx = admin_ctx(path)
    set_up_company(ctx, load_json("company.json"))
    result = generate(ctx, inquiries, 1)
    print(f"  built {path.name}: {result.inquiries:,} inquiries in {result.seconds:.0f} s", flush=True)
    system.close()


def load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """(cold, median warm, worst warm) in milliseconds."""
    started = time.perf_counter()
    fn()
    cold = (time.perf_counter() - started) * 1000
    warm = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        warm.append((time.perf_counter() - started) * 1000)
    return cold, statistics.median(warm), max(warm)


def stats_command(path: Path) -> Callable[[], object]:
    from typer.testing import CliRunner

    from inquiry_tui.cli import app

    runner = CliRunner()
    login = admin_ctx(path).actor.login

    def run() -> object:
        result = runner.invoke(app, ["--db", str(path), "stats", "--json"], env={"INQUIRY_TUI_LOGIN": login})
        if result.exit_code != 0:
            raise SystemExit(result.output)
        return result

    return run


def bench(path: Path, runs: int) -> None:
    ctx = admin_ctx(path)
    with ctx.read() as session:
        inquiries = session.connection().exec_driver_sql("SELECT count(*) FROM inquiry").scalar_one()
    with ctx.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM reply_day")
    # As an upgrade or a big import ends (services/team/warming.py): the closed days computed there,
    # then the first dashboard; the cache is emptied again for the cold figure below.
    t, cpu = time.perf_counter(), time.process_time()
    days = warm_reply_days(ctx)
    warm_ms, warm_cpu = (time.perf_counter() - t) * 1000, (time.process_time() - cpu) * 1000
    t, cpu = time.perf_counter(), time.process_time()
    team_stats(ctx)
    first_ms, first_cpu = (time.perf_counter() - t) * 1000, (time.process_time() - cpu) * 1000
    with ctx.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM reply_day")
    settings = get_settings(ctx).allocation
    edited = replace(settings, mode="region" if settings.mode == "product" else "product", sticky=not settings.sticky)
    rows = [
        ("dashboard (team_stats)", timed(lambda: team_stats(ctx), runs), 200),
        ("`stats --json` in-process", timed(stats_command(path), runs), 200),
        ("preview, 100 arrivals", timed(lambda: preview_allocation(ctx, edited), runs), 100),
    ]
    print(f"{path.name}: {inquiries:,} inquiries")
    print(
        f"  warming after an upgrade or bulk load: {days} closed days in {warm_ms:.1f} ms (cpu {warm_cpu:.1f} ms); "
        f"then the first dashboard {first_ms:.1f} ms (cpu {first_cpu:.1f} ms), target 200 ms  {load()}"
    )
    for name, (cold, median, worst), target in rows:
        verdict = "ok" if median <= target else "OVER"
        print(
            f"  {name:<28} cold {cold:7.1f} ms   median {median:7.1f} ms   worst {worst:7.1f} ms   target {target} ms  {verdict}"
        )
    sys.stdout.flush()
    ctx.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--from", dest="stores", nargs="*", default=[], help="existing stores to measure instead")
    args = parser.parse_args()
    paths = [Path(p) for p in args.stores]
    if not paths:
        for n in (int(s) for s in args.sizes.split(",")):
            path = OUT / f"admin-{n}.db"
            if not path.exists():
                build(path, n)
            paths.append(path)
    for path in paths:
        bench(path, args.runs)


if __name__ == "__main__":
    main()
