"""A full disk says so, with the space left, instead of "disk I/O error" (a small tmpfs, where the machine allows one)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app

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


@pytest.mark.sqlite_only
def test_a_full_disk_is_named_with_the_space_left(small_disk: Path) -> None:
    store = small_disk / "store.db"
    assert runner.invoke(app, ["--db", str(store), "init", "--admin", "boss"]).exit_code == 0
    with (small_disk / "filler").open("wb") as fh:  # take every byte left
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    result = runner.invoke(app, ["--db", str(store), "settings", "set", "reception.welcome", "Welcome! " * 20000])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the disk is full (0 MB free"), result.output
    for store_file in (small_disk / "store.db-wal", small_disk / "store.db-shm"):
        store_file.unlink(missing_ok=True)  # as after the last session closed: a read must make them again
    for read in (["settings", "show"], ["customer", "list"]):
        result = runner.invoke(app, ["--db", str(store), *read])
        lines = result.output.strip().splitlines()
        # A read needs room for the WAL's index; it says why it cannot run, never "disk I/O error".
        assert result.exit_code == 1 and len(lines) == 1, result.output
        assert lines[0].startswith("error: the disk is full (0 MB free"), result.output
    (small_disk / "filler").unlink()
    assert runner.invoke(app, ["--db", str(store), "settings", "show"]).exit_code == 0  # nothing was harmed
