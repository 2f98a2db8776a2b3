"""Smoke run of the benchmark scripts in benchmarks/ at a tiny size (500 inquiries).

What this checks: every benchmark's code path still runs end to end as the code changes --
it builds its store (or input file) in a temp dir, measures, exits 0 and prints the figure
lines it promises. The assertions are on the presence and shape of those lines (a line with
"inquiries/s", "p50 ... p95 ...", the inbox JSON keys and loop counts), never on the values.

Why there are no timing asserts: the numbers only mean something at 100k / 1M inquiries on a
quiet machine; the test suite runs at 500 on shared, noisy machines, where a timing assert
would only be flaky. The real figures come from running the scripts by hand (see their
docstrings).

Nothing is written under benchmarks/out/: bench_arrivals, bench_inbox and bench_mail take --out;
bench_generator, bench_admin and bench_customers have no such option, so they are run
through a small `python -c` wrapper that imports the script and points its module-level
OUT at the temp dir before calling its main(). An autouse fixture checks that no
`*-500.*` file appeared in benchmarks/out/.

Each script runs as a subprocess with sys.executable, cwd at the repo root and the repo root
on PYTHONPATH; the whole module takes about 25-30 s on a busy 2-core machine (the inbox
benchmark, a headless app with fixed loop counts, is most of it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks"
N = 500  # inquiries per store; bench_customers samples 300 buyers, so it needs >= 300 of them
TIMEOUT = 180  # seconds per script: a hang fails the test instead of stalling the suite
NUM = r"-?[\d,]+(?:\.\d+)?"  # a printed figure: 1,234 / 5.20 (the value itself is never checked)

# Runs benchmarks/<name>.py's main() with its module-level OUT pointed at a temp dir.
_WITH_OUT = """
import inspect, sys
from pathlib import Path
bench_dir, name, out, *argv = sys.argv[1:]
sys.path.insert(0, bench_dir)
module = __import__(name)
if not isinstance(getattr(module, "OUT", None), Path):
    sys.exit(f"{name} has no module-level OUT path any more: update tests/perf/test_benchmarks_smoke.py")
module.OUT = Path(out)
sys.argv = [module.__file__, *argv]
module.main(argv) if inspect.signature(module.main).parameters else module.main()
"""


@pytest.fixture(autouse=True)
def _never_writes_benchmarks_out():  # type: ignore[no-untyped-def]
    out = BENCH / "out"

    def ours() -> set[str]:
        return {p.name for p in out.glob(f"*-{N}.*")} if out.is_dir() else set()

    before = ours()
    yield
    assert ours() <= before, f"a benchmark wrote into {out}: {sorted(ours() - before)}"


def _run(args: list[str]) -> str:
    """Run `python ARGS` from the repo root; its stdout, or fail with its output if it exits non-zero."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
    # its own session, so a timeout can stop bench_inbox's child app too
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(f"{args[:3]} still running after {TIMEOUT} s\n--- stdout\n{stdout}\n--- stderr\n{stderr[-3000:]}")
    if process.returncode != 0:
        pytest.fail(f"{args[:3]} exited {process.returncode}\n--- stdout\n{stdout}\n--- stderr\n{stderr[-3000:]}")
    return stdout


def _run_with_out(name: str, out: Path, *argv: str) -> str:
    return _run(["-c", _WITH_OUT, str(BENCH), name, str(out), *argv])


def _expect(stdout: str, pattern: str) -> re.Match[str]:
    match = re.search(pattern, stdout, re.MULTILINE)
    assert match, f"no line matching {pattern!r} in the output:\n{stdout}"
    return match


def test_bench_generator(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stdout = _run_with_out("bench_generator", out, str(N))
    load = r"load [\d.]+ [\d.]+ [\d.]+"
    _expect(stdout, rf"^generator on \d+ cores \(target: .*\); {load}$")
    _expect(
        stdout,
        rf"^ +this tree +{N:,} inquiries +{NUM} messages +{NUM} buyers +{NUM} s +cpu +{NUM} s +\(main thread +{NUM} s\) +"
        rf"{NUM} inquiries/s +"
        rf"store +{NUM} MB +peak RSS +{NUM} MB +then caches warmed +{NUM} s cpu +{NUM} s +\({load}; after: {load}\)$",
    )
    assert (out / f"gen-{N}.db").is_file()


def test_bench_arrivals(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stdout = _run([str(BENCH / "bench_arrivals.py"), "--sizes", str(N), "--singles", "40", "--out", str(out)])
    _expect(stdout, rf"^  wrote {re.escape(str(out / f'arrivals-{N}.jsonl'))} in {NUM} s$")
    load = r"load [\d.]+ [\d.]+ [\d.]+"
    cpu = rf"cpu p50 {NUM} ms +p95 {NUM} ms +{load}"
    _expect(
        stdout,
        rf"^import +{N:,} \(sqlite\): +{NUM} s +{NUM} inquiries/s +cpu {NUM} s +\({NUM} inquiries per CPU-second; "
        rf"importing process {NUM} s, {NUM} us per inquiry; workers {NUM} s\) +"
        rf"\(rules \{{.*\}}, junk \d+, deleted \d+, auto-replies \d+, buyers \d+\) +{load}$",
    )
    _expect(
        stdout,
        rf"^  raw sqlite3 load of the same rows and schema: +{NUM} inquiries/s;  the import is {NUM} of it +{load}$",
    )
    _expect(stdout, rf"^one arrival at +{N:,}: p50 {NUM} ms +p95 {NUM} ms +\(n=40\) +{cpu}$")
    _expect(
        stdout,
        rf"^  first arrival with escalation on \(escalates at most \d+ of the backlog due\): {NUM} ms +cpu {NUM} ms +"
        r"\(\d+ escalated\)$",
    )
    _expect(
        stdout, rf"^  allocate, the rest of the backlog in batches: {NUM} escalated in {NUM} s +cpu {NUM} s +{load}$"
    )
    _expect(
        stdout,
        rf"^one arrival, away \+ capacity \+ escalation on, at +{N:,}: p50 {NUM} ms +p95 {NUM} ms +\(n=40\) +{cpu}$",
    )
    _expect(
        stdout,
        rf"^  background checkpoints since the single arrivals began \(the drain included\): \d+ runs, {NUM} ms wall, "
        rf"{NUM} ms cpu",
    )
    with (out / f"arrivals-{N}.jsonl").open(encoding="utf-8") as fh:
        assert sum(1 for _ in fh) == N
    assert (out / f"arrivals-{N}.db").is_file() and (out / f"arrivals-{N}.imported.db").is_file()


def test_bench_admin(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stdout = _run_with_out("bench_admin", out, "--sizes", str(N), "--runs", "2")
    _expect(stdout, rf"^  built admin-{N}\.db: {N:,} inquiries in {NUM} s$")
    _expect(stdout, rf"^admin-{N}\.db: {N:,} inquiries$")
    _expect(
        stdout, rf"^  warming after an upgrade or bulk load: {NUM} closed days in {NUM} ms .*first dashboard {NUM} ms"
    )
    for name in ("dashboard (team_stats)", "`stats --json` in-process", "preview, 100 arrivals"):
        _expect(
            stdout,
            rf"^  {re.escape(name)} +cold +{NUM} ms +median +{NUM} ms +worst +{NUM} ms +target \d+ ms +(ok|OVER)$",
        )
    assert (out / f"admin-{N}.db").is_file()


def test_bench_customers(tmp_path: Path) -> None:
    out = tmp_path / "out"
    # 300 buyers get ~20 events each from the generator; 8,000 makes the script top up with store.bulk too
    stdout = _run_with_out("bench_customers", out, "--inquiries", str(N), "--buyers", "300", "--events", "8000")
    _expect(stdout, rf"^generated {N:,} inquiries, 300 buyers in {NUM} s$")
    _expect(stdout, rf"^store ready in {NUM} s: {re.escape(str(out / f'cust-{N}.db'))}$")
    _expect(stdout, rf"^store: {N:,} inquiries, 300 buyers, {NUM} raw activity events$")
    _expect(stdout, rf"^profile open \(admin, 300 random buyers\): p50 {NUM} ms +p95 {NUM} ms +max {NUM} ms")
    _expect(stdout, rf"^profile open \(5 busiest buyers\): max {NUM} ms$")
    for who in ("admin", "sales"):
        _expect(
            stdout,
            rf"^customer search first 100 \({who}, 3 sorts x 10 terms\): p50 {NUM} ms +p95 {NUM} ms .*"
            rf"tag filter p95 {NUM} ms$",
        )
    _expect(stdout, rf"^recommendations \(admin\): first in a process {NUM} ms .*then p95 {NUM} ms; sales p95 {NUM} ms")
    _expect(stdout, rf"^customer list sorted by activity \(warm rollup\): p95 {NUM} ms$")
    _expect(stdout, rf"^recommendations, the next day's first call in a new process: {NUM} ms \(cpu {NUM} ms\)")


TIMED = {"p50", "p95", "cpu_p50", "cpu_p95", "n"}  # wall and CPU of every timed inbox figure


def test_bench_inbox(tmp_path: Path) -> None:
    out = tmp_path / "out"
    moves = 10
    stdout = _run([str(BENCH / "bench_inbox.py"), "--sizes", str(N), "--out", str(out), "--moves", str(moves)])
    assert not re.search(rf"^ *{N:,}: failed$", stdout, re.MULTILINE), stdout
    figures, _ = json.JSONDecoder().raw_decode(stdout, _expect(stdout, rf"^{N:,} this: ").end())
    expected = {
        "start_s",
        "rows",
        "cursor_move_ms",
        "page_down_50pct_ms",
        "page_down_90pct_ms",
        "jump_ms",
        "after_repeat_ms",
        "search_ms",
        "rss_mb",
        "sql_on_event_loop",
    }
    assert expected <= figures.keys(), figures
    assert figures["rows"] > 0
    assert figures["sql_on_event_loop"] == 0  # all SQL runs in workers: the event loop only draws
    # loop counts (not timings): every measurement ran as many times as the script says
    for key, runs in (
        ("cursor_move_ms", moves),
        ("page_down_50pct_ms", 40),
        ("page_down_90pct_ms", 40),
        ("jump_ms", 30),
    ):
        assert figures[key].keys() == TIMED and figures[key]["n"] == runs, (key, figures[key])
    # held j: five rounds, each timed from its last key to the panes; how many caught up within a frame
    assert figures["after_repeat_ms"].keys() == TIMED | {"max", "within_frame"}, figures["after_repeat_ms"]
    assert figures["after_repeat_ms"]["n"] == 5 and 0 <= figures["after_repeat_ms"]["within_frame"] <= 5
    # searches from the folder: 15 of each term in turn, and all 60 together; as many `/` and escapes
    terms = {"rare", "common", "prefix", "two words"}
    assert figures["search_ms"].keys() == terms | {"all"}, figures["search_ms"]
    for label in terms:
        summary = figures["search_ms"][label]
        assert summary.keys() == TIMED | {"hits"} and summary["n"] == 15, (label, summary)
    assert figures["search_ms"]["all"].keys() == TIMED and figures["search_ms"]["all"]["n"] == 60
    assert figures["search_field_ms"].keys() == {"show", "escape"}, figures["search_field_ms"]
    for label, summary in figures["search_field_ms"].items():
        assert summary.keys() == TIMED and summary["n"] == 60, (label, summary)
    _expect(
        stdout, r"^ +size / code +start +move p95 +after j +pgdn50 p95 +pgdn90 p95 +jump p95 +search p95 .* RSS +SQL"
    )
    both = rf"{NUM} \( *{NUM}\)"  # wall (CPU)
    _expect(
        stdout,
        rf"^ *{N:,} this +{NUM} s +{both} +{NUM} / +{NUM} \d/5 +{both} +{both} +{both} +{both} +/ +{both} +/ +{both} +/ +{both}"
        rf" +{both} +{NUM} MB +\d+ +\d+ +{NUM} {NUM} {NUM}$",
    )
    quantiles = rf"{NUM} / +{NUM} \( *{NUM} / +{NUM}\)"  # p50 / p95 (CPU p50 / p95): show, search, escape
    _expect(stdout, rf"^ *{N:,} this +{quantiles} +{quantiles} +{quantiles}$")
    assert (out / f"inbox-{N}.db").is_file()


def test_bench_identity(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stdout = _run([str(BENCH / "bench_identity.py"), "--rows", str(N), "--ops", "50", "--out", str(out)])
    _expect(stdout, rf"^write with its audit row \(set_away, one transaction\): p50 {NUM} us +p95 {NUM} us +\(n=50\)$")
    _expect(stdout, rf"^empty read transaction: as a salesperson \(active check\) p50 {NUM} us .* check ~{NUM} us$")
    _expect(stdout, rf"^ *{N:,} +{NUM} rows/s +{NUM} s +{NUM} rows/s +{NUM} MB$")
    assert (out / f"identity-{N}.db").is_file()


def test_bench_deals(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stdout = _run_with_out("bench_deals", out, "--inquiries", str(N), "--orders", "1000", "--runs", "1")
    _expect(stdout, rf"^store ready in {NUM} s: {re.escape(str(out / f'deals-{N}-1000.db'))} \(1,000 orders\)$")
    _expect(stdout, rf"^store: {N:,} inquiries, 1,000 orders  \(load average {NUM} {NUM} {NUM}\)$")
    for who in ("admin", "sales"):
        _expect(
            stdout,
            rf"^orders list \({who}, \d+ filters x 1\): first {NUM} ms \(cpu {NUM}\) +open\+filter p50 {NUM} ms +p95 {NUM} ms"
            rf" +cpu p50 {NUM} ms +p95 {NUM} ms +next page p95 {NUM} ms +target 50 ms +wall (ok|OVER) +cpu (ok|OVER)"
            rf" +\(load average {NUM} {NUM} {NUM}, {NUM} s\)$",
        )
    for name in (
        "open",
        "status shipped",
        "customer",
        "period March",
        "March, a UTC+8 reader",
        "owner + status + period",
    ):
        _expect(stdout, rf"^  {re.escape(name)} +p50 +{NUM} ms +p95 +{NUM} ms +cpu p50 +{NUM} ms +p95 +{NUM} ms$")


def test_bench_opportunities(tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = ("--rfqs", "600", "--visitors", "300", "--inquiries", str(N), "--runs", "2")
    stdout = _run_with_out("bench_opportunities", out, *argv)
    _expect(stdout, rf"^built opp-600\.db: {N:,} inquiries, 600 RFQs, 300 more visitors in {NUM} s$")
    _expect(stdout, rf"^store: 600 RFQs \({NUM} open today\), {NUM} visitors$")
    figure = rf": p50 {NUM} ms  p95 {NUM} ms  \(cpu p50 {NUM} p95 {NUM}; n=\d+, target \d+ ms\) (ok|OVER)$"
    for name in (
        r"keyword filter, first 50 \(10 queries x open/all\)",
        r"recommendation list, 200 with reasons \(admin, warm rollup\)",
        r"visitors by views, first 100",
        r"visitors by recent, a page 5,000 rows down",
    ):
        _expect(stdout, f"^{name}{figure}")
    assert (out / "opp-600.db").is_file()


def test_bench_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stdout = _run(
        [str(BENCH / "bench_files.py"), "--inquiries", str(N), "--size", "2048", "--runs", "20", "--out", str(out)]
    )
    _expect(
        stdout,
        rf"^import {N:,} inquiries with one {NUM} MB attachment each: {NUM} s +{NUM} inquiries/s +store growth {NUM} MB "
        rf"\(database {NUM} MB, files {NUM} MB\)$",
    )
    _expect(stdout, rf"^thread open with 20 attachments: p50 {NUM} ms +p95 {NUM} ms +\(n=20, target 16 ms\)$")
    assert not (out / f"files-{N}-source").exists()  # the source files are removed


def test_bench_mail(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stdout = _run([str(BENCH / "bench_mail.py"), "--sizes", str(N), "--out", str(out)])
    _expect(stdout, rf"^  wrote {re.escape(str(out / f'maildir-{N}'))} in {NUM} s$")
    _expect(
        stdout,
        rf"^import maildir +{N:,}: +{NUM} s +{NUM} messages/s +\(new threads \d+, answers joined \d+, "
        r"skipped \d+, attachments \d+\)$",
    )
    _expect(
        stdout,
        rf"^  CPU {NUM} s in all \(importing process {NUM} s, parsing workers {NUM} s\): {NUM} messages per CPU-second; "
        rf"load average {NUM} before, {NUM} after$",
    )
    _expect(stdout, rf"^peak RSS of the importing process: {NUM} MB; of its largest parsing worker: {NUM} MB$")
    _expect(stdout, rf"^second run \(nothing new\), +{N:,} messages: {NUM} s, read 0$")
    assert len(list((out / f"maildir-{N}" / "new").iterdir())) == N


@pytest.mark.skipif(shutil.which("tmux") is None, reason="bench_start and bench_session drive the app in tmux")
def test_bench_start_and_session(tmp_path: Path) -> None:
    out = tmp_path / "start"
    stdout = _run(
        [str(BENCH / "bench_start.py"), "--sizes", str(N), "--runs", "1", "--terminal", "80x24", "--out", str(out)]
    )
    assert re.search(r"500\s+80x24\s+this tree\s+start p50 +[\d.]+ s wall .* [\d.]+ s CPU\s+load ", stdout), stdout
    assert re.search(r"this tree\s+[\d.]+ s wall, +[\d.]+ s CPU\s+\(\d+% of start's wall", stdout), stdout
    stdout = _run([str(BENCH / "bench_session.py"), "--size", str(N), "--seconds", "3", "--out", str(out)])
    assert re.search(r"session: start RSS \d+ MB, .* peak \d+ MB; second half growth [+-]\d+ MB", stdout), stdout


def test_bench_import_writers(tmp_path: Path) -> None:
    out = tmp_path / "writers"
    stdout = _run([str(BENCH / "bench_import_writers.py"), "build", "--n", str(N), "--dir", str(out)])
    _expect(stdout, rf"^built .*writers-base\.db \({NUM} inquiries\) and .*arrivals-{N}\.jsonl$")
    stdout = _run([str(BENCH / "bench_import_writers.py"), "run", "--n", str(N), "--writers", "1", "--dir", str(out)])
    _expect(
        stdout,
        rf"^writers +1: import {N:,} in +{NUM} s wall, +{NUM} s CPU; writes {NUM}, failed {NUM}; "
        rf"wait p50 {NUM} ms, p95 {NUM} ms, max {NUM} ms +\(load {NUM} -> {NUM}\)$",
    )


@pytest.mark.skipif(shutil.which("tmux") is None, reason="bench_tmux drives the app (and neomutt) in tmux")
def test_bench_tmux(tmp_path: Path) -> None:
    out = tmp_path / "tmux"
    stdout = _run(
        [str(BENCH / "bench_tmux.py"), "--inquiries", str(N), "--keys", "3", "--still", "0.3", "--out", str(out)]
    )
    _expect(stdout, rf"^{N} messages, tmux 160x48, load before {NUM} {NUM} {NUM}; ms from send-keys$")
    programs = ["inquiry-tui", "neomutt"] if shutil.which("neomutt") else ["inquiry-tui"]
    for program in programs:
        for key in ("j", "page down", "search"):
            _expect(stdout, rf"^{program} +{key} +{NUM} / +{NUM} +{NUM} / +{NUM}$")
    if len(programs) == 1:
        _expect(stdout, r"^neomutt: not installed, not measured")
    assert (out / f"inbox-{N}.mbox").is_file() and (out / f"inbox-{N}.db").is_file()
