"""Migrations: from an empty file, from the previous revision (with an online backup), newer refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.migrate import HEAD, StoreTooNew, current_revision, head_revision, open_store, upgrade
from inquiry_tui.store.models import SQLModel


def test_empty_file_upgrades_to_head_with_every_table(db_url: str) -> None:
    engine = open_store(db_url)
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
    # The FTS5 virtual table and its shadow tables are made by raw SQL, not by the models.
    assert [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("inquiry_fts"))] == []


@pytest.mark.parametrize("previous", ["0001", "0002", "0003", "0004"])
def test_previous_revision_is_backed_up_then_upgraded(db_url: str, tmp_path: Path, previous: str) -> None:
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


def test_store_newer_than_the_app_is_refused(db_url: str) -> None:
    open_store(db_url).dispose()
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    engine.dispose()
    with pytest.raises(StoreTooNew, match="newer than this inquiry-tui"):
        open_store(db_url)


def test_head_constant_matches_the_scripts() -> None:
    assert head_revision() == HEAD
