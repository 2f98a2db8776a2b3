"""One store, two engines: which database a connection talks to, and the small differences in SQL.

Most SQL in the store is portable (SQLAlchemy Core, or plain SQL both engines read the same).
Where SQLite and PostgreSQL differ, the query asks this module instead of testing names itself:

- `is_postgres(bind)` / `is_sqlite(bind)` for a Session, Connection or Engine;
- `true(bind)` / `false(bind)`: a boolean literal (`1`/`0` on SQLite, where the partial
  indexes are declared with `= 1` and a query must repeat that text to use them;
  `true`/`false` on PostgreSQL, whose booleans are a type of their own);
- `byte_length(bind, column)`: a text's length in bytes (SQLite has no octet_length);
- `greatest(bind, a, b)`: the larger of two values (SQLite's two-argument max()).

Driver-level SQL (`exec_driver_sql`) is written once, in sqlite3's qmark style (`?`). On
PostgreSQL the engine's `before_cursor_execute` hook (`install_postgres_hooks`) rewrites it to
psycopg's format style, outside quoted literals, and doubles a literal `%`. The same hook
replaces NUL characters in text parameters by U+2400 (the picture of NUL, exactly what the
screens show for one): PostgreSQL text cannot hold NUL, and a hostile subject must not make
an import fail on one engine and pass on the other.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.engine.interfaces import DBAPICursor, ExecutionContext
    from sqlalchemy.orm import Session

NUL_MARK = "\u2400"
LOCK_TIMEOUT_MS = 10_000  # a writer waits this long for another's row lock (SQLite's busy timeout)

# A plain sqlite3 connection too: the inbox's first reads (store/plain_sql.py). SQLAlchemy is imported
# where a hook is installed or a statement built, not here: opening the TUI reads without it.
Bind: TypeAlias = "Session | Connection | Engine | sqlite3.Connection"
_ADVISORY = "SELECT pg_advisory_xact_lock(:key)"


def name(bind: Bind) -> str:
    """The dialect's name: 'sqlite' or 'postgresql'."""
    if isinstance(bind, sqlite3.Connection):
        return "sqlite"
    found = getattr(bind, "dialect", None)  # a Connection or an Engine
    if found is not None:
        return str(found.name)
    return str(bind.get_bind().dialect.name)  # type: ignore[union-attr]  # a Session


def is_sqlite(bind: Bind) -> bool:
    return name(bind) == "sqlite"


def is_postgres(bind: Bind) -> bool:
    return name(bind) == "postgresql"


def true(bind: Bind) -> str:
    return "1" if is_sqlite(bind) else "true"


def false(bind: Bind) -> str:
    return "0" if is_sqlite(bind) else "false"


def boolean_literal(value: bool, dialect_name: str) -> str:
    """`value` as SQL for the named dialect (for SQL built before a bind exists)."""
    if dialect_name == "sqlite":
        return "1" if value else "0"
    return "true" if value else "false"


def byte_length(bind: Bind, column: str) -> str:
    """SQL for COLUMN's length in bytes; on SQLite, unlike length(), it does not stop at a NUL."""
    return f"length(CAST({column} AS BLOB))" if is_sqlite(bind) else f"octet_length({column})"


def greatest(bind: Bind, a: str, b: str) -> str:
    return f"max({a}, {b})" if is_sqlite(bind) else f"GREATEST({a}, {b})"


# --- PostgreSQL: qmark driver SQL and NUL characters ------------------------------------------------


@lru_cache(maxsize=512)
def format_style(sql: str) -> str:
    """SQL in qmark style (`?`) as psycopg's format style (`%s`), `%` doubled; quoted text untouched."""
    out: list[str] = []
    quote = ""
    for ch in sql:
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = ""
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


def _clean(value: Any) -> Any:
    if value.__class__ is str and "\x00" in value:
        return value.replace("\x00", NUL_MARK)
    return value


def _clean_row(row: Any) -> Any:
    if isinstance(row, dict):
        if any(v.__class__ is str and "\x00" in v for v in row.values()):
            return {k: _clean(v) for k, v in row.items()}
        return row
    if isinstance(row, (tuple, list)):
        if any(v.__class__ is str and "\x00" in v for v in row):
            return type(row)(_clean(v) for v in row)
        return row
    return row


def clean_parameters(parameters: Any, executemany: bool) -> Any:
    """PARAMETERS with every NUL in a text value replaced by NUL_MARK (the same object when there is none)."""
    if not parameters:
        return parameters
    if executemany:
        rows = list(parameters)
        cleaned = [_clean_row(r) for r in rows]
        return cleaned if any(a is not b for a, b in zip(cleaned, rows)) else parameters
    return _clean_row(parameters)


def clean_row(row: Any) -> Any:
    """One row of values with NULs replaced (for COPY, which bypasses the engine's hook)."""
    return _clean_row(row)


def install_postgres_hooks(engine: Engine, *, read_only: bool) -> None:
    """Rewrite driver SQL for psycopg, keep NULs out of text, and set each connection's session defaults."""
    from sqlalchemy import event

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _rewrite(
        conn: Connection,
        cursor: DBAPICursor,
        statement: str,
        parameters: Any,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> tuple[str, Any]:
        if context is not None and getattr(context, "compiled", None) is None:
            statement = format_style(statement)
        return statement, clean_parameters(parameters, executemany)

    settings = [f"SET lock_timeout = {LOCK_TIMEOUT_MS}"]
    if read_only:
        settings.append("SET default_transaction_read_only = on")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            with dbapi_connection.cursor() as cursor:
                for statement in settings:
                    cursor.execute(statement)
        finally:
            dbapi_connection.autocommit = autocommit


# --- locks on PostgreSQL (SQLite's BEGIN IMMEDIATE already excludes every other writer) ------------

# Transaction-level advisory lock keys: one 64-bit number per kind of serialized work.
ARRIVALS_LOCK = 0x1A9_0001  # arrivals, imports, the generator: one at a time (the rotation turn, new buyers)


def serialize(bind: Connection | Session, key: int = ARRIVALS_LOCK) -> None:
    """Take a transaction-level advisory lock on PostgreSQL (released at commit or rollback); nothing on SQLite.

    Writers that allocate in order (the rotation turn, new buyers by e-mail, a bulk load's ids)
    run one at a time on every host, as they do on SQLite under its write lock; everything else
    (replies, triage, reassignments) runs side by side and meets on row locks and versions.
    """
    if is_postgres(bind):
        from sqlalchemy import text

        bind.execute(text(_ADVISORY), {"key": key})


def for_update(bind: Bind) -> str:
    """` FOR UPDATE` on PostgreSQL (lock the rows read, for a read-modify-write); nothing on SQLite."""
    return " FOR UPDATE" if is_postgres(bind) else ""
