"""SQLite connections whose statements run again without an `INDEXED BY` hint that names a missing index.

Reads that must walk one index name it (`INDEXED BY`: the inbox's views, escalation, capacity;
grep INDEXED BY), and SQLite refuses such a statement outright ("no such index: X") while the index
is missing. A big import sets the thread tables' secondary indexes aside while it publishes
(services/arrivals/publishing.py), so a colleague's read meanwhile would fail. The hint is pure
syntax: without it the statement means the same and SQLite plans it with what is there (slower
while the index is aside, the same rows). Every SQLite connection the app opens is a
`FallbackConnection` (store/sqlite_conn.py: the engines' and the plain read connections alike),
so this one place covers every path: `Connection.execute`, and SQLAlchemy's cursors.

Nothing else is retried: another error, or "no such index" for a statement that does not hint
that index (a `DROP INDEX` of a missing one), is raised as it came. A refused statement did
nothing (SQLite refuses it while preparing), so running it again inside a transaction is safe.
Nothing here imports SQLAlchemy (the TUI's first reads run without it).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

_MISSING = "no such index: "


def unhinted(sql: str, error: sqlite3.OperationalError) -> str | None:
    """SQL without its `INDEXED BY` hint of the index ERROR says is missing, or None if ERROR is not that."""
    message = str(error)
    if not message.startswith(_MISSING):
        return None
    name = re.escape(message[len(_MISSING) :])
    hint = re.compile(rf'\s+INDEXED\s+BY\s+(?:"{name}"|{name}(?!\w))', re.IGNORECASE)
    bare, found = hint.subn("", sql)
    return bare if found else None


def _without_missing_hints(run: Callable[[str, Any], Any], sql: str, parameters: Any) -> Any:
    """RUN(SQL, PARAMETERS); refused for a hint naming a missing index, RUN again without that hint (once per hint).

    SQLite refuses the statement while preparing it, before it takes a row: an iterator of executemany's rows
    is still whole for the next try."""
    while True:
        try:
            return run(sql, parameters)
        except sqlite3.OperationalError as exc:
            bare = unhinted(sql, exc)
            if bare is None:
                raise
            sql = bare  # each try drops a hint: it ends


class FallbackCursor(sqlite3.Cursor):
    """A cursor whose `execute`/`executemany` run again without a hint naming a missing index (once per hint)."""

    def execute(self, sql: str, parameters: Any = (), /) -> FallbackCursor:
        return _without_missing_hints(super().execute, sql, parameters)  # type: ignore[no-any-return]

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> FallbackCursor:
        return _without_missing_hints(super().executemany, sql, seq_of_parameters)  # type: ignore[no-any-return]


class FallbackConnection(sqlite3.Connection):
    """The app's SQLite connection (`factory=` of sqlite3.connect): its cursors are `FallbackCursor`s, and its
    own `execute`/`executemany` (which would run SQLite's C cursor methods directly) go through one."""

    def cursor(self, factory: Any = FallbackCursor) -> Any:
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> Any:
        return self.cursor().executemany(sql, seq_of_parameters)
