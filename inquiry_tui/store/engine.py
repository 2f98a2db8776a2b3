"""Engine factory: per-connection SQLite pragmas and BEGIN IMMEDIATE for every transaction.

Several processes (SSH users) share one SQLite file, so every connection runs in WAL mode
with a generous busy timeout, and every transaction takes the write lock up front
(`BEGIN IMMEDIATE`, SQLAlchemy's documented pysqlite recipe): a read-then-write transaction
can then never fail half-way with SQLITE_BUSY on lock upgrade.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import cast

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

BUSY_TIMEOUT_MS = 10_000
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA cache_size=-32000",  # 32 MB page cache per connection
    "PRAGMA temp_store=MEMORY",
)
# Browsing reads a few index and row pages per screen; the OS page cache holds the rest, and
# each of the UI's worker threads has its own connection, so a small cache keeps the TUI lean.
READ_CACHE_PRAGMA = "PRAGMA cache_size=-8000"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine whose every connection carries the store's pragmas.

    Read-only engines (used by the UI for browsing) begin with a plain deferred BEGIN so that
    scrolling never takes the write lock.
    """
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True)
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's own transaction handling is off).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in PRAGMAS:
            cursor.execute(pragma)
        if read_only:
            cursor.execute(READ_CACHE_PRAGMA)
        cursor.close()

    begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(begin)

    return engine


def write_if_free(engine: Engine, work: Callable[[sqlite3.Cursor], bool], *, busy_ms: int = 100) -> bool:
    """Run WORK in a write transaction if the write lock is free within BUSY_MS; whether it committed.

    For caches kept in the store: a reader that computed something worth keeping writes it if
    it can, and never waits behind a long import. WORK gets a DB-API cursor and returns False
    to roll back. A busy or read-only store (any sqlite3 error) rolls back and returns False.
    """
    raw = engine.raw_connection()
    try:
        cursor = cast(sqlite3.Cursor, raw.cursor())  # write_if_free is for SQLite stores (pysqlite)
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        try:
            cursor.execute("BEGIN IMMEDIATE")
            if not work(cursor):
                cursor.execute("ROLLBACK")
                return False
            cursor.execute("COMMIT")
            return True
        except sqlite3.Error:
            if raw.driver_connection is not None and raw.driver_connection.in_transaction:
                cursor.execute("ROLLBACK")
            return False
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.close()
    finally:
        raw.close()
