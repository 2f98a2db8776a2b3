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
from collections.abc import Iterable
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


class FallbackCursor(sqlite3.Cursor):
    """A cursor whose `execute`/`executemany` run again without a hint naming a missing index (once per hint)."""

    def execute(self, sql: str, parameters: Any = (), /) -> FallbackCursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.OperationalError as exc:
            bare = unhinted(sql, exc)
            if bare is None:
                raise
        return self.execute(bare, parameters)  # each retry drops a hint: it ends

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> FallbackCursor:
        try:
            return super().executemany(sql, seq_of_parameters)
        except sqlite3.OperationalError as exc:
            bare = unhinted(sql, exc)
            if bare is None:
                raise
        # Refused while preparing, before the first row is taken: an iterator's rows are all still there.
        return self.executemany(bare, seq_of_parameters)


class FallbackConnection(sqlite3.Connection):
    """The app's SQLite connection (`factory=` of sqlite3.connect): its cursors are `FallbackCursor`s."""

    def cursor(self, factory: Any = FallbackCursor) -> Any:
        return super().cursor(factory)

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        try:
            return super().execute(sql, parameters)
        except sqlite3.OperationalError as exc:
            if unhinted(sql, exc) is None:
                raise
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> Any:
        return self.cursor().executemany(sql, seq_of_parameters)
