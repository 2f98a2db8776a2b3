"""Issue 11, item 7: seed is for empty stores, bounded, and one transaction (a killed seed changes nothing)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup import seed as seed_service
from tests.conftest import cli_db, store_rows
from tests.own_host import ROOT, child_env

runner = CliRunner()
COUNTS = (
    "SELECT (SELECT count(*) FROM inquiry), (SELECT count(*) FROM buyer), (SELECT count(*) FROM account), "
    "(SELECT count(*) FROM product), (SELECT count(*) FROM setting), (SELECT count(*) FROM rfq), "
    "(SELECT count(*) FROM audit_log)"
)


def one_error_line(result, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_seed_refuses_a_store_with_inquiries(admin_ctx: Ctx, db_url: str) -> None:
    db = cli_db(db_url)
    assert runner.invoke(app, ["--db", db, "seed", "--inquiries", "5", "--rfqs", "0"]).exit_code == 0
    before = store_rows(db, COUNTS)
    for words in (["seed", "--inquiries", "5"], ["seed", "--sample"]):
        one_error_line(
            runner.invoke(app, ["--db", db, *words]), "already holds 5 inquiries", "init", "nothing was changed"
        )
    assert store_rows(db, COUNTS) == before


def test_seed_bounds_its_counts_before_opening_the_store(admin_ctx: Ctx, db_url: str) -> None:
    db = cli_db(db_url)
    before = store_rows(db, COUNTS)
    one_error_line(runner.invoke(app, ["--db", db, "seed", "--inquiries", "99999999999999999999"]), "10,000,000")
    one_error_line(runner.invoke(app, ["--db", db, "seed", "--inquiries", "5", "--rfqs", "2000000"]), "--rfqs")
    one_error_line(runner.invoke(app, ["--db", db, "seed", "--inquiries", "5", "--visitors", "2000000"]), "--visitors")
    assert store_rows(db, COUNTS) == before


def test_a_seed_stopped_midway_leaves_the_store_as_it_was(
    admin_ctx: Ctx, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The company set-up and every row the generator wrote are one transaction: stopped near the end
    (as by kill -9), nothing of them stays."""
    before = store_rows(cli_db(db_url), COUNTS)

    def killed(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr("inquiry_tui.services.setup.synthetic.generate_visitors", killed)  # the last write
    with pytest.raises(RuntimeError, match="killed"):
        seed_service.seed_synthetic(admin_ctx, 30, 1, rfqs=5)
    assert store_rows(cli_db(db_url), COUNTS) == before


# --- the sample seed is one transaction: every step, and a kill -9 --------------------------------

SMALL_SAMPLE = 150  # inquiries: the steps after them act on a few each, so the seed stays quick
# The seed's child kills itself (kill -9) as its "channels" step starts: files are on disk, e-mail not yet.
KILLED_SEED = (
    "import os, signal, sys; from tests.own_host import on_own_host; on_own_host(sys.argv[sys.argv.index('--db') + 1]); "
    f"from inquiry_tui.services.setup import seed; seed.SAMPLE_INQUIRIES = {SMALL_SAMPLE}; "
    "seed.on_step = lambda step: os.kill(os.getpid(), signal.SIGKILL) if step == 'channels' else None; "
    "from inquiry_tui.cli import app; app(sys.argv[1:], prog_name='inquiry-tui')"
)


def _tables() -> list[str]:
    from inquiry_tui.store.models import all_tables

    return sorted(all_tables().tables)


def store_state(db: str) -> tuple[dict[str, int], list[tuple[object, ...]]]:
    """Rows in every table of the store, and its settings as they read."""
    tables = _tables()
    counts = store_rows(db, "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables))[0]
    return dict(zip(tables, counts)), store_rows(db, "SELECT * FROM setting ORDER BY 1")


def kept_files(url: str) -> list[str]:
    """Files in the store's file store (its hashed files and any staged one; not its lock file)."""
    from inquiry_tui.services.files.blobs import files_dir

    root = files_dir(url)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != ".lock")


@pytest.fixture
def quick_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    """A smaller sample, and LOIs left as drafts (no PDF font: rendering one takes seconds)."""
    monkeypatch.setattr(seed_service, "SAMPLE_INQUIRIES", SMALL_SAMPLE)
    monkeypatch.setenv("INQUIRY_TUI_FONT", "/nonexistent/font.ttf")


@pytest.mark.usefixtures("quick_sample")
@pytest.mark.parametrize("step", seed_service.SAMPLE_STEPS)
def test_a_sample_seed_failing_at_any_step_leaves_the_store_as_it_was(
    admin_ctx: Ctx, db_url: str, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    db = cli_db(db_url)
    before = store_state(db)
    files_before = kept_files(db_url)

    def fail_at(name: str) -> None:
        if name == step:
            raise RuntimeError(f"failed at {name}")

    monkeypatch.setattr(seed_service, "on_step", fail_at)
    with pytest.raises(RuntimeError, match=f"failed at {step}"):
        seed_service.seed_sample(admin_ctx)
    assert store_state(db) == before
    assert kept_files(db_url) == files_before  # the files a failed seed put in the file store went again


@pytest.mark.usefixtures("quick_sample")
def test_every_step_of_the_sample_seed_joins_its_one_transaction(admin_ctx: Ctx, db_url: str) -> None:
    """No step writes or reads through a connection of its own while the seed's transaction is open: a write
    there would be outside it (or wait for its lock), a read would not see what the seed wrote."""
    from sqlalchemy import event

    elsewhere: list[str] = []
    steps: list[str] = []

    def checkout(*_args: object) -> None:
        if admin_ctx.joined.conn is not None:
            elsewhere.append(steps[-1] if steps else "start")

    engines = [admin_ctx.engine] + ([admin_ctx.read_engine] if admin_ctx.read_engine is not None else [])
    for engine in engines:
        event.listen(engine, "checkout", checkout)
    try:
        seed_service.on_step = steps.append
        seed_service.seed_sample(admin_ctx)
    finally:
        seed_service.on_step = None
        for engine in engines:
            event.remove(engine, "checkout", checkout)
    assert steps == list(seed_service.SAMPLE_STEPS)
    assert elsewhere == []
    counts = store_state(cli_db(db_url))[0]
    for table in (
        "inquiry",
        "rfq_quote",
        "loi",
        "deal_order",
        "disk_file",
        "attachment",
        "call_log",
        "notice",
        "admin_note",
    ):
        assert counts[table], table
    assert len(kept_files(db_url)) == counts["stored_file"]


@pytest.mark.sqlite_only  # PostgreSQL rolls back a dead connection's transaction; the steps' failures run on both
def test_a_seed_killed_midway_leaves_nothing_and_the_store_takes_a_seed(admin_ctx: Ctx, db_url: str) -> None:
    db = cli_db(db_url)
    before = store_state(db)
    env = {**child_env("boss"), "INQUIRY_TUI_FONT": "/nonexistent/font.ttf"}
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_SEED, "--db", db, "seed", "--sample"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr
    assert store_state(db) == before
    # The files it had moved into the file store are unreferenced (no row names them); a purge removes them.
    assert kept_files(db_url)
    purged = runner.invoke(app, ["--db", db, "disk", "purge"])
    assert purged.exit_code == 0, purged.output
    assert kept_files(db_url) == []
    shown = runner.invoke(app, ["--db", db, "stats"])
    assert shown.exit_code == 0, shown.output
    again = runner.invoke(app, ["--db", db, "seed", "--inquiries", "20", "--rfqs", "0"])
    assert again.exit_code == 0, again.output
    assert store_state(db)[0]["inquiry"] == 20
