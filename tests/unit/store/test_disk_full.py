"""A full disk says so for writes, with the space left, and reads still work, never "disk I/O error" (a small tmpfs,
where the machine allows one)."""

from __future__ import annotations

import gc
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.store import health
from inquiry_tui.store.engine import make_engine

runner = CliRunner()


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"this machine does not allow a tmpfs mount: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> None:
    """Take every byte left on DISK."""
    with (disk / "filler").open("ab", buffering=0) as fh:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    fh.write(b"\0" * size)
            except OSError:
                continue


@pytest.mark.sqlite_only
def test_a_full_disk_is_named_with_the_space_left(small_disk: Path) -> None:
    store = small_disk / "store.db"
    assert runner.invoke(app, ["--db", str(store), "init", "--admin", "boss"]).exit_code == 0
    added = runner.invoke(app, ["--db", str(store), "customer", "add", "kept@example.com", "--name", "Kept"])
    assert added.exit_code == 0, added.output
    fill(small_disk)
    result = runner.invoke(app, ["--db", str(store), "settings", "set", "reception.welcome", "Welcome! " * 20000])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the disk is full (0 MB free"), result.output
    gc.collect()  # the commands' pooled connections close, as the last session's would
    for store_file in (small_disk / "store.db-wal", small_disk / "store.db-shm"):
        store_file.unlink(missing_ok=True)  # as after the last session closed: a read must make them again
    fill(small_disk)  # and what the WAL held is taken too
    # No room for the WAL's index: reads still work (the file read as it stands), never "disk I/O error".
    for read in (["settings", "show"], ["customer", "list"], ["stats"], ["export", "inquiries"]):
        result = runner.invoke(app, ["--db", str(store), *read])
        assert result.exit_code == 0 and "error" not in result.output, (read, result.output)
    shown = runner.invoke(app, ["--db", str(store), "customer", "list"])
    assert "kept@example.com" in shown.output, shown.output
    # And writes say the disk is full, in one line.
    for write in (
        ["customer", "add", "new@example.com", "--name", "New"],
        ["settings", "set", "reception.welcome", "Hi"],
    ):
        result = runner.invoke(app, ["--db", str(store), *write])
        lines = result.output.strip().splitlines()
        assert result.exit_code == 1 and len(lines) == 1, result.output
        assert lines[0].startswith("error: the disk is full (0 MB free"), result.output
    gc.collect()
    engine = make_engine(f"sqlite:///{store}")  # a session that stays open (the TUI) while the disk fills and frees
    try:
        with engine.connect() as conn:
            assert isinstance(conn.connection.dbapi_connection, health.FullDiskConnection)
        (small_disk / "filler").unlink()
        with engine.connect() as conn:  # room again: its connection is opened anew, as usual
            assert not isinstance(conn.connection.dbapi_connection, health.FullDiskConnection)
            assert conn.exec_driver_sql("SELECT count(*) FROM buyer").scalar_one() == 1
    finally:
        engine.dispose()
    assert (
        runner.invoke(app, ["--db", str(store), "customer", "add", "new@example.com", "--name", "New"]).exit_code == 0
    )
    shown = runner.invoke(app, ["--db", str(store), "customer", "list"])
    assert "new@example.com" in shown.output and "kept@example.com" in shown.output  # nothing was harmed
