"""Start in a real terminal: launch to the first inbox row on screen, at 1k / 100k / 1M inquiries (docs/performance.md).

Usage: python benchmarks/bench_start.py [--sizes 1000 100000 1000000] [--terminal 160x48 80x24] [--runs 5]
                                        [--out DIR] [--baseline REF] [--source]

Each run starts the real entry point (`inquiry-tui --db STORE`, acting as the main account) in a
tmux pane of the given size (a tmux server of its own) and polls `tmux capture-pane` every 5 ms until a row of the inbox
list (a subject, a buyer and a time or date between the list's borders) is on screen: wall time
from the launch, and the process's CPU time (user + system, from /proc) at that moment. Then
`q` quits it. The figure is the p50 over the runs (min and max beside it), with the load
average at the start of each size; with two sizes or more, the largest's p50 over the smallest's
(the target: 1M within 1.2x of 1k).

The import share: the start path's imports alone (`inquiry_tui.cli`, its TUI entry or, in code before
session 16, its typer root, the app and the inbox screen) timed in a fresh interpreter the same number
of times, wall and CPU p50.

Bytecode: by default each tree's compiled modules are cached in a temp dir (PYTHONPYCACHEPREFIX)
by one warm-up run, as an installed package has them; `--source` measures with
PYTHONDONTWRITEBYTECODE=1 and no cache, every module compiled at each start (a checkout run
with that environment).

`--baseline REF` measures git REF's code in the same run, size by size and run by run
alternating with this tree's: REF is checked out with `git worktree add --detach` into a temp
dir (removed afterwards) and run from there with PYTHONPATH. Stores are bench_inbox.py's
(`DIR/inbox-N.db`, made with `inquiry-tui init` + `seed --inquiries N --seed 7` when missing;
default DIR benchmarks/out) and must be at a schema both trees can open.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import bench_inbox

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).parent / "out"
ENTRY = "import sys; sys.argv[0] = 'inquiry-tui'; from inquiry_tui.cli import main; main()"
# The command line's part: since session 16 the TUI opens without typer (cli/tui_entry.py); older code (--baseline)
# ran the typer root (cli/root.py).
IMPORTS = (
    "import time; t, c = time.perf_counter(), time.process_time(); import inquiry_tui.cli\n"
    "try:\n    import inquiry_tui.cli.tui_entry, inquiry_tui.tui.inbox.first_page\n"
    "except ImportError:\n    import inquiry_tui.cli.root\n"
    "import inquiry_tui.tui.app, inquiry_tui.tui.inbox.screen; "
    "print(time.perf_counter() - t, time.process_time() - c)"
)
# A list row: between the list's borders, some text, then its time (15:50) or date (Nov 30, 2025-11-30).
ROW = re.compile(r"│.{0,8}\w.*?(\d\d:\d\d|[A-Z][a-z]{2} \d{1,2}|\d{4}-\d\d-\d\d)[ ▁-█]{0,4}│")
TIMEOUT_S = 60.0
SCALING = 1.2  # DESIGN: start at the largest size within 1.2x of the same at 1,000 inquiries
# A tmux server of the script's own (its socket name): the runs never touch the user's sessions or another's.
TMUX_SERVER = f"bench-start-{os.getpid()}"


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class Tree:
    """Code to measure: this checkout, or a baseline's worktree."""

    label: str
    path: Path
    pycache: Path | None
    starts: dict[tuple[int, str], list[tuple[float, float]]] = field(default_factory=dict)
    imports: list[tuple[float, float]] = field(default_factory=list)

    def env(self, db: str, login: str) -> dict[str, str]:
        env = bench_inbox.stores.acting_env(db, login)
        env["PYTHONPATH"] = str(self.path)
        env.pop("PYTHONPYCACHEPREFIX", None)
        if self.pycache is None:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(self.pycache)
        return env


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_once(tree: Tree, db: str, login: str, terminal: str) -> tuple[float, float]:
    """Wall and CPU seconds from launch to the first inbox row in a tmux pane of TERMINAL's size."""
    width, height = terminal.split("x")
    session = f"bench-start-{os.getpid()}"
    env = tree.env(db, login)
    exports = " ".join(f"{k}={_quote(v)}" for k, v in env.items() if k in _PASSED)
    command = f"exec env {exports} {_quote(sys.executable)} -c {_quote(ENTRY)} --db {_quote(db)}"
    # The pane starts in the tree's own directory: `python -c` puts the working directory first on sys.path.
    _tmux("new-session", "-d", "-s", session, "-x", width, "-y", height, "-c", str(tree.path), "cat")
    try:
        t0 = time.perf_counter()
        _tmux("respawn-pane", "-k", "-t", session, command)
        pid = int(_tmux("display-message", "-p", "-t", session, "#{pane_pid}"))
        while True:
            screen = _tmux("capture-pane", "-p", "-t", session)
            if ROW.search(screen):
                wall = time.perf_counter() - t0
                cpu = _cpu_seconds(pid)
                break
            if time.perf_counter() - t0 > TIMEOUT_S:
                raise RuntimeError(f"no inbox row after {TIMEOUT_S:.0f} s; the screen:\n{screen}")
            time.sleep(0.005)
        _tmux("send-keys", "-t", session, "q")
        end = time.perf_counter() + 10
        while Path(f"/proc/{pid}").exists() and time.perf_counter() < end:
            time.sleep(0.02)
        return wall, cpu
    finally:
        subprocess.run(["tmux", "-L", TMUX_SERVER, "kill-session", "-t", session], check=False, capture_output=True)


_PASSED = ("PYTHONPATH", "PYTHONPYCACHEPREFIX", "PYTHONDONTWRITEBYTECODE", "INQUIRY_TUI_LOGIN", "HOME", "PATH", "TERM")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", TMUX_SERVER, *args], check=True, capture_output=True, text=True).stdout


def imports_once(tree: Tree, db: str, login: str) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", IMPORTS],
        env=tree.env(db, login),
        cwd=tree.path,
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu = out.stdout.split()
    return float(wall), float(cpu)


@contextlib.contextmanager
def baseline_tree(ref: str, workdir: Path) -> Iterator[Path]:
    path = workdir / "baseline"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), ref], check=True, capture_output=True
    )
    try:
        yield path
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)], check=False)


def _p50(values: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(v[0] for v in values), statistics.median(v[1] for v in values)


def print_scaling(trees: list[Tree], sizes: list[int], terminals: list[str]) -> None:
    """The largest size's start beside the smallest's (the target: within SCALING of it), per tree and terminal."""
    small, large = min(sizes), max(sizes)
    if small == large:
        return
    print(f"\n{large:,} beside {small:,} (p50 wall and CPU; the target: at most {SCALING}x):")
    for terminal in terminals:
        for tree in trees:
            (small_wall, small_cpu), (large_wall, large_cpu) = (
                _p50(tree.starts[(n, terminal)]) for n in (small, large)
            )
            ratio_wall, ratio_cpu = large_wall / small_wall, large_cpu / small_cpu
            verdict = "within" if ratio_wall <= SCALING else "beyond"
            print(
                f"  {terminal:>7}  {tree.label:<12} {ratio_wall:4.2f}x wall, {ratio_cpu:4.2f}x CPU ({verdict} {SCALING}x)"
            )


def run(sizes: list[int], terminals: list[str], runs: int, out: Path, baseline: str | None, source: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
        work = Path(tmp)
        with contextlib.ExitStack() as stack:
            trees = [Tree("this tree", ROOT, None if source else work / "pyc-this")]
            if baseline:
                trees.append(
                    Tree(
                        baseline,
                        stack.enter_context(baseline_tree(baseline, work)),
                        None if source else work / "pyc-base",
                    )
                )
            for n in sizes:
                db = bench_inbox.ensure_store(out, n)
                login = bench_inbox.admin_login(db)
                for tree in trees:  # warm-up: the bytecode cache, and the store's pages in the OS cache
                    start_once(tree, db, login, terminals[0])
                load = loadavg()
                for terminal in terminals:
                    for _ in range(runs):
                        for tree in trees:
                            tree.starts.setdefault((n, terminal), []).append(start_once(tree, db, login, terminal))
                    for tree in trees:
                        values = tree.starts[(n, terminal)]
                        wall, cpu = _p50(values)
                        print(
                            f"{n:>9,} {terminal:>7}  {tree.label:<12} start p50 {wall:5.2f} s wall (min {min(v[0] for v in values):.2f},"
                            f" max {max(v[0] for v in values):.2f}), {cpu:5.2f} s CPU   load {load}",
                            flush=True,
                        )
                if n == sizes[0]:
                    for _ in range(runs):
                        for tree in trees:
                            tree.imports.append(imports_once(tree, db, login))
            print_scaling(trees, sizes, terminals)
            print(f"\nstart path imports (p50 of {runs}), and their share of start at {sizes[0]:,} {terminals[0]}:")
            for tree in trees:
                wall, cpu = _p50(tree.imports)
                start_wall, start_cpu = _p50(tree.starts[(sizes[0], terminals[0])])
                print(
                    f"  {tree.label:<12} {wall:5.2f} s wall, {cpu:5.2f} s CPU"
                    f"  ({wall / start_wall:.0%} of start's wall, {cpu / start_cpu:.0%} of its CPU)"
                )
            print(
                f"\nbytecode: {'none (PYTHONDONTWRITEBYTECODE=1, compiled at each start)' if source else 'cached, as installed'}"
            )
            print(f"load average now: {loadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000, 1_000_000])
    parser.add_argument("--terminal", nargs="+", default=["160x48", "80x24"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--baseline", help="a git ref whose code is measured beside this tree's")
    parser.add_argument("--source", action="store_true", help="no bytecode cache: every module compiled at each start")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("error: bench_start.py needs tmux")
    run(args.sizes, args.terminal, args.runs, args.out, args.baseline, args.source)


if __name__ == "__main__":
    main()
