"""Driver SQL on the hot write paths: through the DBAPI cursor on SQLite, through SQLAlchemy elsewhere.

`Connection.exec_driver_sql` spends about 35 microseconds of Python on each statement (events,
cursor wrapping, result metadata) around SQLite's own 3 or 4; a Core statement about 45. One
arrival runs some twenty-five statements, so that was a quarter of its CPU. These functions take
what `exec_driver_sql` takes (qmark SQL, a tuple of parameters or a list of them; in SQL only
SQLite reads, a mapping for its `:name` parameters) and on SQLite
run it on the connection's own sqlite3 connection, in the transaction SQLAlchemy began there
(the app's SQLite connections leave transactions to SQLAlchemy: store/engine.py). Rows come back
as plain tuples and times as the stored text (`types.as_utc` reads them); parameters are bound
as sqlite3 binds them, which is what `exec_driver_sql` does too (pass times as `types.db_text`).

Errors go through SQLAlchemy's own handling (`Connection._handle_dbapi_exception`, what every
statement's error goes through), so callers see the same exceptions (`IntegrityError`, ...),
and the engine's `handle_error` hooks run: a damaged store is marked and a read-only one named
(store/health.py). A connection with no transaction begun, and every other engine, take
`exec_driver_sql` itself (PostgreSQL's hooks rewrite the qmark SQL: store/dialect.py).

Statements run this way are not seen by `before_cursor_execute` listeners; keep these
functions to the write paths that run for every arrival.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection

Params = Sequence[Any] | Mapping[str, Any]  # a mapping for SQLite's :name parameters (SQLite-only SQL)


def _driver(params: Params) -> Any:
    return params if isinstance(params, Mapping) else tuple(params)


def _sqlite(conn: Connection) -> sqlite3.Connection | None:
    """The sqlite3 connection under CONN if it is SQLite and in a transaction, else None (use SQLAlchemy)."""
    if conn.dialect.name != "sqlite" or not conn.in_transaction():
        return None
    raw = conn.connection.driver_connection
    return raw if isinstance(raw, sqlite3.Connection) else None


def rows(conn: Connection, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
    """Every row of a query."""
    raw = _sqlite(conn)
    if raw is None:
        return [tuple(r) for r in conn.exec_driver_sql(sql, _driver(params))]
    try:
        return raw.execute(sql, params).fetchall()
    except sqlite3.Error as exc:
        conn._handle_dbapi_exception(exc, sql, params, None, None)


def first(conn: Connection, sql: str, params: Params = ()) -> tuple[Any, ...] | None:
    """The first row of a query, or None."""
    raw = _sqlite(conn)
    if raw is None:
        row = conn.exec_driver_sql(sql, _driver(params)).first()
        return None if row is None else tuple(row)
    try:
        found: tuple[Any, ...] | None = raw.execute(sql, params).fetchone()
        return found
    except sqlite3.Error as exc:
        conn._handle_dbapi_exception(exc, sql, params, None, None)


def run(conn: Connection, sql: str, params: Params = ()) -> int:
    """One statement that returns no rows; how many rows it changed."""
    raw = _sqlite(conn)
    if raw is None:
        return int(conn.exec_driver_sql(sql, _driver(params)).rowcount)
    try:
        return int(raw.execute(sql, params).rowcount)
    except sqlite3.Error as exc:
        conn._handle_dbapi_exception(exc, sql, params, None, None)


def run_many(conn: Connection, sql: str, seq: Sequence[Sequence[Any]]) -> None:
    """One statement for each parameter tuple of SEQ (executemany)."""
    raw = _sqlite(conn)
    if raw is None:
        conn.exec_driver_sql(sql, list(seq))
        return
    try:
        raw.executemany(sql, seq)
    except sqlite3.Error as exc:
        conn._handle_dbapi_exception(exc, sql, seq, None, None)


def begin(conn: Connection, statement: str) -> None:
    """STATEMENT (SQLite's BEGIN, BEGIN IMMEDIATE) from the engine's `begin` event, when SQLAlchemy has no
    transaction yet (store/engine.py): on the DBAPI connection, errors as any statement's."""
    dbapi = conn.connection.driver_connection
    if not isinstance(dbapi, sqlite3.Connection):
        conn.exec_driver_sql(statement)
        return
    try:
        dbapi.execute(statement)
    except sqlite3.Error as exc:
        conn._handle_dbapi_exception(exc, statement, (), None, None)
