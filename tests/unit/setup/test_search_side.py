"""Issue 20, item 4: the generator's search index built beside the load (store/search_side.py) is the index
the store would have built itself, the store's connections let go of the scratch database, and a
failure on the side fails the load."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup import seed as seed_service
from inquiry_tui.services.setup.synthetic import generate
from inquiry_tui.store import bulk, search_side
from tests.unit.setup.seeding import seed_copy

N = 240
CHUNK = 100  # three chunks: the side index is handed several lists
QUERIES = ("led", "pric*", "quote price", '"best price"', "warranty OR lighting", "company: global", "zebra", "sea*")


def _store_path(ctx: Ctx) -> Path:
    with ctx.engine.connect() as conn:
        return Path(str(conn.exec_driver_sql("SELECT file FROM pragma_database_list WHERE name = 'main'").scalar()))


def _scratch_left(ctx: Ctx) -> list[Path]:
    return list(_store_path(ctx).parent.glob(".search-build-*"))


def _searches(db: sqlite3.Connection) -> list[list[int]]:
    return [
        [r[0] for r in db.execute("SELECT rowid FROM inquiry_fts WHERE inquiry_fts MATCH ? ORDER BY rowid", (q,))]
        for q in QUERIES
    ]


def _seeded(path: Path, template: Path) -> dict[str, Any]:
    seed_copy(path, template, N, 5, rfqs=2)
    db = sqlite3.connect(path)
    try:
        db.execute("INSERT INTO inquiry_fts (inquiry_fts) VALUES ('integrity-check')")
        return {
            "integrity": db.execute("PRAGMA integrity_check").fetchone()[0],
            "documents": db.execute("SELECT * FROM inquiry_fts_content ORDER BY id").fetchall(),
            "sizes": db.execute("SELECT * FROM inquiry_fts_docsize ORDER BY id").fetchall(),
            "config": db.execute("SELECT * FROM inquiry_fts_config ORDER BY k").fetchall(),
            "searches": _searches(db),
        }
    finally:
        db.close()


def test_the_side_built_index_answers_as_the_store_built_one(
    tmp_path: Path, sqlite_head_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("inquiry_tui.services.setup.synthetic.CHUNK", CHUNK)
    side = _seeded(tmp_path / "side.db", sqlite_head_template)
    monkeypatch.setattr(search_side, "usable", lambda conn: False)  # the store indexes in place (build_search)
    in_place = _seeded(tmp_path / "in-place.db", sqlite_head_template)
    assert side["integrity"] == in_place["integrity"] == "ok"
    assert len(side["documents"]) == N
    for part in ("documents", "sizes", "config", "searches"):
        assert side[part] == in_place[part], part
    assert any(side["searches"]) and not side["searches"][QUERIES.index("zebra")]
    assert not list(tmp_path.glob(".search-build-*"))


@pytest.mark.sqlite_only  # SQLite's FTS5: PostgreSQL keeps its COPY path and GIN index
def test_the_connection_lets_go_of_the_scratch_database_and_sees_the_new_index(admin_ctx: Ctx) -> None:
    ctx = admin_ctx
    with ctx.engine.connect() as conn:  # FTS5 on this connection has read the empty index
        assert conn.exec_driver_sql("SELECT count(*) FROM inquiry_fts WHERE inquiry_fts MATCH 'led'").scalar() == 0
    seed_service.seed_synthetic(ctx, N, 3, rfqs=0)
    with ctx.engine.connect() as conn:
        assert [r[1] for r in conn.exec_driver_sql("PRAGMA database_list")] == ["main"]
        assert conn.exec_driver_sql("SELECT count(*) FROM inquiry_fts WHERE inquiry_fts MATCH 'led'").scalar() > 0
        conn.exec_driver_sql("INSERT INTO inquiry_fts (inquiry_fts) VALUES ('integrity-check')")
    assert not _scratch_left(ctx)


@pytest.mark.sqlite_only  # SQLite's FTS5: PostgreSQL keeps its COPY path and GIN index
def test_a_store_already_indexed_is_indexed_in_place(admin_ctx: Ctx) -> None:
    """A second load into a store with search documents cannot replace its index: it adds to it."""
    ctx = admin_ctx
    set_up = seed_service._company_set_up(ctx, [])
    generate(ctx, N, 3, rfqs=0, set_up=set_up)
    with ctx.engine.begin() as conn:
        assert not search_side.usable(conn)
    generate(ctx, N // 2, 4, rfqs=0)
    with ctx.engine.connect() as conn:
        docs = conn.exec_driver_sql(bulk._FTS_DOC + " ORDER BY i.id").all()
        indexed = conn.exec_driver_sql("SELECT rowid, subject, body, company FROM inquiry_fts ORDER BY rowid").all()
        assert len(indexed) == N + N // 2
        assert [tuple(r) for r in indexed] == [tuple(r) for r in docs]
        conn.exec_driver_sql("INSERT INTO inquiry_fts (inquiry_fts) VALUES ('integrity-check')")


@pytest.mark.sqlite_only  # SQLite's FTS5: PostgreSQL keeps its COPY path and GIN index
def test_a_failure_on_the_side_fails_the_load(admin_ctx: Ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = admin_ctx
    monkeypatch.setattr(search_side, "_DOCS_SQL", "INSERT INTO inquiry_fts (rowid, no_such_column) VALUES (?, ?)")
    with pytest.raises(sqlite3.OperationalError, match="no_such_column"):
        seed_service.seed_synthetic(ctx, N, 3, rfqs=0)
    with ctx.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM inquiry").scalar() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM inquiry_fts").scalar() == 0
    assert not _scratch_left(ctx)
