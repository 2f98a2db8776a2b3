"""Migrations: from an empty store (SQLite file or PostgreSQL database), from the previous revision (SQLite, with an
online backup), newer refused; the models and the migrations agree on both engines."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.migrate import HEAD, StoreTooNew, current_revision, head_revision, open_store, upgrade
from inquiry_tui.store.models import SQLModel


@pytest.fixture
def empty_url(engine_name: str, sqlite_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty store: a new SQLite file, or an empty PostgreSQL database (no schema at all)."""
    if engine_name == "sqlite":
        yield sqlite_url
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = cluster.create()
    try:
        yield cluster.url(name)
    finally:
        cluster.drop(name)


def test_empty_file_upgrades_to_head_with_every_table(empty_url: str) -> None:
    engine = open_store(empty_url)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert "inquiry_fts" in tables
    engine.dispose()


def test_models_and_migrations_agree(db_url: str) -> None:
    """Autogenerate finds nothing to do: the shipped migrations build exactly the models' schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = open_store(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    # Made by raw SQL, not by the models: the FTS5 virtual table and its shadow tables (SQLite); the
    # tsvector table and its index, the bulk loads' reply-day marker table and activity_daily's
    # watermark column (PostgreSQL).
    assert [d for d in diff if not _raw_sql_object(d)] == []


def _raw_sql_object(d: tuple[object, ...]) -> bool:
    kind, item = d[0], d[1]
    if kind == "remove_table":
        return str(item.name).startswith(("inquiry_fts", "rfq_fts")) or item.name == "reply_day_dirty"  # type: ignore[attr-defined]
    if kind == "remove_index":
        return item.name in ("ix_inquiry_fts_doc", "ix_activity_daily_seq")  # type: ignore[attr-defined]
    if kind == "remove_column":
        return d[2] == "activity_daily" and d[3].name == "seq"  # type: ignore[attr-defined]
    return False


@pytest.mark.parametrize("previous", ["0001", "0002", "0003", "0004"])
def test_previous_revision_is_backed_up_then_upgraded(sqlite_url: str, tmp_path: Path, previous: str) -> None:
    db_url = sqlite_url
    result = upgrade(db_url, revision=previous)
    assert result.after == previous
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO account (login, name, role, active, away, created_at) VALUES ('boss', 'B', 'admin', 1, 0, '2026-01-01 00:00:00.000000')"
        )
        conn.exec_driver_sql(
            "INSERT INTO buyer (email, name, company, phone, website, address, business_type, employees, verified, is_customer, group_name, type, source, stars, notes, first_seen_at, version) VALUES ('a@b.example', 'A', 'Lumen Trading', '', '', '', '', '', 0, 0, '', '', '', 0, '', '2026-01-01 00:00:00.000000', 1)"
        )
        conn.exec_driver_sql(
            "INSERT INTO inquiry (channel, buyer_id, subject, received_at, owner_id, rule, folder, is_junk, junk_score, junk_reasons, unread, tagged, replied, last_message_at, auto_replies, version) VALUES ('inquiry', 1, 'Floodlight price', '2026-01-01 00:00:00.000000', 1, 'product', 'inbox', 0, 0, '', 1, 0, 0, '2026-01-01 00:00:00.000000', 0, 1)"
        )
    engine.dispose()

    result = upgrade(db_url)
    assert (result.before, result.after) == (previous, head_revision())
    assert result.backup is not None and result.backup.exists()
    backup = sqlite3.connect(str(result.backup))
    assert backup.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert backup.execute("SELECT subject FROM inquiry").fetchone()[0] == "Floodlight price"
    backup.close()
    # The FTS revision indexed the existing row; the reply-rate cache starts empty with its epoch.
    store = sqlite3.connect(str(tmp_path / "store.db"))
    assert store.execute("SELECT rowid FROM inquiry_fts WHERE inquiry_fts MATCH 'lumen'").fetchall() == [(1,)]
    assert store.execute("SELECT count(*) FROM reply_day").fetchone() == (0,)
    # From 0003 on, the insert above already went through the cache's triggers (one bump).
    assert store.execute("SELECT id, n FROM reply_day_epoch").fetchall() == [(1, 1 if previous >= "0003" else 0)]
    store.close()


def test_store_newer_than_the_app_is_refused(empty_url: str) -> None:
    db_url = empty_url
    open_store(db_url).dispose()
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    engine.dispose()
    with pytest.raises(StoreTooNew, match="newer than this inquiry-tui"):
        open_store(db_url)


def test_head_constant_matches_the_scripts() -> None:
    assert head_revision() == HEAD


def test_audit_rows_of_0004_are_chained_on_upgrade_and_kept(empty_url: str, tmp_path: Path) -> None:
    """0005_identity: the rows already in the log get their hashes (in id order); the triggers stay; verify passes."""
    from inquiry_tui.services.context import connect_system
    from inquiry_tui.services.identity.verify import verify_audit

    upgrade(empty_url, revision="0004")
    engine = make_engine(empty_url)
    with engine.begin() as conn:
        for i in range(1, 4):
            conn.exec_driver_sql(
                "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) "
                f"VALUES ('2026-11-0{i} 08:00:00.000000', 'boss', 'settings_change', 'settings', 'allocation', '', '{{\"n\": {i}}}')"
            )
    engine.dispose()
    result = upgrade(empty_url)
    assert (result.before, result.after) == ("0004", HEAD)
    store = sqlite3.connect(str(tmp_path / "store.db"))
    rows = store.execute("SELECT id, actor, after, os_user, prev_hash, hash FROM audit_log ORDER BY id").fetchall()
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [(i, "boss", f'{{"n": {i}}}', "") for i in range(1, 4)]
    assert rows[1][4] == rows[0][5] and rows[2][4] == rows[1][5]
    assert store.execute("SELECT last_id, last_hash FROM audit_chain").fetchone() == (3, rows[2][5])
    triggers = {r[0] for r in store.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"audit_log_no_update", "audit_log_no_delete"} <= triggers
    store.close()
    ctx = connect_system(empty_url)
    verdict = verify_audit(ctx)
    ctx.close()
    assert verdict.ok and verdict.rows == 3
