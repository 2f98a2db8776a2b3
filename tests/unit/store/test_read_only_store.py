"""A store this OS user may only read opens read-only: reads work, every write is refused in one line.

Root may write anything, so the test says the store is not writable (`health.unwritable_reason`)
instead of taking the permission away; the engine then opens it through SQLite's read-only URIs
(`mode=ro`, or `immutable=1` when no other process has the store open), which refuse writes even
to root. The last test runs the app for real as the OS user nobody on a root-owned folder
(`runuser`, root only, as CI runs).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pwd
import shutil
import site
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.store import health

runner = CliRunner()
PACKAGE = Path(__file__).resolve().parents[3] / "inquiry_tui"
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


# --- as another OS user, for real: the folder and the file are root's, the user may only read them -----

LOOK = (
    "import json, sys; from typer.testing import CliRunner; from inquiry_tui.cli import app; runner = CliRunner(); "
    "print(json.dumps([(r.exit_code, r.output, type(r.exception).__name__) "
    "for r in (runner.invoke(app, args) for args in json.loads(sys.argv[1]))]))"
)


class AsNobody:
    """Runs Python code as the OS user nobody: this checkout's code copied where nobody may read it, this
    virtualenv's packages, the first interpreter nobody may run with them (tried by the run itself)."""

    def __init__(self, folder: Path) -> None:
        code = folder / "code"
        shutil.copytree(PACKAGE, code / "inquiry_tui", ignore=shutil.ignore_patterns("__pycache__"))
        self.pythonpath = os.pathsep.join([str(code), *site.getsitepackages()])
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        self.pythons = list(
            dict.fromkeys(
                [
                    sys.executable,
                    os.path.realpath(sys.executable),
                    f"/usr/bin/python{version}",
                    f"/usr/local/bin/python{version}",
                ]
            )
        )

    def run(self, code: str, *args: str) -> subprocess.CompletedProcess[str]:
        env = ["env", "-i", "PATH=/usr/bin:/bin", "HOME=/tmp", "LANG=C.UTF-8", f"PYTHONPATH={self.pythonpath}"]
        for python in self.pythons:
            done = subprocess.run(
                ["runuser", "-u", "nobody", "--", *env, python, "-c", code, *args],
                capture_output=True,
                text=True,
                cwd="/",
                timeout=120,
                check=False,
            )
            cannot = "Permission denied" in done.stderr or "ModuleNotFoundError" in done.stderr
            if not (done.returncode != 0 and cannot):
                return done
        pytest.skip(
            "no Python interpreter the OS user nobody may run with this virtualenv's packages "
            "(its folders must be readable by other OS users; .ci/run makes its virtualenv so)"
        )


@pytest.fixture
def reader() -> Iterator[tuple[Path, AsNobody]]:
    """A folder other OS users may enter, and a way to run the app as the OS user nobody (root only)."""
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("running the app as another OS user needs root and runuser (CI runs as root)")
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("this machine has no OS user nobody")
    folder = Path(tempfile.mkdtemp(prefix="inquiry-tui-ro-"))
    folder.chmod(0o755)
    try:
        yield folder, AsNobody(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.sqlite_only
def test_an_os_user_who_may_only_read_looks_and_every_write_is_refused_in_one_line(
    reader: tuple[Path, AsNobody], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, as_user = reader
    store = folder / "data" / "store.db"
    store.parent.mkdir(mode=0o755)
    monkeypatch.setenv("INQUIRY_TUI_LOGIN", "nobody")  # root sets up the store whose main account is nobody
    assert runner.invoke(app, ["--db", str(store), "init", "--admin", "nobody"]).exit_code == 0
    seeded = runner.invoke(app, ["--db", str(store), "seed", "--inquiries", "5", "--rfqs", "0"])
    assert seeded.exit_code == 0, seeded.output
    added = runner.invoke(app, ["--db", str(store), "customer", "add", "kept@example.com", "--name", "Kept"])
    assert added.exit_code == 0, added.output
    flush = sqlite3.connect(store)  # the WAL into the file, so its bytes say whether anything changed
    flush.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    flush.close()
    gc.collect()
    store.chmod(0o644)  # root's, readable by everyone, writable by root alone
    before = _sha(store)
    beside = sorted(p.name for p in store.parent.iterdir())  # the store and its own files (the write gate's)
    db = ["--db", str(store)]
    looks = [[*db, "stats"], [*db, "customer", "list"], [*db, "export", "inquiries"], [*db, "settings", "show"]]
    writes = [
        [*db, "customer", "add", "new@example.com", "--name", "New"],
        [*db, "settings", "set", "reception.welcome", "Hello"],
        [*db, "account", "add", "dan", "--name", "Dan"],
    ]
    done = as_user.run(LOOK, json.dumps(looks + writes))
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    for (code, output, exception), args in zip(results[: len(looks)], looks):
        assert code == 0 and "error" not in output, (args, output, exception)
    assert "kept@example.com" in results[1][1] and len(results[2][1].splitlines()) == 6  # the header and 5 rows
    for (code, output, exception), args in zip(results[len(looks) :], writes):
        lines = output.strip().splitlines()
        assert code == 1 and exception == "SystemExit" and len(lines) == 1, (args, output)
        assert lines[0].startswith("error: the store is read-only for you: its "), lines
        assert "not writable by OS user nobody; nothing was changed" in lines[0], lines
    assert _sha(store) == before
    assert sorted(p.name for p in store.parent.iterdir()) == beside  # nothing made beside it either
