"""Issue 20, item 4: the generator loads with indexes and per-row triggers set aside, and the store it
leaves is the store the row-by-row path left: same schema, same rows, same search documents, caches told.

Big loads (bulk.DEFER_INDEXES_FROM inquiries) are made small here by lowering that threshold.
"""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup import seed as seed_service
from inquiry_tui.services.setup import synthetic
from inquiry_tui.services.setup.synthetic import generate
from inquiry_tui.store import bulk, dialect, index_build
from tests.unit.setup.seeding import seed_copy

N = 240  # inquiries: two of the generator's chunks below
CHUNK = 120


def _schema(ctx: Ctx) -> list[tuple[Any, ...]]:
    """Every index and trigger of the store, with its definition."""
    with ctx.engine.connect() as conn:
        if dialect.is_sqlite(conn):
            rows = conn.exec_driver_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger', 'table') "
                "AND name NOT LIKE 'sqlite_stat%'"  # ANALYZE's own tables
            )
        else:
            rows = conn.exec_driver_sql(
                "SELECT 'index', indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "UNION ALL SELECT 'trigger', tgname, tgrelid::regclass::text, pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE NOT tgisinternal"
            )
        return sorted(tuple(r) for r in rows)


def _one(ctx: Ctx, sql: str) -> Any:
    with ctx.engine.connect() as conn:
        return conn.exec_driver_sql(sql).scalar_one()


@pytest.fixture(params=["row by row", "indexes deferred"])
def big(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Both paths of the generator: indexes kept (a small load) and set aside (a big one)."""
    monkeypatch.setattr("inquiry_tui.services.setup.synthetic.CHUNK", CHUNK)
    deferred = request.param == "indexes deferred"
    monkeypatch.setattr(bulk, "DEFER_INDEXES_FROM", 100 if deferred else 10**9)
    return deferred


def test_the_generated_store_keeps_its_schema_and_every_search_document(admin_ctx: Ctx, big: bool) -> None:
    before = _schema(admin_ctx)
    _, result = seed_service.seed_synthetic(admin_ctx, N, 3, rfqs=4, visitors=2)
    assert result.inquiries == N
    assert _schema(admin_ctx) == before  # every index and trigger again, as defined
    assert _one(admin_ctx, "SELECT count(*) FROM inquiry_fts") == N
    if dialect.is_sqlite(admin_ctx.engine):
        with admin_ctx.engine.connect() as conn:
            docs = conn.exec_driver_sql(bulk._FTS_DOC + " ORDER BY i.id").all()
            indexed = conn.exec_driver_sql("SELECT rowid, subject, body, company FROM inquiry_fts ORDER BY rowid").all()
            assert [tuple(r) for r in indexed] == [tuple(r) for r in docs]  # the documents the triggers make
            conn.exec_driver_sql("INSERT INTO inquiry_fts (inquiry_fts) VALUES ('integrity-check')")
            # the load's FTS5 setting is not left in the store
            assert conn.exec_driver_sql("SELECT count(*) FROM inquiry_fts_config WHERE k = 'hashsize'").scalar() == 0
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    # the per-row triggers are back: a new message goes into its inquiry's document
    with admin_ctx.engine.begin() as conn:
        word = "zebracrossing"
        conn.exec_driver_sql(
            "INSERT INTO message (inquiry_id, direction, sent_at, body) "
            "SELECT id, 'in', received_at, ? FROM inquiry ORDER BY id LIMIT 1",
            (word,),
        )
    if dialect.is_sqlite(admin_ctx.engine):
        assert _one(admin_ctx, f"SELECT count(*) FROM inquiry_fts WHERE inquiry_fts MATCH '{word}'") == 1


def test_the_reply_rate_days_the_load_falls_in_are_dropped(admin_ctx: Ctx, big: bool) -> None:
    """The cached days of the new inquiries go, as the per-row triggers would have dropped them."""
    with admin_ctx.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO reply_day (timezone, day, owner_id, day_start, day_end, answered, counted, delays, "
            "computed_at) VALUES ('UTC', '2026-11-20', 1, '2026-11-20 00:00:00.000000', '2026-11-21 00:00:00.000000', "
            "0, 0, ?, '2026-11-21 00:00:00.000000')",
            (b"",),
        )
    epoch = _one(admin_ctx, "SELECT n FROM reply_day_epoch")
    generate(admin_ctx, N, 3, rfqs=0, set_up=seed_service._company_set_up(admin_ctx, []))  # seed_synthetic warms
    assert _one(admin_ctx, "SELECT count(*) FROM reply_day") == 0
    if dialect.is_sqlite(admin_ctx.engine):  # PostgreSQL: its deferred trigger moves the epoch at commit
        assert _one(admin_ctx, "SELECT n FROM reply_day_epoch") > epoch


def test_a_failed_load_leaves_the_schema_and_no_rows(
    admin_ctx: Ctx, big: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _schema(admin_ctx)

    def killed(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr("inquiry_tui.services.setup.synthetic.generate_visitors", killed)  # after the indexes
    with pytest.raises(RuntimeError, match="killed"):
        seed_service.seed_synthetic(admin_ctx, N, 3, rfqs=2)
    assert _schema(admin_ctx) == before
    assert _one(admin_ctx, "SELECT count(*) FROM inquiry") == 0


# --- the same rows either way (SQLite: two stores side by side) -------------------------------------

TABLES = (
    "buyer",
    "inquiry",
    "message",
    "allocation_record",
    "activity_daily",
    "activity_detail",
    "visitor_session",
    "visitor_summary",
    "rfq",
    "inquiry_fts",
)


def _seeded(path: Path, template: Path) -> list[list[tuple[Any, ...]]]:
    seed_copy(path, template, N, 11, rfqs=6, visitors=3)
    db = sqlite3.connect(path)
    try:
        return [db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES]
    finally:
        db.close()


def test_a_big_load_writes_the_rows_a_small_one_writes(
    tmp_path: Path, sqlite_head_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same seed and clock give the same store whether the indexes are deferred or not."""
    monkeypatch.setattr("inquiry_tui.services.setup.synthetic.CHUNK", CHUNK)
    monkeypatch.setattr(bulk, "DEFER_INDEXES_FROM", 10**9)
    small = _seeded(tmp_path / "small.db", sqlite_head_template)
    monkeypatch.setattr(bulk, "DEFER_INDEXES_FROM", 100)
    large = _seeded(tmp_path / "large.db", sqlite_head_template)
    for table, a, b in zip(TABLES, small, large, strict=True):
        assert a == b, table
    assert len(small[TABLES.index("inquiry")]) == N


# --- store/index_build.py ---------------------------------------------------------------------------


def _sqlite_schema(conn: Connection) -> list[tuple[Any, ...]]:
    return sorted(tuple(r) for r in conn.exec_driver_sql("SELECT type, name, tbl_name, sql FROM sqlite_master"))


def test_set_aside_and_restore_give_back_the_same_schema(admin_ctx: Ctx) -> None:
    before = _schema(admin_ctx)
    with admin_ctx.engine.begin() as conn:
        aside = index_build.set_aside(
            conn,
            bulk.THREAD_TABLES,
            keep=bulk.KEEP_INDEXES,
            triggers=index_build.THREAD_INSERT_TRIGGERS if dialect.is_sqlite(conn) else (),
        )
        names = {name for name, _ in aside.indexes}
        assert "ix_inquiry_folder_recv" in names and "ix_message_inquiry_sent" not in names
        if dialect.is_sqlite(conn):
            assert {name for name, _ in aside.triggers} == set(index_build.THREAD_INSERT_TRIGGERS)
            left = {r[1] for r in _sqlite_schema(conn) if r[0] in ("index", "trigger")}
            assert not names & left and not set(index_build.THREAD_INSERT_TRIGGERS) & left
        index_build.restore(conn, aside)
    assert _schema(admin_ctx) == before


def test_set_aside_refuses_what_it_cannot_put_back(admin_ctx: Ctx) -> None:
    with admin_ctx.engine.begin() as conn:
        if dialect.is_sqlite(conn):
            with pytest.raises(LookupError, match="no_such_trigger"):
                index_build.set_aside(conn, (), triggers=("no_such_trigger",))
        else:
            with pytest.raises(ValueError, match="paused"):
                index_build.set_aside(conn, (), triggers=("inquiry_fts_ai",))


def test_load_cache_and_the_search_hash_are_put_back(sqlite_url: str, admin_ctx: Ctx) -> None:
    if not dialect.is_sqlite(admin_ctx.engine):
        pytest.skip("SQLite's page cache and FTS5 settings")
    with admin_ctx.engine.begin() as conn:
        usual = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        with index_build.load_cache(conn):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -index_build.LOAD_CACHE_KIB
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == usual
        # a store that has its own hashsize keeps it
        conn.exec_driver_sql("INSERT INTO inquiry_fts (inquiry_fts, rank) VALUES ('hashsize', 2097152)")
        index_build.build_search(conn, 1, 0)  # nothing to index
        assert conn.exec_driver_sql("SELECT v FROM inquiry_fts_config WHERE k = 'hashsize'").scalar() == 2097152


def test_the_seed_ends_with_the_team_caches_warm(admin_ctx: Ctx) -> None:
    """As after a big import: the dashboard's closed days and today's activity rollup are there to read."""
    _, result = seed_service.seed_synthetic(admin_ctx, N, 3, rfqs=2)
    assert _one(admin_ctx, "SELECT count(*) FROM reply_day") > 0
    assert _one(admin_ctx, "SELECT count(*) FROM activity_rollup_state") > 0
    assert result.warm_seconds > 0


@pytest.mark.parametrize("was_on", [True, False], ids=["collecting", "not collecting"])
def test_the_load_runs_without_cyclic_collection_and_puts_it_back(
    admin_ctx: Ctx, monkeypatch: pytest.MonkeyPatch, was_on: bool
) -> None:
    """The load makes millions of rows and no cycles: the collector is off while it runs, then as it was,
    also when the load fails."""
    seen: list[bool] = []
    real_load = synthetic._load

    def load(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return real_load(*args)

    monkeypatch.setattr(synthetic, "_load", load)
    (gc.enable if was_on else gc.disable)()
    try:
        generate(admin_ctx, 20, 4)
        assert seen == [False]
        assert gc.isenabled() is was_on
        with pytest.raises(RuntimeError, match="set-up failed"):
            generate(admin_ctx, 20, 4, set_up=_fail)
        assert gc.isenabled() is was_on
    finally:
        gc.enable()


def _fail(conn: Connection) -> None:
    raise RuntimeError("set-up failed")
