"""store.raw: driver SQL through the DBAPI cursor on SQLite answers and fails as `exec_driver_sql` does, on both engines."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError, IntegrityError

from inquiry_tui.store import raw
from inquiry_tui.store.migrate import open_store


def test_rows_first_run_and_run_many_in_a_transaction(db_url: str) -> None:
    engine = open_store(db_url)
    try:
        with engine.begin() as conn:
            raw.run(conn, "CREATE TABLE raw_t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)")
            raw.run_many(conn, "INSERT INTO raw_t (id, v) VALUES (?, ?)", [(1, "a"), (2, "b"), (3, "c")])
            assert raw.run(conn, "UPDATE raw_t SET v = v || ? WHERE id >= ?", ("!", 2)) == 2
            assert raw.rows(conn, "SELECT id, v FROM raw_t ORDER BY id") == [(1, "a"), (2, "b!"), (3, "c!")]
            assert raw.first(conn, "SELECT v FROM raw_t WHERE id = ?", (3,)) == ("c!",)
            assert raw.first(conn, "SELECT v FROM raw_t WHERE id = ?", (9,)) is None
        with engine.connect() as conn:  # no transaction begun yet: SQLAlchemy's own path, which begins one
            assert raw.rows(conn, "SELECT count(*) FROM raw_t") == [(3,)]
    finally:
        engine.dispose()


def test_a_failing_statement_raises_sqlalchemys_error_and_the_engines_error_hooks_run(db_url: str) -> None:
    engine = open_store(db_url)
    seen: list[str] = []

    @event.listens_for(engine, "handle_error")
    def _note(context: ExceptionContext) -> None:
        seen.append(str(context.statement))

    try:
        with engine.begin() as conn:
            raw.run(conn, "CREATE TABLE raw_u (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)")
            raw.run(conn, "INSERT INTO raw_u (id, v) VALUES (?, ?)", (1, "a"))
        with pytest.raises(IntegrityError) as caught, engine.begin() as conn:
            raw.run_many(conn, "INSERT INTO raw_u (id, v) VALUES (?, ?)", [(2, "b"), (3, "a")])
        assert "raw_u" in str(caught.value.orig)
        with pytest.raises(DBAPIError), engine.begin() as conn:  # OperationalError, ProgrammingError on PostgreSQL
            raw.rows(conn, "SELECT nothing FROM no_such_table")
        expected = ["INSERT INTO raw_u (id, v) VALUES (?, ?)", "SELECT nothing FROM no_such_table"]
        assert [s.replace("%s", "?") for s in seen] == expected  # psycopg's placeholders on PostgreSQL
        with engine.begin() as conn:  # the failed transaction was rolled back whole
            assert raw.rows(conn, "SELECT id, v FROM raw_u") == [(1, "a")]
    finally:
        engine.dispose()


def test_on_sqlite_it_runs_on_the_connections_own_sqlite3_connection(sqlite_url: str) -> None:
    engine = open_store(sqlite_url)
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _note(*args: object) -> None:
        statements.append(str(args[2]))

    try:
        with engine.begin() as conn:
            assert isinstance(conn.connection.driver_connection, sqlite3.Connection)
            assert raw.first(conn, "SELECT 41 + ?", (1,)) == (42,)
        assert not [s for s in statements if "41" in s]  # not through SQLAlchemy's execution
    finally:
        engine.dispose()
