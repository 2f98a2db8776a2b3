"""A big import published in short transactions: colleagues keep writing meanwhile, and it stays all or nothing.

INQUIRY_TUI_IMPORT_CHUNK makes a small file publish in many transactions, as a 100k file does
(services/arrivals/publishing.py). Failures are counted, never timed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from inquiry_tui.services.arrivals import publishing
from inquiry_tui.services.arrivals.importing import import_inquiries
from inquiry_tui.services.context import Ctx, connect
from tests.admin_helpers import arrive
from tests.conftest import FIXED_NOW, cli_db, store_rows
from tests.own_host import ROOT, child_env

LINES = 60
CHUNK = "6"  # 10 transactions
WRITERS = 3
RUN_CLI = (
    "import sys; from tests.own_host import on_own_host; on_own_host(sys.argv[sys.argv.index('--db') + 1]); "
    "from inquiry_tui.cli import app; app(sys.argv[1:], prog_name='inquiry-tui')"
)
# The same, with 0.1 s of work after each published transaction, as a big file's reading and checking take:
# a 60-line file is otherwise published before any colleague gets to write.
SLOW_CLI = (
    "import sys, time; from tests.own_host import on_own_host; on_own_host(sys.argv[sys.argv.index('--db') + 1]); "
    "from inquiry_tui.services.arrivals import publishing; publishing.on_published = lambda seq: time.sleep(0.1); "
    "from inquiry_tui.cli import app; app(sys.argv[1:], prog_name='inquiry-tui')"
)
# The importer kills itself (kill -9) right after its second transaction committed.
KILLED_CLI = (
    "import os, signal, sys; from tests.own_host import on_own_host; on_own_host(sys.argv[sys.argv.index('--db') + 1]); "
    "from inquiry_tui.services.arrivals import publishing; "
    "publishing.on_published = lambda seq: os.kill(os.getpid(), signal.SIGKILL) if seq == 2 else None; "
    "from inquiry_tui.cli import app; app(sys.argv[1:], prog_name='inquiry-tui')"
)


def write_file(path: Path, prefix: str, n: int = LINES) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            record = {
                "external_id": f"{prefix}-{i}",
                "channel": "inquiry",
                "received_at": f"2026-11-20T10:{i // 60:02d}:{i % 60:02d}Z",
                "buyer": {"email": f"{prefix}{i % 40}@x.example", "country": "DE"},
                "subject": "Catalogue please",
                "body": "Please send your catalogue and price list.",
            }
            fh.write(json.dumps(record) + "\n")
    return path


def _count(db: str, prefix: str) -> int:
    return int(store_rows(db, "SELECT COUNT(*) FROM inquiry WHERE external_id LIKE :p", p=f"{prefix}-%")[0][0])


def _runs(db: str) -> int:
    return int(store_rows(db, "SELECT COUNT(*) FROM import_run")[0][0])


@pytest.mark.slow
def test_colleagues_keep_writing_while_an_import_publishes(admin_ctx: Ctx, db_url: str, tmp_path: Path) -> None:
    ids = [arrive(admin_ctx, FIXED_NOW - timedelta(days=1, minutes=i), f"seed{i}@seed.example") for i in range(6)]
    db = cli_db(db_url)
    stop = tmp_path / "stop"
    env = {**child_env("boss"), "INQUIRY_TUI_IMPORT_CHUNK": CHUNK}
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.unit.arrivals.import_writer",
                db,
                str(n),
                ",".join(map(str, ids[n::WRITERS])),
                str(stop),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    try:
        for w in writers:
            assert w.stdout is not None
            assert w.stdout.readline().strip() == "ready", w.stderr.read() if w.stderr else ""
        importer = subprocess.run(
            [
                sys.executable,
                "-c",
                SLOW_CLI,
                "--db",
                db,
                "import",
                "inquiries",
                str(write_file(tmp_path / "big.jsonl", "P")),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        stop.touch()
    results = []
    for w in writers:
        out, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert importer.returncode == 0, importer.stderr
    assert f"imported {LINES} inquiries" in importer.stdout
    assert [f for r in results for f in r["failures"]] == []  # not one colleague's write failed
    assert sum(r["during"] for r in results) > 0  # and some landed while the import was being published
    assert _count(db, "P") == LINES and _runs(db) == 0


def test_a_failure_while_publishing_undoes_what_was_published(
    admin_ctx: Ctx, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INQUIRY_TUI_IMPORT_CHUNK", CHUNK)
    db = cli_db(db_url)
    buyers_before = store_rows(db, "SELECT COUNT(*) FROM buyer")[0][0]
    seen: list[int] = []

    def fail_third(seq: int) -> None:
        seen.append(_count(db, "F"))  # published and visible so far
        if seq == 3:
            raise OSError("No space left on device")

    monkeypatch.setattr(publishing, "on_published", fail_third)
    with pytest.raises(OSError):
        import_inquiries(admin_ctx, write_file(tmp_path / "f.jsonl", "F"))
    assert seen == [6, 12, 18]
    assert _count(db, "F") == 0 and _runs(db) == 0
    assert store_rows(db, "SELECT COUNT(*) FROM buyer")[0][0] == buyers_before
    assert store_rows(db, "SELECT COUNT(*) FROM allocation_record")[0][0] == 0
    undone = store_rows(db, "SELECT after FROM audit_log WHERE action = 'inquiries_import_undone'")
    assert len(undone) == 1 and json.loads(undone[0][0])["inquiries_removed"] == 18


@pytest.mark.slow
def test_an_import_killed_while_publishing_is_undone_by_the_next_open(
    admin_ctx: Ctx, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = cli_db(db_url)
    data = write_file(tmp_path / "k.jsonl", "K")
    env = {**child_env("boss"), "INQUIRY_TUI_IMPORT_CHUNK": CHUNK}
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_CLI, "--db", db, "import", "inquiries", str(data)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -9, killed.stderr
    assert _count(db, "K") == 12 and _runs(db) == 1  # two transactions published, then the process died
    monkeypatch.setenv("INQUIRY_TUI_LOGIN", "ana")  # any account's next open undoes it
    connect(db).close()
    assert _count(db, "K") == 0 and _runs(db) == 0
    assert store_rows(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'inquiries_import_undone'")[0][0] == 1
    rerun = subprocess.run(
        [sys.executable, "-c", RUN_CLI, "--db", db, "import", "inquiries", str(data)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert _count(db, "K") == LINES
