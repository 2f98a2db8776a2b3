"""The search index of a big SQLite load built beside it: FTS5 in a database of its own, on a thread, copied in.

FTS5 spends most of a load's search index in its tokenizer (the prefix index tokenizes every
document twice), and the loading connection cannot hand that to another core: it is busy
writing the rows, and one connection runs one statement at a time. `Scratch.open` gives
a place for a scratch database next to the store (with the store's own CREATE statement of the
FTS5 table); `SideSearch` opens a second sqlite3 connection there, creates the same table and
inserts the documents it is handed (`add`) on a thread of its own: sqlite3 lets go of the GIL
while FTS5 tokenizes, so the index is built on the other core while the loader writes its rows
and creates its indexes. The place is plain data: the generator builds the side index in the
process that builds the rows (services/setup/producer.py), so the documents never cross.
`Scratch.copy_in` then attaches the scratch database to the loading connection and copies its
shadow tables (the segments, their term index, the documents and their sizes) into the store's
with INSERT ... SELECT, in the loader's transaction: the store ends with the index FTS5 built
of those documents, all or nothing with the rows.

Only for a store whose search index is empty (`usable`): the shadow tables are replaced
whole, the store's FTS5 configuration (`inquiry_fts_config`) is kept. The loading connection
is closed when it goes back to the engine's pool (a checkin hook that `scratch` holds for the
load): SQLite refuses to detach a database read in the open transaction, and that connection's
FTS5 may still hold the empty index's structure (it reads it again only after another
connection's write). The scratch databases are removed when `scratch`'s block ends, whatever happened.
"""

from __future__ import annotations

import queue
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event

from inquiry_tui.store import dialect, raw

TABLE = "inquiry_fts"
# The shadow tables `copy_in` writes (FTS5's own names); `_config` stays the store's.
SHADOWS = ("data", "idx", "docsize", "content")
HASH_BYTES = 64 * 1024 * 1024  # FTS5 'hashsize' on the scratch table: fewer, larger segments (index_build.py)
SCRATCH_CACHE_KIB = 64 * 1024  # the scratch connection's page cache while it indexes
SCHEMA = "inquiry_tui_side_search"  # the scratch database's name on the store connection while copying
_DOCS_SQL = f"INSERT INTO {TABLE} (rowid, subject, body, company) VALUES (?, ?, ?, ?)"
Doc = tuple[int, str, str, str]  # (inquiry id, subject, bodies but auto-replies joined by newlines, company)


def usable(conn: Connection) -> bool:
    """Whether CONN's store can take a side-built search index: SQLite, a file, and no document indexed yet."""
    if not dialect.is_sqlite(conn):
        return False
    found = raw.first(conn, "SELECT file FROM pragma_database_list WHERE name = 'main'")
    if not found or not found[0]:
        return False
    return raw.first(conn, f"SELECT 1 FROM {TABLE}_docsize LIMIT 1") is None


@dataclass(frozen=True)
class Place:
    """Where a side index is built and how its table is made: picklable, so another process can build it."""

    path: Path
    create: str  # the store's CREATE statement of the FTS5 table


class SideSearch:
    """A scratch FTS5 table like the store's at PLACE, filled on a thread from the documents `add` is given."""

    def __init__(self, place: Place) -> None:
        self.path = place.path
        self._side = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            self._side.execute("PRAGMA journal_mode = OFF")  # scratch: nothing to recover, removed after
            self._side.execute("PRAGMA synchronous = OFF")
            self._side.execute(f"PRAGMA cache_size = {-SCRATCH_CACHE_KIB}")
            self._side.execute(place.create)
            self._side.execute(f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('hashsize', ?)", (HASH_BYTES,))
            self._side.execute("BEGIN")
        except BaseException:
            self._side.close()
            raise
        self._docs: queue.Queue[list[Doc] | None] = queue.Queue()
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._index, name="side-search", daemon=True)
        self._thread.start()

    def _index(self) -> None:
        """The thread: index every list of documents handed over until None, then commit the scratch table."""
        while (docs := self._docs.get()) is not None:
            if self._failed is None:
                try:
                    self._side.executemany(_DOCS_SQL, docs)
                except BaseException as exc:  # handed to the loader by finish
                    self._failed = exc
        if self._failed is None:
            try:
                self._side.execute("COMMIT")
            except BaseException as exc:
                self._failed = exc

    def add(self, docs: list[Doc]) -> None:
        """Index DOCS (rowids ascending, none indexed before) on the thread; returns at once."""
        self._docs.put(docs)

    def finish(self) -> None:
        """Wait for the thread to index what it was given; raise what it failed with."""
        if self._thread.is_alive():
            self._docs.put(None)
            self._thread.join()
        if self._failed is not None:
            raise self._failed

    def close(self) -> None:
        """Stop the thread (documents it has not indexed yet are dropped) and close the scratch connection."""
        if self._thread.is_alive():
            self._failed = self._failed or RuntimeError("abandoned")
            self._docs.put(None)
            self._thread.join()
        self._side.close()


class Scratch:
    """The places of one load's side indexes (`open`), their scratch databases, and the store connections they
    are attached to until the load's transaction has ended (SQLite refuses to detach a database read in an
    open transaction: `let_go` closes the connection when it goes back to the engine's pool)."""

    def __init__(self) -> None:
        self._dirs: list[Path] = []
        self._attached: list[Any] = []  # DBAPI connections with SCHEMA attached

    def open(self, conn: Connection) -> Place | None:
        """A place for CONN's side index (`SideSearch`, in this process or another), or None when the store cannot
        take one (`usable`) or CONN's transaction is nested in another (its connection would stay attached after
        the load)."""
        if not usable(conn) or conn.in_nested_transaction():
            return None
        found = raw.first(conn, "SELECT file FROM pragma_database_list WHERE name = 'main'")
        create = raw.first(conn, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,))
        if not found or not found[0] or create is None:
            raise LookupError("no store file or no search table to build beside")
        scratch_dir = Path(tempfile.mkdtemp(prefix=".search-build-", dir=Path(str(found[0])).parent))
        self._dirs.append(scratch_dir)
        return Place(scratch_dir / "search.db", str(create[0]))

    def copy_in(self, conn: Connection, place: Place) -> None:
        """Replace the store's (empty) search index by the finished side index at PLACE, in CONN's transaction."""
        dbapi = conn.connection.dbapi_connection
        raw.run(conn, f"ATTACH DATABASE ? AS {SCHEMA}", (str(place.path),))
        self._attached.append(dbapi)
        for shadow in SHADOWS:
            name = f"{TABLE}_{shadow}"
            listed = ", ".join(str(r[1]) for r in raw.rows(conn, f"PRAGMA main.table_info({name})"))
            raw.run(conn, f"DELETE FROM main.{name}")  # the empty index's own records (its structure, averages)
            raw.run(conn, f"INSERT INTO main.{name} ({listed}) SELECT {listed} FROM {SCHEMA}.{name}")

    def let_go(self, dbapi_connection: Any, record: Any) -> None:
        """The pool's checkin hook: a connection back from a load that copied a side index in is closed (the
        pool opens a new one when next asked). It still has the scratch database attached, and its FTS5
        may hold the structure of the empty index it read before: FTS5 reads it again only when another
        connection has written, and this one wrote the shadow tables under it."""
        if any(dbapi_connection is c for c in self._attached):
            self._attached = [c for c in self._attached if c is not dbapi_connection]
            record.invalidate()

    def close(self) -> None:
        """Remove every side index's scratch database (its builder has been stopped: `SideSearch.close`)."""
        for scratch_dir in self._dirs:
            shutil.rmtree(scratch_dir, ignore_errors=True)


@contextmanager
def scratch(engine: Engine) -> Iterator[Scratch]:
    """A `Scratch` for a load in a transaction begun inside this block on ENGINE; the connection that copied a
    side index in is closed when it goes back to the pool, the scratch databases removed when the block ends."""
    held = Scratch()
    event.listen(engine, "checkin", held.let_go)
    try:
        yield held
    finally:
        event.remove(engine, "checkin", held.let_go)
        held.close()
