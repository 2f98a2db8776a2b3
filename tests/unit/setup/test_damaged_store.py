"""A damaged store is noticed, an empty or foreign file is never made a store, and a killed backup leaves nothing.

The damage is real: bytes overwritten in the middle of the file, on a page of the inquiry table
(found with SQLite's dbstat), as a failing disk or a stray `dd` would leave them.
"""

from __future__ import annotations

import hashlib
import io
import json
import signal
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.inbox.export import write_inquiries
from inquiry_tui.services.setup.settings import set_setting
from inquiry_tui.store import health
from tests.admin_helpers import arrive
from tests.conftest import FIXED_NOW, cli_db
from tests.own_host import ROOT, child_env

runner = CliRunner()
DAMAGED = "is damaged"
HINT = "restore the last backup"


def _damage(ctx: Ctx, n: int = 30) -> Path:
    """A store with N inquiries whose inquiry table has a page of garbage; returns its path."""
    for i in range(n):
        arrive(ctx, FIXED_NOW - timedelta(hours=i), f"b{i}@x.example", subject="Price " + "x" * 300)
    path = Path(ctx.url.removeprefix("sqlite:///"))
    ctx.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    page = conn.execute("SELECT pageno FROM dbstat WHERE name = 'inquiry' AND pagetype = 'leaf' LIMIT 1").fetchone()[0]
    conn.close()
    with path.open("r+b") as fh:
        fh.seek((page - 1) * size + 8)
        fh.write(b"\xa5" * (size - 16))
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_error(result: object, *needles: str) -> None:
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    lines = result.output.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output  # type: ignore[attr-defined]
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.sqlite_only
def test_a_damaged_store_is_refused_by_every_command_and_never_written(admin_ctx: Ctx, tmp_path: Path) -> None:
    path = _damage(admin_ctx)
    before = _digest(path)
    data = tmp_path / "in.jsonl"
    data.write_text(
        json.dumps(
            {
                "external_id": "D-1",
                "channel": "inquiry",
                "received_at": "2026-11-20T10:00:00Z",
                "buyer": {"email": "new@x.example"},
                "subject": "Hi",
                "body": "Price?",
            }
        )
        + "\n"
    )
    for args in (["stats"], ["export", "inquiries"], ["import", "inquiries", str(data)], ["db", "upgrade"]):
        _one_error(runner.invoke(app, ["--db", str(path), *args]), DAMAGED, HINT)
    assert _digest(path) == before  # nothing was written to it
    check = runner.invoke(app, ["--db", str(path), "db", "check"])
    assert check.exit_code == 1 and "database: " in check.output and "problems" in check.output
    _one_error(runner.invoke(app, ["--db", str(path), "db", "backup", str(tmp_path / "b.tar")]), DAMAGED)
    assert not (tmp_path / "b.tar").exists()


@pytest.mark.sqlite_only
def test_damage_met_later_stops_every_write(admin_ctx: Ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "QUICK_CHECK_MAX_BYTES", 0)  # a big store: no quick_check on open
    path = _damage(admin_ctx)
    from inquiry_tui.services.context import connect

    ctx = connect(str(path))  # opens: the damaged page is not read yet
    try:
        with pytest.raises(health.StoreDamaged, match=HINT):
            write_inquiries(ctx, io.StringIO())
        assert health.marker(path).exists()
        with pytest.raises(health.StoreDamaged):  # from now on nothing is written, by this process or another
            set_setting(ctx, "reception.welcome", "Hello")
    finally:
        ctx.close()
    _one_error(runner.invoke(app, ["--db", str(path), "settings", "show"]), DAMAGED, HINT)


@pytest.mark.sqlite_only
def test_damage_met_by_the_inbox_read_without_sqlalchemy_stops_every_write(
    admin_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inbox reads its pages on plain sqlite3 connections (Ctx.read_plain): damage met there is named and
    marked as the engines' hook does it."""
    monkeypatch.setattr(health, "QUICK_CHECK_MAX_BYTES", 0)
    path = _damage(admin_ctx)
    from inquiry_tui.services.context import connect

    ctx = connect(str(path))
    try:
        with pytest.raises(health.StoreDamaged, match=HINT):
            inbox.page_after(ctx, "all", None, 50)
        assert health.marker(path).exists()
        with pytest.raises(health.StoreDamaged):
            set_setting(ctx, "reception.welcome", "Hello")
    finally:
        ctx.close()


@pytest.mark.sqlite_only
def test_an_empty_or_foreign_file_is_never_made_a_store(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    _one_error(runner.invoke(app, ["--db", str(empty), "account", "list"]), "empty file", "inquiry-tui init")
    _one_error(runner.invoke(app, ["--db", str(empty), "db", "upgrade"]), "empty file")
    assert empty.stat().st_size == 0
    notes = tmp_path / "notes.txt"
    notes.write_text("meeting notes\n" * 50)
    for args in (["account", "list"], ["init", "--admin", "boss"]):
        _one_error(runner.invoke(app, ["--db", str(notes), *args]), "not an inquiry-tui store")
    assert notes.read_text() == "meeting notes\n" * 50
    result = runner.invoke(app, ["--db", str(empty), "init", "--admin", "boss"])  # init still makes stores
    assert result.exit_code == 0, result.output


# The child dies (kill -9) with the archive written under its temporary name, before the rename.
KILLED_BACKUP = (
    "import os, signal, sys; from tests.own_host import on_own_host; on_own_host(sys.argv[sys.argv.index('--db') + 1]); "
    "import inquiry_tui.services.setup.maintenance as m; "
    "m.verify_backup = lambda *a: os.kill(os.getpid(), signal.SIGKILL); "
    "real = m.subprocess.run; "
    "m.subprocess.run = lambda *a, **k: (real(*a, **k), os.kill(os.getpid(), signal.SIGKILL)); "
    "from inquiry_tui.cli import app; app(sys.argv[1:], prog_name='inquiry-tui')"
)


def test_a_backup_killed_half_way_leaves_nothing_at_its_name(admin_ctx: Ctx, db_url: str, tmp_path: Path) -> None:
    db = cli_db(db_url)
    target = tmp_path / "backups" / "monday.bak"
    target.parent.mkdir()
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BACKUP, "--db", db, "db", "backup", str(target)],
        cwd=ROOT,
        env=child_env("boss"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not target.exists()
    rerun = runner.invoke(app, ["--db", db, "db", "backup", str(target)])
    assert rerun.exit_code == 0, rerun.output
    assert target.is_file() and target.stat().st_size > 0
