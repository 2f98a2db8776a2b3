"""The file store's SQL: the lock that orders file writes and purges, rows nothing uses, known hashes, attachment rows.

Files are written into the file store while a stored_file row for them is being inserted, and
removed by a purge only for hashes with no row. Both happen inside a write transaction that
holds a lock: on SQLite the transaction's `BEGIN IMMEDIATE` (one writer at a time), on
PostgreSQL an advisory transaction lock, shared for writers and exclusive for the purge. So a
purge never removes a file that a transaction about to commit relies on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import BindParameter, Connection, bindparam, text

FILES_LOCK_KEY = 0x1F11E5  # the advisory lock of the file store (PostgreSQL)
_IN_BATCH = 500

_HASHES: BindParameter[list[str]] = bindparam("hashes", expanding=True)
_DELETE = text("DELETE FROM stored_file WHERE sha256 IN :hashes").bindparams(_HASHES)
_KNOWN = text("SELECT sha256 FROM stored_file WHERE sha256 IN :hashes").bindparams(_HASHES)
_UNUSED = text(
    "SELECT f.sha256 FROM stored_file f WHERE NOT EXISTS (SELECT 1 FROM attachment a WHERE a.sha256 = f.sha256) "
    "AND NOT EXISTS (SELECT 1 FROM disk_file d WHERE d.sha256 = f.sha256)"
)


def lock_files(conn: Connection, *, exclusive: bool) -> None:
    """Take the file store's lock for the rest of CONN's transaction (see the module docstring)."""
    if conn.dialect.name == "postgresql":
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        conn.execute(text(f"SELECT {function}(:key)"), {"key": FILES_LOCK_KEY})


def unused_hashes(conn: Connection) -> list[str]:
    """The stored files no attachment and no disk entry (trash included) names."""
    return [row[0] for row in conn.execute(_UNUSED)]


def delete_rows(conn: Connection, hashes: Sequence[str]) -> None:
    for start in range(0, len(hashes), _IN_BATCH):
        part = list(hashes[start : start + _IN_BATCH])
        conn.execute(_DELETE, {"hashes": part})


def known_hashes(conn: Connection, hashes: Iterable[str]) -> set[str]:
    """Which of HASHES have a stored_file row."""
    wanted = list(hashes)
    found: set[str] = set()
    for start in range(0, len(wanted), _IN_BATCH):
        part = wanted[start : start + _IN_BATCH]
        found.update(row[0] for row in conn.execute(_KNOWN, {"hashes": part}))
    return found
