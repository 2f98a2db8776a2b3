"""Engine factory: SQLite pragmas and BEGIN IMMEDIATE, or PostgreSQL through psycopg 3.

SQLite: several processes (SSH users) share one file, so every connection runs in WAL mode
with a generous busy timeout, and every write transaction takes the write lock up front
(`BEGIN IMMEDIATE`, SQLAlchemy's documented pysqlite recipe): a read-then-write transaction
can then never fail half-way with SQLITE_BUSY on lock upgrade. SQLite's automatic checkpoint is
off on every connection: a write engine's `Checkpointer` (store/checkpoint.py) moves the WAL
into the database file from a background thread, so no write waits for a checkpoint. Each SQLite
connection is opened and set up in store/sqlite_conn.py, as the plain read connections that open
the TUI (store/plain_reads.py) are.

PostgreSQL: writers run at READ COMMITTED and meet each other on row locks and the version
columns; the read engine runs read-only REPEATABLE READ transactions, so a screen's reads
come from one snapshot as they do on SQLite. Driver-level SQL (`exec_driver_sql`) is written
in sqlite3's qmark style everywhere; on PostgreSQL `store.dialect` rewrites it for psycopg,
and text parameters lose NUL characters, which PostgreSQL text cannot hold (see docs/store.md).
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, NullPool

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.filenames import user_path
from inquiry_tui.store import dialect, health, raw, write_gate
from inquiry_tui.store.checkpoint import DEFAULT_THRESHOLD, MAX_WAL_BYTES, Checkpointer, wal_size_limit
from inquiry_tui.store.hint_fallback import FallbackConnection
from inquiry_tui.store.sqlite_conn import BUSY_TIMEOUT_MS, configure, opener, room_again

POSTGRES_EXTRA = "inquiry-tui[postgres]"


class DriverMissing(InquiryError):
    """The URL names a database whose driver is not installed."""


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def _postgres_url(url: str) -> str:
    """URL with the psycopg 3 driver (a bare postgresql:// would ask SQLAlchemy for psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername == "postgresql+psycopg":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise DriverMissing(f"PostgreSQL needs the psycopg driver: pip install '{POSTGRES_EXTRA}'") from None
    return parsed.render_as_string(hide_password=False)


_CHECKPOINTERS: weakref.WeakKeyDictionary[Engine, Checkpointer] = weakref.WeakKeyDictionary()
_GATED: weakref.WeakKeyDictionary[Engine, Path] = weakref.WeakKeyDictionary()  # write engines and their store file
_BUSY_MS = "inquiry_tui_busy_ms"  # connection-record setting: this connection's busy timeout for now (write_if_free)
_USUAL_BUSY_MS = "inquiry_tui_usual_busy_ms"  # and its usual one, as the pragmas set it
_WROTE = "inquiry_tui_wrote"  # connection-record flag: a transaction committed since the last check-in


def checkpointer(engine: Engine) -> Checkpointer | None:
    """The background checkpointer of a SQLite write engine (None for other engines)."""
    return _CHECKPOINTERS.get(engine)


def make_engine(url: str, *, read_only: bool = False, checkpoint_bytes: int = DEFAULT_THRESHOLD) -> Engine:
    """An engine whose every connection carries the store's settings.

    Read-only engines (used by the UI for browsing) begin with a plain deferred BEGIN (SQLite)
    or a read-only REPEATABLE READ transaction (PostgreSQL), so scrolling never takes a write lock.
    A SQLite write engine checkpoints its WAL from a background thread once it passes
    CHECKPOINT_BYTES (store/checkpoint.py), and once more when it is disposed.
    """
    if not is_sqlite(url):
        return _make_server_engine(url, read_only=read_only)
    parsed = make_url(url)
    path: Path | None = None
    if parsed.database and parsed.database != ":memory:":
        path = user_path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
    unwritable: str | None = None
    if path is not None:
        store_file = path
        open_connection, unwritable = opener(path)
        if unwritable is not None:
            engine = create_engine(url, creator=open_connection, poolclass=NullPool)
            health.opened_read_only(engine)
        else:
            engine = create_engine(url, creator=open_connection)

            @event.listens_for(engine, "checkout")
            def _on_checkout(dbapi_connection: Any, _record: object, _proxy: object) -> None:
                if room_again(dbapi_connection, store_file):
                    raise DisconnectionError("room on the disk again: open the store as usual")  # the pool opens anew
    else:
        engine = create_engine(
            url,
            connect_args={
                "check_same_thread": False,
                "timeout": BUSY_TIMEOUT_MS / 1000,
                "factory": FallbackConnection,  # as the file stores' (store/hint_fallback.py)
            },
        )

    # The WAL file shrinks to this when a writer restarts it: below the checkpoint threshold, so
    # its size tells how much the WAL holds (store/checkpoint.py). Readers write no WAL.
    wal_limit = MAX_WAL_BYTES if read_only else wal_size_limit(checkpoint_bytes)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's own transaction handling is off).
        record.info[_USUAL_BUSY_MS] = configure(dbapi_connection, wal_limit=wal_limit, read_only=read_only)

    # A read-only store's writes fail at their first write statement (refused below), not at BEGIN: a
    # service may read in its write transaction before it decides there is anything to write.
    begin = "BEGIN" if read_only or unwritable is not None else "BEGIN IMMEDIATE"

    gated = path if path is not None and begin == "BEGIN IMMEDIATE" else None
    if gated is not None:
        _GATED[engine] = gated

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if path is not None and not read_only:
            health.may_write(conn.engine, path)  # a store found damaged (by any process) is never written again
        fd = write_gate.thread_gate(gated) if gated is not None else None
        if fd is None:
            raw.begin(conn, begin)  # every transaction's: the DBAPI cursor (store.raw)
            return
        # Tries for the write lock at an even pace, a big import giving way meanwhile (store/write_gate.py);
        # at the end of the busy timeout, SQLite's own last try raises the usual "database is locked".
        info = conn.connection.info
        busy_ms: int = info.get(_BUSY_MS) or info.get(_USUAL_BUSY_MS) or BUSY_TIMEOUT_MS
        driver = conn.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        write_gate.waiting(fd)
        driver.execute("PRAGMA busy_timeout = 0")
        try:
            if not write_gate.take_write_lock(driver, seconds=busy_ms / 1000):
                raw.begin(conn, begin)  # the last try: fails at once, with SQLite's own "database is locked"
        finally:
            driver.execute(f"PRAGMA busy_timeout = {busy_ms}")
            write_gate.done_waiting(fd)

    if path is not None:
        damaged_path = path

        @event.listens_for(engine, "handle_error")
        def _on_error(context: ExceptionContext) -> None:
            if health.is_read_only_error(context.original_exception):
                if unwritable is not None:
                    raise health.StoreReadOnly(damaged_path, unwritable) from context.original_exception
                if isinstance(
                    _dbapi_of(context), health.FullDiskConnection
                ):  # read as the file stands, for want of room
                    free = health.free_bytes(damaged_path)
                    raise health.StoreDiskFull(damaged_path, free or 0) from context.original_exception
            if health.is_corruption(context.original_exception):
                detail = str(context.original_exception).splitlines()[0][:200]
                health.mark_damaged(damaged_path, detail)
                raise health.StoreDamaged(damaged_path, detail) from context.original_exception

    if not read_only and unwritable is None and parsed.database and parsed.database != ":memory:":
        _add_checkpointer(engine, str(user_path(parsed.database)), checkpoint_bytes)
    return engine


def _dbapi_of(context: ExceptionContext) -> Any:
    """The driver connection an error came from, if it can be told."""
    try:
        return context.connection.connection.dbapi_connection if context.connection is not None else None
    except Exception:  # an invalidated or closed connection
        return None


def yield_to_writers(engine: Engine) -> float:
    """Before a big import's next transaction: wait while other connections wait for the write lock; seconds waited.

    SQLite write engines only (store/write_gate.py); elsewhere it returns at once.
    """
    store = _GATED.get(engine)
    if store is None:
        return 0.0
    fd = write_gate.open_gate(store)
    if fd is None:
        return 0.0
    try:
        return write_gate.yield_to_writers(fd)
    finally:
        write_gate.close_gate(fd)


def _add_checkpointer(engine: Engine, path: str, threshold: int) -> None:
    worker = _CHECKPOINTERS[engine] = Checkpointer(path, threshold=threshold, busy_timeout_ms=BUSY_TIMEOUT_MS)

    @event.listens_for(engine, "commit")
    def _on_commit(conn: Connection) -> None:
        conn.connection.info[_WROTE] = True

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi: object, record: Any) -> None:
        # After the commit, outside every transaction: a stat here; the checkpoint runs on the thread (but for
        # the short one that lets a long WAL restart under back-to-back writes: store/checkpoint.py).
        if record is not None and record.info.pop(_WROTE, False):
            worker.after_commit(_dbapi if isinstance(_dbapi, sqlite3.Connection) else None)

    @event.listens_for(engine, "engine_disposed")
    def _on_dispose(_engine: Engine) -> None:
        worker.close()  # the engine stays usable after dispose(); so does its checkpointer


def _make_server_engine(url: str, *, read_only: bool) -> Engine:
    if is_postgres(url):
        url = _postgres_url(url)
    try:
        engine = create_engine(
            url,
            pool_pre_ping=True,
            isolation_level="REPEATABLE READ" if read_only else "READ COMMITTED",
        )
    except ImportError as exc:  # another server's driver (mysql, ...): name what is missing
        raise DriverMissing(f"no driver for {make_url(url).drivername}: {exc}") from None
    if engine.dialect.name == "postgresql":
        dialect.install_postgres_hooks(engine, read_only=read_only)
    return engine


_HELD = threading.local()  # engines whose cache writes wait, in this thread (hold_cache_writes)


@contextmanager
def hold_cache_writes(engine: Engine) -> Iterator[None]:
    """While this thread runs one long transaction on ENGINE (Ctx.one_transaction), `write_if_free` skips:
    a cache computed from that transaction's rows must not be kept by another connection beside it (on
    PostgreSQL it would outlive a rollback; on SQLite it would only wait for the transaction's own lock)."""
    held: set[int] = _HELD.__dict__.setdefault("engines", set())
    added = id(engine) not in held
    held.add(id(engine))
    try:
        yield
    finally:
        if added:
            held.discard(id(engine))


def write_if_free(engine: Engine, work: Callable[[Connection], bool], *, busy_ms: int = 100) -> bool:
    """Run WORK in a write transaction if the store lets it write within BUSY_MS; whether it committed.

    For caches kept in the store: a reader that computed something worth keeping writes it if
    it can, and never waits behind a long import. WORK gets the connection (driver SQL in
    qmark style) and returns False to roll back. On SQLite the wait is for the write lock; on
    PostgreSQL for any row lock WORK needs (`lock_timeout`). A busy or read-only store rolls
    back and returns False, and so does a thread holding cache writes (hold_cache_writes).
    """
    if id(engine) in _HELD.__dict__.get("engines", ()):
        return False
    if engine.dialect.name != "sqlite":
        return _write_if_free_server(engine, work, busy_ms)
    if health.is_read_only_store(engine):
        return False
    with engine.connect() as conn:
        raw = conn.connection.driver_connection  # pragmas outside a transaction: no BEGIN IMMEDIATE for them
        assert isinstance(raw, sqlite3.Connection)
        raw.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        conn.connection.info[_BUSY_MS] = int(busy_ms)
        try:
            with conn.begin() as tx:
                if not work(conn):
                    tx.rollback()
                    return False
            return True
        except (DBAPIError, health.StoreDiskFull):  # busy, or a full disk's store read as the file stands
            return False
        finally:
            raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.connection.info.pop(_BUSY_MS, None)


def _write_if_free_server(engine: Engine, work: Callable[[Connection], bool], busy_ms: int) -> bool:
    try:
        with engine.connect() as conn, conn.begin() as tx:
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(busy_ms)}ms'")
            if not work(conn):
                tx.rollback()
                return False
        return True
    except DBAPIError:
        return False
