"""A big import that never keeps other sessions waiting: checked first, then published in short transactions.

One transaction for a whole 100k-inquiry file held SQLite's write lock for the whole import,
so a colleague's reply or reassignment waited behind it and failed after the busy timeout.
Here an import file goes in two steps (docs/store.md, "Imports"):

1. **Check**, holding no lock: every record is read and validated, its SKU and external id
   checked against the store and the rest of the file, and kept in a spool file (bounded
   memory). A bad line fails here, before anything is written, with the same one-line errors.
2. **Publish** in transactions of a few hundred arrivals, each short (the size adapts to keep
   each under TARGET_SECONDS). Before each, the import gives way to every colleague waiting for
   the write lock (SQLite: store/write_gate.py), so a colleague waits at most for the one
   transaction under way. Each transaction records the ids it wrote in the import journal
   (store/journal.py). While one builds its search index and commits, a helper thread reads the
   next items back from the spool (services/arrivals/read_ahead.py). What each arrival's text
   states and its junk verdict are read by worker processes a few spool chunks ahead
   (services/arrivals/text_readers.py): neither can fail a line, so they need not hold up the check.
   The last one writes the buyers' final state, the notices, the audit row and ends the run.

All or nothing holds at the end: a failure while publishing undoes every published
transaction, and an import whose process died is undone by the next process that opens the
store (`recover`). While it runs, colleagues see its threads arrive, as they see mail arrive.
A file that fits in one transaction is imported in one, as before.
"""

from __future__ import annotations

import gc
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.allocation.supervision import sweep
from inquiry_tui.services.arrivals import text_readers
from inquiry_tui.services.arrivals.checking import Packed, flat, unflat
from inquiry_tui.services.arrivals.pipeline import ArrivalReport, Item, Pipeline, pre_read_terms
from inquiry_tui.services.arrivals.read_ahead import ReadAhead
from inquiry_tui.services.arrivals.recovery import undo
from inquiry_tui.services.arrivals.text_readers import TextReaders
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.records.errors import FileFormatError
from inquiry_tui.store import bulk, dialect, index_build, journal
from inquiry_tui.store.engine import yield_to_writers

FIRST_CHUNK = 500  # arrivals in the first published transaction; later ones adapt
MIN_CHUNK, MAX_CHUNK = 50, 5_000
TARGET_SECONDS = 0.25  # each transaction holds the write lock about this long
IMPORT_CACHE_KIB = 262_144
DEFAULT_CACHE_KIB = 32_000


def _published(seq: int) -> None:
    """Called after each published transaction commits (the tests kill the process or fail here)."""


on_published: Callable[[int], None] = _published


def _put_one_back(left: int) -> None:
    """Called after each transaction that put back a set-aside index, with how many are left (tests kill here)."""


on_put_back: Callable[[int], None] = _put_one_back
_LENGTH = 8  # bytes of the length before each chunk in the spool


class _Recording(bulk.IdPool):
    """An IdPool that remembers the ids it handed out (the journal's record of a chunk).

    SQLite's pool hands out consecutive ids from the first, so `taken` is their range and `take` is
    the pool's own (a list kept id by id cost a call and an append per row); PostgreSQL's are listed."""

    def __init__(self, conn: Connection, table: str) -> None:
        super().__init__(conn, table)
        self._listed: list[int] = []
        if not self.sqlite:
            self.take = self._take_listed  # type: ignore[method-assign]

    def _take_listed(self) -> int:
        value = bulk.IdPool.take(self)
        self._listed.append(value)
        return value

    @property
    def taken(self) -> Sequence[int]:
        if self.sqlite:
            return range(self.first, self.next_free) if self.first else []
        return self._listed


class Spool:
    """Checked items kept in a temporary file in chunks (pickle of plain tuples), read back in order.

    Items go in as tuples of their fields (`checking.flat`): pickling the slotted dataclasses themselves
    costs a `dataclasses.fields()` call per object each way, a third of the spool's time. Each chunk's
    pickle follows its length, so that it is read back in one read and unpickled from memory
    (`pickle.load` from the file reads in small pieces: twice the time)."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="inquiry-tui-import-")  # noqa: SIM115 - closed by close()
        self.count = 0

    def add(self, items: list[Item]) -> None:
        self._put(pickle.dumps([flat(it) for it in items], protocol=pickle.HIGHEST_PROTOCOL))
        self.count += len(items)

    def add_packed(self, part: Packed) -> None:
        """A worker's part as it came: already the pickle of its flat items."""
        self._put(part.blob)
        self.count += len(part.keys)

    def _put(self, blob: bytes) -> None:
        self._file.write(len(blob).to_bytes(_LENGTH, "little"))
        self._file.write(blob)

    def items(self, read: Callable[[Iterator[bytes]], Iterator[bytes]] | None = None) -> Iterator[Item]:
        """The items in order; READ, if given, maps the chunks' pickles first (text_readers.TextReaders.read,
        which starts on the first chunks at once)."""
        return _unflat_all(self._blobs() if read is None else read(self._blobs()))

    def _blobs(self) -> Iterator[bytes]:
        self._file.seek(0)
        while head := self._file.read(_LENGTH):
            yield self._file.read(int.from_bytes(head, "little"))

    def close(self) -> None:
        self._file.close()


def _unflat_all(blobs: Iterator[bytes]) -> Iterator[Item]:
    for blob in blobs:
        chunk: list[tuple[Any, ...]] = pickle.loads(blob)
        yield from map(unflat, chunk)


def check(
    ctx: Ctx, items: Iterable[Item | Packed], *, path: Path | None, first: int
) -> tuple[list[Item], Spool | None]:
    """Read and check every item (no lock held). The first FIRST come back in a list; the rest, if any, in a spool.

    Every record is validated first (a bad line is the error to report, wherever it is); then an
    unknown SKU, then an external id already in the store or earlier in the file, with the
    pipeline's own messages, so that publishing rarely fails half-way. A `Packed` part (checked
    by a worker process, services/arrivals/checking.py) goes into the spool as it came."""
    head: list[Item] = []
    spool: Spool | None = None
    buffer: list[Item] = []
    problems: list[Exception] = []  # [unknown SKU, duplicate]: the first of each
    sku_error: Exception | None = None
    try:
        with ctx.read() as session:
            conn = session.connection()
            skus = {str(s) for (s,) in conn.exec_driver_sql("SELECT sku FROM product")}
            seen: dict[str, int] = {}
            pending: list[tuple[int, str]] = []

            def see(line: int, external_id: str | None, product: str | None) -> None:
                nonlocal sku_error, pending
                if sku_error is None and product is not None and product not in skus:
                    sku_error = _fail(path, line, "product", f"unknown SKU {product!r}; see `inquiry-tui product list`")
                if external_id is not None and not problems:
                    earlier = seen.get(external_id)
                    if earlier is not None:
                        where = f"line {earlier}" if path is not None else f"arrival {earlier}"
                        problems.append(
                            _fail(
                                path,
                                line,
                                "external_id",
                                f"{external_id!r} appears twice (first on {where}); nothing was imported",
                            )
                        )
                    seen[external_id] = line
                    pending.append((line, external_id))
                    if len(pending) >= journal.IN_BATCH:
                        problems.extend(_in_store(conn, pending, path))
                        pending = []

            for entry in items:
                if isinstance(entry, Packed) and len(head) >= first:
                    for line, external_id, product in entry.keys:
                        see(line, external_id, product)
                    spool = spool or Spool()
                    if buffer:
                        spool.add(buffer)
                        buffer = []
                    spool.add_packed(entry)
                    continue
                for item in entry.items() if isinstance(entry, Packed) else (entry,):
                    a = item.arrival
                    see(item.line, a.external_id, a.product)
                    if len(head) < first:
                        head.append(item)
                        continue
                    buffer.append(item)
                    if len(buffer) >= FIRST_CHUNK:
                        spool = spool or Spool()
                        spool.add(buffer)
                        buffer = []
            if not problems:
                problems.extend(_in_store(conn, pending, path))
        if sku_error is not None:
            raise sku_error
        if problems:
            raise problems[0]
        if buffer:
            spool = spool or Spool()
            spool.add(buffer)
    except BaseException:
        if spool is not None:
            spool.close()
        raise
    return head, spool


def _in_store(conn: Connection, keys: list[tuple[int, str]], path: Path | None) -> list[Exception]:
    """The first of KEYS (line, external id) already in the store, as an error (or none)."""
    ids = [ext for _, ext in keys]
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    found: dict[str, int] = dict(
        conn.exec_driver_sql(f"SELECT external_id, id FROM inquiry WHERE external_id IN ({marks})", tuple(ids)).all()
    )
    for line, ext in keys:
        if ext in found:
            return [
                _fail(
                    path,
                    line,
                    "external_id",
                    f"{ext!r} is already in the store (inquiry {found[ext]}); nothing was imported",
                )
            ]
    return []


def _fail(path: Path | None, line: int, field: str, message: str) -> Exception:
    if path is not None:
        return FileFormatError(path, line, field, message)
    return ValidationError(f"arrival {line}, field {field}: {message}")


YOUNG_WHILE_PUBLISHING = 10_000  # the young generation's threshold while publishing (the usual: 700)


@contextmanager
def _collector_spared() -> Iterator[None]:
    """Fewer cyclic collections while publishing: the heap as it is frozen, young collections every 10,000 objects.

    The publishing makes and drops a few dozen objects per arrival, freed by their counts, and keeps a
    state per buyer: with the usual thresholds the collector ran some 200 young and two full passes per
    20,000 arrivals, a tenth of the importing process's CPU, walking a heap none of which was garbage.
    Afterwards the collector is as it was. A process that manages its own collector (the TUI freezes its
    heap: tui/app.py) is left alone."""
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], YOUNG_WHILE_PUBLISHING), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


@_collector_spared()
def publish(
    ctx: Ctx,
    head: list[Item],
    spool: Spool,
    *,
    path: Path | None,
    action: str,
    source: str,
    customer_source: str | None = None,
    stager: Any = None,
    products: tuple[tuple[str, str], ...] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ArrivalReport:
    """Publish checked items in short transactions under one journal run (see the module docstring).

    PRODUCTS: the (SKU, name) catalogue the items' `text_terms` were read with; if the store's
    differs by the first transaction, they are read again. PROGRESS hears ("importing", done, total)."""
    engine = ctx.engine
    with ctx.begin() as conn:
        run_id = journal.start_run(conn, source=source, actor=ctx.actor.login, os_user=ctx.os_user, at=ctx.now())
    keeper = engine.connect()  # PostgreSQL: the lock that says this run is alive
    published = False
    stack = ExitStack()  # the text readers (services/arrivals/text_readers.py), if any
    try:
        journal.hold(keeper, run_id)
        keeper.commit()
        # Started before the read-ahead thread: its processes are forked from this one.
        readers = stack.enter_context(text_readers.started(products, spool.count))
        report = _publish(
            ctx,
            run_id,
            _items(head, spool, readers),
            path,
            action,
            source,
            customer_source,
            stager,
            products,
            _Told(progress, len(head) + spool.count),
        )
        published = True
        return report
    except BaseException:
        stack.close()  # no reader left running while undoing
        _undo(ctx, run_id, source)
        raise
    finally:
        stack.close()
        try:
            journal.release(keeper, run_id)
            keeper.commit()
        finally:
            keeper.close()
        if stager is not None:
            stager.close(failed=not published)


def _items(head: list[Item], spool: Spool, readers: TextReaders | None) -> Iterator[Item]:
    """The head, then the spool's items (their text read by READERS, if any, a few chunks ahead: from the start,
    while the head is published)."""
    rest = spool.items(None if readers is None else readers.read)
    yield from head
    yield from rest


def _publish(
    ctx: Ctx,
    run_id: int,
    items: Iterator[Item],
    path: Path | None,
    action: str,
    source: str,
    customer_source: str | None,
    stager: Any,
    products: tuple[tuple[str, str], ...] | None,
    told: _Told,
) -> ArrivalReport:
    fixed = chunk_size_from_env()
    size = fixed or FIRST_CHUNK
    seq = 0
    aside = False  # the indexes the import does not read are set aside until after its last transaction
    pipeline: Pipeline | None = None
    swept = None
    report: ArrivalReport | None = None
    ahead = ReadAhead(items)
    try:
        chunks = _Chunks(ahead)
        chunk, last = chunks.take(size)
        while True:
            if seq:
                yield_to_writers(ctx.engine)  # colleagues waiting for the write lock go first (SQLite)
            # The window (ReadAhead.meanwhile) opens inside the transaction and closes after its commit.
            with ExitStack() as window, ctx.begin() as conn:
                started = time.perf_counter()
                sqlite = dialect.is_sqlite(conn)
                if sqlite:
                    conn.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
                try:
                    if pipeline is None:
                        pipeline = Pipeline(conn, ctx, path=path, customer_source=customer_source, stager=stager)
                        pipeline.index_later = True  # indexed below, while the next items are made ready
                        swept = sweep(pipeline)
                        aside = _set_aside(conn, run_id, told.total)
                        if products != pipeline.product_names:  # the catalogue changed since the terms were read
                            chunk, chunks = _unread(chunk), _Chunks(map(_unread_one, chunks.rest()))
                    else:
                        _rebind(pipeline, conn)
                    pools = _pools(pipeline, conn)
                    if chunk:
                        pipeline.add(chunk)
                    _save_turn(pipeline, conn)
                    seq += 1
                    journal.note_chunk(conn, run_id, seq, {table: pool.taken for table, pool in pools.items()})
                    if last:  # the last transaction: notices, the audit row, and the run ends (its rows are in)
                        report = pipeline.finish(action, source)
                        if aside:  # the indexes go back after it, one per transaction (_put_back)
                            journal.complete(conn, run_id)
                        else:
                            journal.end_run(conn, run_id)
                    if not last:  # the chunk's search index in one statement, then the commit: the next chunk meanwhile
                        window.enter_context(ahead.meanwhile(size))
                    bulk.reindex(conn, pipeline.unindexed, new=set(pipeline.unindexed))
                    pipeline.unindexed = []
                finally:
                    if sqlite:
                        conn.exec_driver_sql(f"PRAGMA cache_size=-{DEFAULT_CACHE_KIB}")
            on_published(seq)
            told.add(len(chunk))
            if last:
                assert swept is not None and report is not None
                if aside:
                    _put_back(ctx, run_id)
                return replace(report, escalated=len(swept.escalated), returned=len(swept.returned))
            if fixed is None:
                took = time.perf_counter() - started
                # At most twice as many as the last: one quick transaction (a cache warm, nothing else running)
                # must not size the next to seconds.
                size = max(MIN_CHUNK, min(MAX_CHUNK, 2 * size, int(size * TARGET_SECONDS / max(took, 1e-3))))
            # The lock is free from here: the next chunk is read and its text read for terms meanwhile.
            chunk, last = chunks.take(size)
            chunk = pre_read_terms(chunk, pipeline.catalogue)
    finally:
        ahead.close()


# A big import into a store not much bigger sets aside every secondary index of its tables but those its own
# lookups read (SQLite). Colleagues' reads meanwhile that name a missing index (`INDEXED BY`) run without the
# hint (store/hint_fallback.py): slower while the import lasts, the same rows.
SET_ASIDE_FROM = 50_000  # inquiries in the file; below, maintaining the indexes row by row costs less
SET_ASIDE_SHARE = 2  # ... and at least 1/SET_ASIDE_SHARE of the inquiries already stored: rebuilding costs those too
KEEP_INDEXES = (
    "ix_message_inquiry_sent",  # the search documents (bulk.reindex), a chat's messages, undoing (a message's inquiry)
    "ix_inquiry_buyer_recv",  # the buyers' junk history (Pipeline.load_buyers), a chat's thread, undoing (a buyer)
    "ix_allocation_record_inquiry_id",  # undoing: the records of an inquiry
)


def _set_aside(conn: Connection, run_id: int, total: int) -> bool:
    """Drop the thread tables' secondary indexes but KEEP_INDEXES if the import is big enough; whether it did.

    Noted in the journal in the same transaction: they are created again after the import's last transaction,
    one per transaction (`_put_back`), and by undoing it (after a failure, or by the next open after its process
    died), so the store always ends with the indexes it had. SQLite only: PostgreSQL's readers would wait
    on the drop's table lock."""
    if total < SET_ASIDE_FROM or not dialect.is_sqlite(conn):
        return False
    stored = int(conn.exec_driver_sql("SELECT COUNT(*) FROM inquiry").scalar_one())
    if total * SET_ASIDE_SHARE < stored:
        return False
    dropped = index_build.set_aside(conn, bulk.THREAD_TABLES, keep=KEEP_INDEXES)
    if not dropped.indexes:
        return False
    journal.note_aside(conn, run_id, dropped.indexes)
    return True


def _put_back(ctx: Ctx, run_id: int) -> None:
    """After a completed run's last transaction: the indexes it set aside, created again one per transaction.

    Each build holds the write lock for as long as one index takes (not all of them: a million rows take
    seconds each), and colleagues waiting for the lock go first between them (`yield_to_writers`). Each
    transaction notes what is left (`journal.put_back_one`): a kill meanwhile leaves the rest to the next
    open, which puts it back without undoing the import (services/arrivals/recovery.py)."""
    left = 1
    while left:
        yield_to_writers(ctx.engine)
        with ctx.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")  # the sort of a big index in memory
            try:
                left = journal.put_back_one(conn, run_id)
            finally:
                conn.exec_driver_sql(f"PRAGMA cache_size=-{DEFAULT_CACHE_KIB}")
        on_put_back(left)


def _save_turn(pipeline: Pipeline, conn: Connection) -> None:
    """The rotation turn after this transaction, so that arrivals in other sessions meanwhile follow on from it.

    (The buyers' final state is written with the last transaction: a failed import leaves them as they were.)"""
    if pipeline.turns:
        conn.exec_driver_sql(
            "UPDATE rotation_state SET last_login = ?, turns = turns + ? WHERE id = 1",
            (pipeline.rotation_last, pipeline.turns),
        )
    pipeline.turns = 0


class _Told:
    """Progress of the publishing: ("importing", done, total) after each transaction."""

    def __init__(self, progress: Callable[[str, int, int], None] | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def add(self, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress("importing", self.done, self.total)


def _unread_one(item: Item) -> Item:
    if getattr(item.arrival, "text_terms", None) is None:
        return item
    return replace(item, arrival=replace(item.arrival, text_terms=None))


def _unread(items: list[Item]) -> list[Item]:
    return [_unread_one(it) for it in items]


class _Chunks:
    """Items taken N at a time, knowing whether a chunk is the last (one item read ahead)."""

    def __init__(self, items: Iterator[Item]) -> None:
        self._items = items
        self._ahead: list[Item] = []

    def rest(self) -> Iterator[Item]:
        yield from self._ahead
        yield from self._items

    def take(self, n: int) -> tuple[list[Item], bool]:
        out = self._ahead
        self._ahead = []
        for item in self._items:
            if len(out) >= n:
                self._ahead = [item]
                return out, False
            out.append(item)
        return out, True


def _rebind(pipeline: Pipeline, conn: Connection) -> None:
    """Carry the pipeline into the next transaction: its connection, and the turn others may have moved since."""
    pipeline.conn = conn
    dialect.serialize(conn)
    turn = conn.exec_driver_sql(f"SELECT last_login FROM rotation_state WHERE id = 1{dialect.for_update(conn)}").first()
    pipeline.rotation_last = turn[0] if turn else None


def _pools(pipeline: Pipeline, conn: Connection) -> dict[str, _Recording]:
    """Fresh id pools for this transaction (SQLite's start from max(id) + 1, which others moved meanwhile)."""
    pools = {table: _Recording(conn, table) for table in ("inquiry", "message", "buyer")}
    pipeline.inquiry_ids, pipeline.message_ids, pipeline.buyer_ids = pools["inquiry"], pools["message"], pools["buyer"]
    return pools


def _undo(ctx: Ctx, run_id: int, source: str) -> None:
    """Undo a failed run's published transactions; its audit row says so."""
    with ctx.engine.begin() as conn:
        undo(conn, run_id, source, actor=ctx.actor.login, os_user=ctx.os_user, at=ctx.now(), why="the import failed")


def chunk_size_from_env() -> int | None:
    """INQUIRY_TUI_IMPORT_CHUNK: a fixed transaction size (tests use it to publish a small file in several)."""
    try:
        return max(1, int(os.environ.get("INQUIRY_TUI_IMPORT_CHUNK", "")))
    except ValueError:
        return None


def first_chunk() -> int:
    return chunk_size_from_env() or FIRST_CHUNK
