"""Migrations on both engines: from an empty store, from every earlier revision with its data (SQLite: after an
online backup), newer refused; the models and the migrations agree."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.migrate import HEAD, StoreTooNew, current_revision, head_revision, open_store, upgrade
from inquiry_tui.store.models import all_tables


def test_empty_file_upgrades_to_head_with_every_table(empty_url: str) -> None:
    engine = open_store(empty_url)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(all_tables().tables) <= tables
    assert "inquiry_fts" in tables
    engine.dispose()


def test_models_and_migrations_agree(empty_url: str) -> None:
    """Autogenerate finds nothing to do: the shipped migrations build exactly the models' schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = open_store(empty_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), all_tables())
    engine.dispose()
    # Made by raw SQL, not by the models: the FTS5 virtual table and its shadow tables (SQLite); the
    # tsvector table and its index, the bulk loads' reply-day marker table, activity_daily's
    # watermark column and the RFQs' generated search column and its index (PostgreSQL).
    assert [d for d in diff if not _raw_sql_object(d)] == []


def _raw_sql_object(d: tuple[object, ...]) -> bool:
    kind, item = d[0], d[1]
    if kind == "remove_table":
        return str(item.name).startswith(("inquiry_fts", "rfq_fts")) or item.name == "reply_day_dirty"  # type: ignore[attr-defined]
    if kind == "remove_index":
        return item.name in ("ix_inquiry_fts_doc", "ix_activity_daily_seq", "ix_rfq_search")  # type: ignore[attr-defined]
    if kind == "remove_column":
        return (d[2], d[3].name) in (("activity_daily", "seq"), ("rfq", "search"))  # type: ignore[attr-defined]
    return False


def _revisions() -> list[str]:
    """Every shipped revision, oldest first (read from the scripts, so a new migration joins the tests below)."""
    from alembic.script import ScriptDirectory

    from inquiry_tui.store.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


# A row in the three tables every revision has, written with bound parameters (booleans as bool,
# times as the stored text) so the same statements run on both engines.
OLD_ROWS = (
    ("INSERT INTO account (login, name, role, active, away, created_at) VALUES ('boss', 'B', 'admin', :yes, :no, :t)"),
    (
        "INSERT INTO buyer (email, name, company, phone, website, address, business_type, employees, verified, "
        "is_customer, group_name, type, source, stars, notes, first_seen_at, version) VALUES ('a@b.example', 'A', "
        "'Lumen Trading', '', '', '', '', '', :no, :no, '', '', '', 0, '', :t, 1)"
    ),
    (
        "INSERT INTO inquiry (channel, buyer_id, subject, received_at, owner_id, rule, folder, is_junk, junk_score, "
        "junk_reasons, unread, tagged, replied, last_message_at, auto_replies, version) VALUES ('inquiry', 1, "
        "'Floodlight price', :t, 1, 'product', 'inbox', :no, 0, '', :yes, :no, :no, :t, 0, 1)"
    ),
)


@pytest.mark.parametrize("previous", _revisions()[:-1])
def test_a_store_at_every_earlier_revision_upgrades_with_its_data(
    engine_name: str, empty_url: str, tmp_path: Path, previous: str
) -> None:
    """Each earlier revision (on SQLite with its online backup first) upgrades to head keeping its rows, searchable."""
    from sqlalchemy import text

    from inquiry_tui.services.context import connect_system
    from inquiry_tui.services.inbox import listing as inbox
    from tests.conftest import _ctx_for

    db_url = empty_url
    result = upgrade(db_url, revision=previous)
    assert result.after == previous
    engine = make_engine(db_url)
    with engine.begin() as conn:
        for statement in OLD_ROWS:
            conn.execute(text(statement), {"yes": True, "no": False, "t": "2026-01-01 00:00:00.000000"})
    engine.dispose()

    result = upgrade(db_url)
    assert (result.before, result.after) == (previous, head_revision())
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, subject FROM inquiry")).all() == [(1, "Floodlight price")]
        # From 0003 on, the insert above already went through the reply-rate cache's triggers (one bump; a
        # later migration that rewrites inquiry rows bumps it again, which is what the cache needs).
        ((epoch, bumps),) = conn.execute(text("SELECT id, n FROM reply_day_epoch")).all()
        assert epoch == 1 and bumps >= (1 if previous >= "0003" else 0)
        assert conn.execute(text("SELECT count(*) FROM reply_day")).scalar_one() == 0
    engine.dispose()
    # The search revision indexed the existing row; the services read the upgraded store.
    ctx = _ctx_for(connect_system(db_url), "boss")
    try:
        assert inbox.count_search(ctx, "lumen") == 1
        assert [r.id for r in inbox.search(ctx, "floodlight").rows] == [1]
    finally:
        ctx.close()
    if engine_name == "sqlite":
        assert result.backup is not None and result.backup.exists()
        backup = sqlite3.connect(str(result.backup))
        assert backup.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert backup.execute("SELECT subject FROM inquiry").fetchone()[0] == "Floodlight price"
        backup.close()
        store = sqlite3.connect(str(tmp_path / "store.db"))
        assert store.execute("SELECT rowid FROM inquiry_fts WHERE inquiry_fts MATCH 'lumen'").fetchall() == [(1,)]
        store.close()
    else:
        assert result.backup is None  # PostgreSQL upgrades in one transaction; docs/store.md: pg_dump first


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


def test_audit_rows_of_0004_are_chained_on_upgrade_and_kept(sqlite_url: str, tmp_path: Path) -> None:
    """0005_identity: the rows already in the log get their hashes (in id order); the triggers stay; verify passes."""
    from inquiry_tui.services.context import connect_system
    from inquiry_tui.services.identity.verify import verify_audit

    upgrade(sqlite_url, revision="0004")
    engine = make_engine(sqlite_url)
    with engine.begin() as conn:
        for i in range(1, 4):
            conn.exec_driver_sql(
                "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) "
                f"VALUES ('2026-11-0{i} 08:00:00.000000', 'boss', 'settings_change', 'settings', 'allocation', '', '{{\"n\": {i}}}')"
            )
    engine.dispose()
    result = upgrade(sqlite_url)
    assert (result.before, result.after) == ("0004", HEAD)
    store = sqlite3.connect(str(tmp_path / "store.db"))
    rows = store.execute("SELECT id, actor, after, os_user, prev_hash, hash FROM audit_log ORDER BY id").fetchall()
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [(i, "boss", f'{{"n": {i}}}', "") for i in range(1, 4)]
    assert rows[1][4] == rows[0][5] and rows[2][4] == rows[1][5]
    assert store.execute("SELECT last_id, last_hash FROM audit_chain").fetchone() == (3, rows[2][5])
    triggers = {r[0] for r in store.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"audit_log_no_update", "audit_log_no_delete"} <= triggers
    store.close()
    ctx = connect_system(sqlite_url)
    verdict = verify_audit(ctx)
    ctx.close()
    assert verdict.ok and verdict.rows == 3


def test_a_new_store_counts_as_empty_for_db_copy(empty_url: str) -> None:
    """The rows migrations seed (the reply-rate epoch, ...) are found by themselves and do not make a store non-empty."""
    from inquiry_tui.store.copy import baseline_tables, non_empty

    assert "reply_day_epoch" in baseline_tables()
    engine = open_store(empty_url)
    with engine.connect() as conn:
        assert non_empty(conn) == []
        for name in baseline_tables():
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar_one() > 0, name
    engine.dispose()
