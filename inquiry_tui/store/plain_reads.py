"""Read transactions on plain sqlite3 connections to a SQLite store: the read engine's, without SQLAlchemy.

Opening the TUI reads the acting account, the reader's zone and the inbox's first page through
these (`Ctx.read_plain`), so that SQLAlchemy, its engines and their events load in a worker after
the first page's frame instead of before it (docs/performance.md, "Start without SQLAlchemy,
session 10"). Each connection is what a read engine's is: opened the same way (store/sqlite_conn.py:
a store this OS user may only read opened read-only each time, a full disk's store read as the
file stands), with the same settings, each transaction a deferred BEGIN that never takes the
write lock. Errors are named as the engines' `handle_error` hook names them: a damaged store is
marked and refused (store/health.py), a read-only or full store said so; the others are
sqlite3's own (`Ctx`'s callers treat both kinds alike: services.context.store_errors).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from inquiry_tui.store import health
from inquiry_tui.store.checkpoint import MAX_WAL_BYTES
from inquiry_tui.store.sqlite_conn import configure, opener, room_again

KEEP = 5  # idle connections kept, as SQLAlchemy's pool keeps five


class PlainReads:
    """A pool of read-only-transaction sqlite3 connections to the store file PATH, shared by threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._open, self.unwritable = opener(path)
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One read transaction (deferred BEGIN, then COMMIT; ROLLBACK if the block raises) on a pooled connection."""
        conn = self._checkout()
        reusable = False
        try:
            conn.execute("BEGIN")
            try:
                yield conn
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                    reusable = True
                raise
            conn.execute("COMMIT")
            reusable = True
        except sqlite3.Error as exc:
            reusable = False
            self._raise_named(exc, conn)
        finally:
            if reusable:
                self._checkin(conn)
            else:
                conn.close()

    def close(self) -> None:
        """Close the idle connections; those in use close as their transactions end."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def _checkout(self) -> sqlite3.Connection:
        with self._lock:
            while self._idle:
                conn = self._idle.pop()
                if not room_again(conn, self.path):
                    return conn
                conn.close()  # read as the file stood on a full disk, and there is room again: open as usual
        try:
            conn = self._open()
        except sqlite3.Error as exc:
            self._raise_named(exc, None)
        try:
            configure(conn, wal_limit=MAX_WAL_BYTES, read_only=True)
        except sqlite3.Error as exc:
            conn.close()
            self._raise_named(exc, conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _checkin(self, conn: sqlite3.Connection) -> None:
        if self.unwritable is None:  # a store only readable is opened anew each time (read_only_uri)
            with self._lock:
                if not self._closed and len(self._idle) < KEEP:
                    self._idle.append(conn)
                    return
        conn.close()

    def _raise_named(self, error: sqlite3.Error, conn: sqlite3.Connection | None) -> NoReturn:
        """Raise ERROR as the engines' `handle_error` hook raises it (store/engine.py), or as it is."""
        if health.is_read_only_error(error):
            if self.unwritable is not None:
                raise health.StoreReadOnly(self.path, self.unwritable) from error
            if isinstance(conn, health.FullDiskConnection):
                raise health.StoreDiskFull(self.path, health.free_bytes(self.path) or 0) from error
        if health.is_corruption(error):
            detail = str(error).splitlines()[0][:200]
            health.mark_damaged(self.path, detail)
            raise health.StoreDamaged(self.path, detail) from error
        raise error
