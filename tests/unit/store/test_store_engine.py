"""Every pooled connection carries the store's pragmas; write transactions take the lock up front (SQLite);
foreign keys hold on both engines (PostgreSQL's own engine tests: test_postgres.py)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.migrate import open_store


def test_every_pooled_connection_has_the_pragmas(sqlite_url: str) -> None:
    engine = open_store(sqlite_url)
    # Several at once, so they are distinct pooled DBAPI connections (outside any transaction).
    connections = [engine.raw_connection() for _ in range(4)]
    try:
        for conn in connections:
            cursor = conn.cursor()
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
            assert cursor.execute("PRAGMA foreign_keys").fetchone()[0] == 1
            assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    finally:
        for conn in connections:
            conn.close()
        engine.dispose()


def test_write_transactions_begin_immediate(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = open_store(sqlite_url)
    path = tmp_path / "store.db"
    with engine.begin() as conn:
        conn.execute(text("SELECT 1"))  # no write yet, but the write lock is already held
        other = sqlite3.connect(str(path), timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    engine.dispose()


def test_read_only_engine_does_not_take_the_write_lock(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    open_store(sqlite_url).dispose()
    reader = make_engine(sqlite_url, read_only=True)
    with reader.begin() as conn:
        conn.execute(text("SELECT count(*) FROM account"))
        other = sqlite3.connect(str(tmp_path / "store.db"), timeout=0)
        other.execute("BEGIN IMMEDIATE")  # free: the reader holds no write lock
        other.rollback()
        other.close()
    reader.dispose()


def test_foreign_keys_are_enforced(db_url: str) -> None:
    engine = open_store(db_url)
    with pytest.raises(Exception, match=r"(?i)foreign key"), engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO product (sku, name, category, keywords, owner_id) VALUES ('X', 'x', '', '', 999)"
        )
    engine.dispose()
