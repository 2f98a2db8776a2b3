"""Issue 20, item 4: from synthetic.BUILD_PROCESS_FROM inquiries the generator builds its rows (and the side
search index) in a process of its own; the store is the one the thread makes, and a failure there fails
the load with nothing written and nothing left running."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup import producer, synthetic
from inquiry_tui.services.setup import seed as seed_service
from inquiry_tui.services.setup.company import load_json
from inquiry_tui.services.setup.producer import ProducerDied
from tests.unit.setup.seeding import seed_copy
from tests.unit.setup.test_generator_load import TABLES
from tests.unit.setup.test_producer import _producers

N = 240
CHUNK = 100  # three chunks


def _rows(path: Path) -> list[list[tuple[Any, ...]]]:
    db = sqlite3.connect(path)
    try:
        db.execute("INSERT INTO inquiry_fts (inquiry_fts) VALUES ('integrity-check')")
        return [db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in (*TABLES, "inquiry_fts_docsize")]
    finally:
        db.close()


@pytest.fixture
def spool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the builder process spools its chunks (in place of /dev/shm)."""
    place = tmp_path / "shm"
    place.mkdir()
    monkeypatch.setattr(producer, "_SHM", str(place))
    return place


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synthetic, "CHUNK", CHUNK)


@pytest.mark.usefixtures("small_chunks")
def test_the_builder_process_writes_the_store_the_thread_writes(
    tmp_path: Path, sqlite_head_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(synthetic, "BUILD_PROCESS_FROM", 10**9)
    seed_copy(tmp_path / "thread.db", sqlite_head_template, N, 11, rfqs=6, visitors=3)
    monkeypatch.setattr(synthetic, "BUILD_PROCESS_FROM", 100)
    seed_copy(tmp_path / "process.db", sqlite_head_template, N, 11, rfqs=6, visitors=3)
    thread, process = _rows(tmp_path / "thread.db"), _rows(tmp_path / "process.db")
    for table, a, b in zip((*TABLES, "inquiry_fts_docsize"), thread, process, strict=True):
        assert a == b, table
    assert len(process[TABLES.index("inquiry")]) == N
    assert not list(tmp_path.glob(".search-build-*"))


class _Exit:
    """Unpickled in the builder process, it ends that process at once (as the kernel's OOM killer would)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return os._exit, (9,)


def _broken_vocab(**changes: Any) -> Any:
    vocab = dict(load_json("vocab.json"), **changes)
    return lambda name: vocab if name == "vocab.json" else load_json(name)


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize(
    ("vocab", "raised"),
    [
        ({"subjects": ["{no_such_field}"], "company_subjects": ["{no_such_field}"]}, KeyError),
        ({"killer": _Exit()}, ProducerDied),
    ],
    ids=["raises", "dies"],
)
def test_a_failure_in_the_builder_process_fails_the_load_with_nothing_written(
    admin_ctx: Ctx, monkeypatch: pytest.MonkeyPatch, spool: Path, vocab: dict[str, Any], raised: type[BaseException]
) -> None:
    monkeypatch.setattr(synthetic, "BUILD_PROCESS_FROM", 100)
    monkeypatch.setattr(synthetic, "load_json", _broken_vocab(**vocab))
    with pytest.raises(raised):
        seed_service.seed_synthetic(admin_ctx, N, 3, rfqs=2)
    with admin_ctx.engine.connect() as conn:
        for table in ("inquiry", "message", "buyer", "inquiry_fts"):
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0, table
    assert not _producers()
    assert not list(spool.iterdir())
    if raised is KeyError and admin_ctx.engine.dialect.name == "sqlite":
        with admin_ctx.engine.connect() as conn:
            store = conn.exec_driver_sql("SELECT file FROM pragma_database_list WHERE name = 'main'").scalar()
        assert not list(Path(str(store)).parent.glob(".search-build-*"))


@pytest.mark.usefixtures("small_chunks")
def test_a_load_through_the_builder_process_on_either_engine(
    admin_ctx: Ctx, monkeypatch: pytest.MonkeyPatch, spool: Path
) -> None:
    """PostgreSQL numbers each chunk's messages from 0 in the builder and gives them ids when written."""
    monkeypatch.setattr(synthetic, "BUILD_PROCESS_FROM", 100)
    _, result = seed_service.seed_synthetic(admin_ctx, N, 3, rfqs=2, visitors=2)
    with admin_ctx.engine.connect() as conn:

        def count(sql: str) -> int:
            return int(conn.exec_driver_sql(sql).scalar_one())

        assert count("SELECT count(*) FROM inquiry") == N
        assert count("SELECT count(*) FROM message") == result.messages > N
        assert count("SELECT count(DISTINCT inquiry_id) FROM message") == N
        assert count("SELECT count(*) FROM inquiry_fts") == N
        assert count("SELECT count(*) FROM buyer WHERE owner_id IS NOT NULL") > 0
        assert count("SELECT count(*) FROM rfq") == 2
    assert not _producers()
    assert not list(spool.iterdir())
