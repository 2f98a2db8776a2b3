"""A store this OS user may only read opens read-only: reads work, every write is refused in one line.

Root may write anything, so the test says the store is not writable (`health.unwritable_reason`)
instead of taking the permission away; the engine then opens it through SQLite's read-only URIs
(`mode=ro`, or `immutable=1` when no other process has the store open), which refuse writes even
to root. Checked by hand as the OS user nobody on a root-owned folder (docs/store.md).
"""

from __future__ import annotations

import gc
import hashlib
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.store import health

runner = CliRunner()
WHY = "its folder is not writable by OS user tester"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("other_open", [False, True], ids=["alone", "owner-has-it-open"])
def test_a_read_only_store_can_be_looked_at_and_refuses_writes_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other_open: bool
) -> None:
    store = tmp_path / "store.db"
    assert runner.invoke(app, ["--db", str(store), "init", "--admin", "boss"]).exit_code == 0
    added = runner.invoke(app, ["--db", str(store), "customer", "add", "kept@example.com", "--name", "Kept"])
    assert added.exit_code == 0, added.output
    owner = sqlite3.connect(store) if other_open else None  # the owner's session: its WAL and index exist
    try:
        flush = sqlite3.connect(store)  # the WAL into the file now, not by a checkpointer while we look
        flush.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        flush.close()
        gc.collect()  # the commands' pooled connections close: alone, the store has no WAL left
        if owner is not None:
            owner.execute("SELECT count(*) FROM account").fetchone()
        assert health.read_only_uri(store).endswith("&immutable=1") != other_open  # each of SQLite's two ways
        before = _sha(store)
        writable = health.unwritable_reason
        monkeypatch.setattr(health, "unwritable_reason", lambda path: WHY)
        shown = runner.invoke(app, ["--db", str(store), "customer", "list"])
        assert shown.exit_code == 0 and "kept@example.com" in shown.output, shown.output
        assert runner.invoke(app, ["--db", str(store), "settings", "show"]).exit_code == 0
        for write in (
            ["customer", "add", "new@example.com", "--name", "New"],
            ["settings", "set", "reception.welcome", "Hello"],
            ["account", "add", "dan", "--name", "Dan"],
        ):
            result = runner.invoke(app, ["--db", str(store), *write])
            lines = result.output.strip().splitlines()
            assert result.exit_code == 1 and len(lines) == 1, result.output
            assert lines[0].startswith(f"error: the store is read-only for you: {WHY}; nothing was changed"), lines
            assert "readonly database" not in result.output and "Traceback" not in result.output
        assert _sha(store) == before
    finally:
        if owner is not None:
            owner.close()
    monkeypatch.setattr(health, "unwritable_reason", writable)  # writable again: nothing was written
    shown = runner.invoke(app, ["--db", str(store), "customer", "list"])
    assert "new@example.com" not in shown.output and "kept@example.com" in shown.output
