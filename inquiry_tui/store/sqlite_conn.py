"""A SQLite store's connections as sqlite3 opens them: the settings every one carries, and how each is opened.

Both the engines (store/engine.py) and the plain read connections that open the TUI
(store/plain_reads.py) open their connections here, so they see the store alike: WAL, the busy
timeout, no automatic checkpoint, and the same fallbacks for a store this OS user may only read
and for a full disk. Every one is a `FallbackConnection` (store/hint_fallback.py): a statement
that names a missing index with `INDEXED BY` runs without the hint. Nothing here imports
SQLAlchemy: the inbox's first page is read without it (docs/performance.md, "Start without
SQLAlchemy, session 10").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from inquiry_tui.store import health
from inquiry_tui.store.hint_fallback import FallbackConnection

BUSY_TIMEOUT_MS = 10_000
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA cache_size=-32000",  # 32 MB page cache per connection
    "PRAGMA temp_store=MEMORY",
    # Checkpoints run off the writers' path (store/checkpoint.py). A write engine also sets
    # `journal_size_limit` (wal_size_limit there): the WAL file shrinks when it restarts.
    "PRAGMA wal_autocheckpoint=0",
)
# Browsing reads a few index and row pages per screen; the OS page cache holds the rest, and
# each of the UI's worker threads has its own connection, so a small cache keeps the TUI lean.
READ_CACHE_PRAGMA = (
    "PRAGMA cache_size=-2000"  # 2 MB: a scripted session at 100k ended 28 MB lower than with 8 MB (bench_session.py)
)


# SQLite's memory in the TUI's process, all connections together (`limit_heap`): past it, a connection
# reuses its own cache's pages instead of adding more. Some 8-9 connections (the plain reads', the
# read and write engines' pools, one per worker thread) held 15-18 MB of page cache at 1M without it.
TUI_HEAP_LIMIT = 8 * 1024 * 1024


def limit_heap(limit_bytes: int) -> int:
    """Make LIMIT_BYTES the soft limit of SQLite's memory in this process (every connection's); the limit now.

    SQLite's soft heap limit is one for the process: past it, a connection recycles the least recently
    used pages of its own cache rather than allocating more, so the caches stop growing and the reads
    beyond them come from the OS's page cache. Set on a throwaway in-memory connection (the pragma is
    the process's, not the connection's): the TUI's start opens no store connection just for this."""
    conn = sqlite3.connect(":memory:")
    try:
        return int(conn.execute(f"PRAGMA soft_heap_limit={int(limit_bytes)}").fetchone()[0])
    finally:
        conn.close()


def backend(url: str) -> str:
    """The backend a store URL names ('sqlite', 'postgresql', ...): what SQLAlchemy's `get_backend_name` says."""
    return url.split("://", 1)[0].split("+", 1)[0]


def plain_database(url: str) -> str | None:
    """The database of a plain SQLite URL (`sqlite:///PATH`, no query, credentials or escapes), else None.

    Other URLs are left to SQLAlchemy's parser (store.migrate.sqlite_path)."""
    _, sep, rest = url.partition("://")
    if not sep or backend(url) != "sqlite" or any(ch in url for ch in "?%@#"):
        return None
    if not rest.startswith("/"):  # a host part: not a plain file URL
        return None
    return rest[1:]


def opener(path: Path) -> tuple[Callable[[], sqlite3.Connection], str | None]:
    """How each connection to the store file PATH is opened, and why this OS user may only read it (or None).

    A store this OS user may only read is opened read-only, each connection anew (whether SQLite can share
    the WAL or must read the file as it is depends on whether another process has it open; read_only_uri)."""
    unwritable = health.unwritable_reason(path) if path.exists() else None
    if unwritable is not None:
        store = path

        def _open() -> sqlite3.Connection:
            uri = health.read_only_uri(store)
            return sqlite3.connect(
                uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000, factory=FallbackConnection
            )

        return _open, unwritable
    store_file = path

    def _open_or_read() -> sqlite3.Connection:
        # Reading the schema opens the WAL's index; on a full disk there may be no room to make it, and
        # the store is then read as the file stands (health.full_disk_read_uri), writes refused.
        conn = sqlite3.connect(
            str(store_file), check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000, factory=FallbackConnection
        )
        try:
            conn.execute("PRAGMA schema_version").fetchone()
            return conn
        except sqlite3.OperationalError as exc:
            conn.close()
            uri = health.full_disk_read_uri(store_file, exc)
            if uri is None:
                raise
        reading = sqlite3.connect(
            uri,
            uri=True,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
            factory=health.FullDiskConnection,
        )
        reading.free_then = health.free_bytes(store_file) or 0
        return reading

    return _open_or_read, None


def room_again(conn: sqlite3.Connection, path: Path) -> bool:
    """Whether CONN reads a full disk's store as the file stood and the disk has room again (open anew then)."""
    if not isinstance(conn, health.FullDiskConnection):
        return False
    free = health.free_bytes(path)
    return free is not None and free > conn.free_then + health.ROOM_AGAIN


def configure(conn: sqlite3.Connection, *, wal_limit: int, read_only: bool) -> int:
    """The store's settings on a new connection (transactions left to the caller: no implicit BEGIN); its busy ms."""
    conn.isolation_level = None
    cursor = conn.cursor()
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.execute(f"PRAGMA journal_size_limit={wal_limit}")
    if read_only:
        cursor.execute(READ_CACHE_PRAGMA)
    busy = int(cursor.execute("PRAGMA busy_timeout").fetchone()[0])
    cursor.close()
    return busy
