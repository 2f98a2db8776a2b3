"""A big import sets aside the indexes it does not read and the store always ends with the indexes it had.

SET_ASIDE_FROM is lowered so that a 60-line file published in ten transactions (INQUIRY_TUI_IMPORT_CHUNK)
counts as big (services/arrivals/publishing.py). Whether it completes, fails half-way or its process
dies, the store's indexes afterwards are the ones it had before, and SQLite finds the store sound. The
indexes go back after the last transaction, one per transaction: a failure or a kill from there on
keeps the import's rows, and the indexes left are put back (by the next open after a kill).
Colleagues' reads meanwhile: test_reads_while_aside.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from inquiry_tui.services.arrivals import publishing
from inquiry_tui.services.arrivals.importing import import_inquiries
from inquiry_tui.services.context import Ctx, connect
from tests.conftest import cli_db, store_rows
from tests.own_host import ROOT, child_env
from tests.unit.arrivals.test_import_publishing import CHUNK, LINES, write_file

pytestmark = pytest.mark.sqlite_only  # PostgreSQL's imports keep their indexes (its readers would wait on a drop)

ASIDE_INDEX = "ix_inquiry_product_id"  # one the import sets aside
# The importer, with every import counting as big, kills itself at a hook of publishing (HOOK) when its
# argument is AT: `on_published` after that transaction, `on_put_back` with that many indexes left.
KILLED_CLI = (
    "import os, signal, sys; from tests.own_host import on_own_host; on_own_host(sys.argv[sys.argv.index('--db') + 1]); "
    "from inquiry_tui.services.arrivals import publishing; publishing.SET_ASIDE_FROM = 1; "
    "publishing.{hook} = lambda n: os.kill(os.getpid(), signal.SIGKILL) if n == {at} else None; "
    "from inquiry_tui.cli import app; app(sys.argv[1:], prog_name='inquiry-tui')"
)


def _indexes(db: str) -> list[tuple[str, str]]:
    return [
        (str(n), str(s))
        for n, s in store_rows(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
    ]


def _names(db: str) -> set[str]:
    return {name for name, _ in _indexes(db)}


def _sound(db: str) -> bool:
    return bool(store_rows(db, "PRAGMA integrity_check")[0][0] == "ok")


@pytest.fixture
def big(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INQUIRY_TUI_IMPORT_CHUNK", CHUNK)
    monkeypatch.setattr(publishing, "SET_ASIDE_FROM", 1)


@pytest.mark.usefixtures("big")
def test_a_big_import_publishes_without_the_indexes_it_does_not_read_and_ends_with_all(
    admin_ctx: Ctx, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = cli_db(db_url)
    before = _indexes(db)
    assert ASIDE_INDEX in _names(db)
    during: list[set[str]] = []
    monkeypatch.setattr(publishing, "on_published", lambda seq: during.append(_names(db)))
    report = import_inquiries(admin_ctx, write_file(tmp_path / "a.jsonl", "A"))
    assert report.received == LINES
    assert len(during) == 10
    assert all(ASIDE_INDEX not in names for names in during)  # set aside while it published, the last included
    assert all(set(publishing.KEEP_INDEXES) <= names for names in during)  # those it reads stayed
    assert _indexes(db) == before and _sound(db)
    assert store_rows(db, "SELECT COUNT(*) FROM import_chunk")[0][0] == 0


@pytest.mark.usefixtures("big")
def test_a_failed_big_import_is_undone_with_its_indexes_back(
    admin_ctx: Ctx, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = cli_db(db_url)
    before = _indexes(db)

    def fail_third(seq: int) -> None:
        if seq == 3:
            raise OSError("No space left on device")

    monkeypatch.setattr(publishing, "on_published", fail_third)
    with pytest.raises(OSError):
        import_inquiries(admin_ctx, write_file(tmp_path / "f.jsonl", "F"))
    assert store_rows(db, "SELECT COUNT(*) FROM inquiry WHERE external_id LIKE 'F-%'")[0][0] == 0
    assert _indexes(db) == before and _sound(db)
    assert store_rows(db, "SELECT COUNT(*) FROM import_chunk")[0][0] == 0


@pytest.mark.usefixtures("big")
def test_the_indexes_go_back_one_per_transaction_after_the_last(
    admin_ctx: Ctx, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each transaction after the last chunk builds one index (the write lock held for one build, not all)."""
    db = cli_db(db_url)
    before = _names(db)
    first_after: list[set[str]] = []
    monkeypatch.setattr(publishing, "on_published", lambda seq: first_after.append(_names(db)) if seq == 10 else None)
    steps: list[tuple[int, set[str]]] = []
    monkeypatch.setattr(publishing, "on_put_back", lambda left: steps.append((left, _names(db))))
    import_inquiries(admin_ctx, write_file(tmp_path / "o.jsonl", "O"))
    aside = before - first_after[0]
    assert ASIDE_INDEX in aside and "ix_inquiry_open" in aside and not aside & set(publishing.KEEP_INDEXES)
    assert [left for left, _ in steps] == list(range(len(aside) - 1, -1, -1))
    seen = first_after[0]
    for _, names in steps:
        assert len(names - seen) == 1 and seen <= names  # one more index each time
        seen = names
    assert seen == before


@pytest.mark.usefixtures("big")
def test_a_failure_while_the_indexes_go_back_keeps_the_import(
    admin_ctx: Ctx, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import is complete when its rows are: a failure after that puts the indexes back and deletes nothing."""
    db = cli_db(db_url)
    before = _indexes(db)

    steps_left: list[int] = []

    def fail_after_one(left: int) -> None:
        steps_left.append(left)
        if len(steps_left) == 2:
            raise OSError("No space left on device")

    monkeypatch.setattr(publishing, "on_put_back", fail_after_one)
    with pytest.raises(OSError):
        import_inquiries(admin_ctx, write_file(tmp_path / "g.jsonl", "G"))
    assert store_rows(db, "SELECT COUNT(*) FROM inquiry WHERE external_id LIKE 'G-%'")[0][0] == LINES
    assert _indexes(db) == before and _sound(db)
    assert store_rows(db, "SELECT COUNT(*) FROM import_chunk")[0][0] == 0
    assert store_rows(db, "SELECT COUNT(*) FROM import_run")[0][0] == 0
    assert store_rows(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'inquiries_import_undone'")[0][0] == 0


def test_an_import_small_beside_the_store_keeps_its_indexes(
    admin_ctx: Ctx, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rebuilding costs the stored rows too: an import under 1/SET_ASIDE_SHARE of them maintains the indexes."""
    db = cli_db(db_url)
    monkeypatch.setenv("INQUIRY_TUI_IMPORT_CHUNK", CHUNK)
    import_inquiries(admin_ctx, write_file(tmp_path / "s.jsonl", "S", n=LINES * publishing.SET_ASIDE_SHARE + 2))
    monkeypatch.setattr(publishing, "SET_ASIDE_FROM", 1)
    during: list[set[str]] = []
    monkeypatch.setattr(publishing, "on_published", lambda seq: during.append(_names(db)))
    import_inquiries(admin_ctx, write_file(tmp_path / "t.jsonl", "T"))
    assert during and all(ASIDE_INDEX in names for names in during)


def _killed(db: str, tmp_path: Path, prefix: str, hook: str, at: int) -> None:
    """An import of a LINES-line file into DB, its process killed at publishing's HOOK when its argument is AT."""
    env = {**child_env("boss"), "INQUIRY_TUI_IMPORT_CHUNK": CHUNK}
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_CLI.format(hook=hook, at=at),
            "--db",
            db,
            "import",
            "inquiries",
            str(write_file(tmp_path / f"{prefix}.jsonl", prefix)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -9, killed.stderr


# (stage, hook, its argument, whether the import's rows stay)
KILLS = [
    ("publishing", "on_published", 2, False),  # after its second transaction: undone
    ("after its last transaction", "on_published", 10, True),  # its rows are in: kept
    ("putting the indexes back", "on_put_back", 5, True),  # some indexes back, the rest not
]


@pytest.mark.slow
@pytest.mark.parametrize(("stage", "hook", "at", "kept"), KILLS, ids=[k[0] for k in KILLS])
def test_a_big_import_killed_gets_its_indexes_back_at_the_next_open(
    admin_ctx: Ctx,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    stage: str,
    hook: str,
    at: int,
    kept: bool,
) -> None:
    db = cli_db(db_url)
    before = _indexes(db)
    _killed(db, tmp_path, "K", hook, at)
    assert _names(db) < {name for name, _ in before}  # it died with indexes set aside
    monkeypatch.setenv("INQUIRY_TUI_LOGIN", "ana")  # any account's next open undoes it, or puts its indexes back
    connect(db).close()
    expected = LINES if kept else 0
    assert store_rows(db, "SELECT COUNT(*) FROM inquiry WHERE external_id LIKE 'K-%'")[0][0] == expected
    undone = store_rows(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'inquiries_import_undone'")[0][0]
    assert undone == (0 if kept else 1)
    assert _indexes(db) == before and _sound(db)
    assert store_rows(db, "SELECT COUNT(*) FROM import_chunk")[0][0] == 0
    assert store_rows(db, "SELECT COUNT(*) FROM import_run")[0][0] == 0


def test_the_ids_a_published_transaction_wrote_are_those_its_pools_handed_out(admin_ctx: Ctx) -> None:
    """SQLite's recording pool keeps a range, not a list: the journal must still name every id, and only those."""
    with admin_ctx.begin() as conn:
        taking = publishing._Recording(conn, "inquiry")
        assert list(taking.taken) == []
        ids = [taking.take() for _ in range(3)]
        assert list(taking.taken) == ids == list(range(ids[0], ids[0] + 3))
        named = publishing._Recording(conn, "message")
        ahead = named.upcoming(2)  # names rows ahead before taking them
        assert list(named.taken) == []
        assert [named.take(), named.take()] == ahead and list(named.taken) == ahead
