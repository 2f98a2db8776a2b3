"""Plain SQL with `:name` parameters on either kind of connection: a sqlite3 one, or SQLAlchemy's.

The reads on the way to the inbox's first page (the reader's zone, the list's page and counts:
services/team/zone.py, services/inbox/listing.py, store/queries/inbox.py) run on a plain sqlite3
connection on SQLite (store/plain_reads.py), so that opening the TUI never imports SQLAlchemy;
elsewhere (PostgreSQL, a transaction joined by `Ctx.one_transaction`, a service's own session)
they run on a SQLAlchemy Connection or Session, the SQL as `text()`. Rows come back as
sequences read by position either way: sqlite3's tuples, SQLAlchemy's rows. SQLAlchemy is
imported here only for a SQLAlchemy connection, which has imported it already.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from sqlalchemy import Connection, TextClause
    from sqlmodel import Session

Reader: TypeAlias = "sqlite3.Connection | Connection | Session"
Params = Mapping[str, Any]


@lru_cache(maxsize=512)
def _text(sql: str) -> TextClause:
    from sqlalchemy import text

    return text(sql)


def rows(conn: Reader, sql: str, params: Params | None = None) -> list[Sequence[Any]]:
    """Every row of SQL."""
    if isinstance(conn, sqlite3.Connection):
        return conn.execute(sql, params or {}).fetchall()
    return list(conn.execute(_text(sql), params or {}))


def first(conn: Reader, sql: str, params: Params | None = None) -> Sequence[Any] | None:
    """The first row of SQL, or None."""
    if isinstance(conn, sqlite3.Connection):
        found: Sequence[Any] | None = conn.execute(sql, params or {}).fetchone()
        return found
    return conn.execute(_text(sql), params or {}).first()


def scalar(conn: Reader, sql: str, params: Params | None = None) -> Any:
    """The first column of SQL's first row, or None when there is no row."""
    row = first(conn, sql, params)
    return None if row is None else row[0]


def scalars(conn: Reader, sql: str, params: Params | None = None) -> list[Any]:
    """The first column of every row of SQL."""
    return [r[0] for r in rows(conn, sql, params)]


def listed(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """An `IN` list of VALUES as `:name0, :name1, ...` and its parameters (`NULL` for none: it matches no row).

    For `WHERE x IN ({marks})` on either kind of connection, where SQLAlchemy would use an expanding bind."""
    params = {f"{name}{i}": value for i, value in enumerate(values)}
    return ", ".join(f":{key}" for key in params) or "NULL", params
