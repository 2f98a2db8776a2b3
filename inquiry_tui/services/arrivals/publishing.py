"""A big import that never keeps other sessions waiting: checked first, then published in short transactions.

One transaction for a whole 100k-inquiry file held SQLite's write lock for the whole import,
so a colleague's reply or reassignment waited behind it and failed after the busy timeout.
Here an import file goes in two steps (docs/store.md, "Imports"):

1. **Check**, holding no lock: every record is read and validated, its SKU and external id
   checked against the store and the rest of the file, and kept in a spool file (bounded
   memory). A bad line fails here, before anything is written, with the same one-line errors.
2. **Publish** in transactions of a few hundred arrivals, each short (the size adapts to keep
   each under TARGET_SECONDS), with a pause between them so that writers waiting on the lock
   get it. Each transaction records the ids it wrote in the import journal (store/journal.py).
   The last one writes the buyers' final state, the notices, the audit row and ends the run.

All or nothing holds at the end: a failure while publishing undoes every published
transaction, and an import whose process died is undone by the next process that opens the
store (`recover`). While it runs, colleagues see its threads arrive, as they see mail arrive.
A file that fits in one transaction is imported in one, as before.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.allocation.supervision import sweep
from inquiry_tui.services.arrivals.pipeline import ArrivalReport, Item, Pipeline
from inquiry_tui.services.arrivals.recovery import undo
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.records.errors import FileFormatError
from inquiry_tui.store import bulk, dialect, journal

FIRST_CHUNK = 500  # arrivals in the first published transaction; later ones adapt
MIN_CHUNK, MAX_CHUNK = 50, 5_000
TARGET_SECONDS = 0.25  # each transaction holds the write lock about this long
# Between two transactions the importer waits this long, so that writers waiting on the lock get it:
# SQLite's busy handler polls every 100 ms at most, so a pause as long as that gives each a turn.
PAUSE_SECONDS = 0.1
IMPORT_CACHE_KIB = 262_144
DEFAULT_CACHE_KIB = 32_000


def _published(seq: int) -> None:
    """Called after each published transaction commits (the tests kill the process or fail here)."""


on_published: Callable[[int], None] = _published


class _Recording(bulk.IdPool):
    """An IdPool that remembers the ids it handed out (the journal's record of a chunk)."""

    def __init__(self, conn: Connection, table: str) -> None:
        super().__init__(conn, table)
        self.taken: list[int] = []

    def take(self) -> int:
        value = super().take()
        self.taken.append(value)
        return value


class Spool:
    """Checked items kept in a temporary file in chunks (pickle), read back in order."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="inquiry-tui-import-")  # noqa: SIM115 - closed by close()
        self.count = 0

    def add(self, items: list[Item]) -> None:
        pickle.dump(items, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += len(items)

    def items(self) -> Iterator[Item]:
        self._file.seek(0)
        while True:
            try:
                chunk: list[Item] = pickle.load(self._file)
            except EOFError:
                return
            yield from chunk

    def close(self) -> None:
        self._file.close()


def check(ctx: Ctx, items: Iterable[Item], *, path: Path | None, first: int) -> tuple[list[Item], Spool | None]:
    """Read and check every item (no lock held). The first FIRST come back in a list; the rest, if any, in a spool.

    Every record is validated first (a bad line is the error to report, wherever it is); then an
    unknown SKU, then an external id already in the store or earlier in the file, with the
    pipeline's own messages, so that publishing rarely fails half-way."""
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
            pending: list[Item] = []
            for item in items:
                a = item.arrival
                if sku_error is None and a.product is not None and a.product not in skus:
                    sku_error = _fail(
                        path, item.line, "product", f"unknown SKU {a.product!r}; see `inquiry-tui product list`"
                    )
                if a.external_id is not None and not problems:
                    earlier = seen.get(a.external_id)
                    if earlier is not None:
                        where = f"line {earlier}" if path is not None else f"arrival {earlier}"
                        problems.append(
                            _fail(
                                path,
                                item.line,
                                "external_id",
                                f"{a.external_id!r} appears twice (first on {where}); nothing was imported",
                            )
                        )
                    seen[a.external_id] = item.line
                    pending.append(item)
                    if len(pending) >= journal.IN_BATCH:
                        problems += _in_store(conn, pending, path)
                        pending = []
                if len(head) < first:
                    head.append(item)
                    continue
                buffer.append(item)
                if len(buffer) >= FIRST_CHUNK:
                    spool = spool or Spool()
                    spool.add(buffer)
                    buffer = []
            if not problems:
                problems += _in_store(conn, pending, path)
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


def _in_store(conn: Connection, items: list[Item], path: Path | None) -> list[Exception]:
    """The first of ITEMS whose external id is already in the store, as an error (or none)."""
    ids = [it.arrival.external_id for it in items]
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    found: dict[str, int] = dict(
        conn.exec_driver_sql(f"SELECT external_id, id FROM inquiry WHERE external_id IN ({marks})", tuple(ids)).all()
    )
    for it in items:
        if it.arrival.external_id in found:
            return [
                _fail(
                    path,
                    it.line,
                    "external_id",
                    f"{it.arrival.external_id!r} is already in the store (inquiry {found[it.arrival.external_id]}); "
                    "nothing was imported",
                )
            ]
    return []


def _fail(path: Path | None, line: int, field: str, message: str) -> Exception:
    if path is not None:
        return FileFormatError(path, line, field, message)
    return ValidationError(f"arrival {line}, field {field}: {message}")


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
) -> ArrivalReport:
    """Publish checked items in short transactions under one journal run (see the module docstring)."""
    engine = ctx.engine
    with ctx.begin() as conn:
        run_id = journal.start_run(conn, source=source, actor=ctx.actor.login, os_user=ctx.os_user, at=ctx.now())
    keeper = engine.connect()  # PostgreSQL: the lock that says this run is alive
    published = False
    try:
        journal.hold(keeper, run_id)
        keeper.commit()
        report = _publish(ctx, run_id, _items(head, spool), path, action, source, customer_source, stager)
        published = True
        return report
    except BaseException:
        _undo(ctx, run_id, source)
        raise
    finally:
        try:
            journal.release(keeper, run_id)
            keeper.commit()
        finally:
            keeper.close()
        if stager is not None:
            stager.close(failed=not published)


def _items(head: list[Item], spool: Spool) -> Iterator[Item]:
    yield from head
    yield from spool.items()


def _publish(
    ctx: Ctx,
    run_id: int,
    items: Iterator[Item],
    path: Path | None,
    action: str,
    source: str,
    customer_source: str | None,
    stager: Any,
) -> ArrivalReport:
    fixed = chunk_size_from_env()
    size = fixed or FIRST_CHUNK
    seq = 0
    pipeline: Pipeline | None = None
    swept = None
    report: ArrivalReport | None = None
    chunk = _take(items, size)
    while True:
        started = time.perf_counter()
        with ctx.begin() as conn:
            sqlite = dialect.is_sqlite(conn)
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
            try:
                if pipeline is None:
                    pipeline = Pipeline(conn, ctx, path=path, customer_source=customer_source, stager=stager)
                    swept = sweep(pipeline)
                else:
                    _rebind(pipeline, conn)
                pools = _pools(pipeline, conn)
                if chunk:
                    pipeline.add(chunk)
                _save_turn(pipeline, conn)
                seq += 1
                journal.note_chunk(conn, run_id, seq, {table: pool.taken for table, pool in pools.items()})
                chunk = _take(items, size)
                if not chunk:  # the last transaction: notices, the audit row, and the run ends
                    report = pipeline.finish(action, source)
                    journal.end_run(conn, run_id)
            finally:
                if sqlite:
                    conn.exec_driver_sql(f"PRAGMA cache_size=-{DEFAULT_CACHE_KIB}")
        on_published(seq)
        if not chunk:
            assert swept is not None and report is not None
            return replace(report, escalated=len(swept.escalated), returned=len(swept.returned))
        if fixed is None:
            took = time.perf_counter() - started
            size = max(MIN_CHUNK, min(MAX_CHUNK, int(size * TARGET_SECONDS / max(took, 1e-3))))
        if sqlite:  # PostgreSQL's writers do not queue on one lock: no pause needed
            time.sleep(PAUSE_SECONDS)


def _save_turn(pipeline: Pipeline, conn: Connection) -> None:
    """The rotation turn after this transaction, so that arrivals in other sessions meanwhile follow on from it.

    (The buyers' final state is written with the last transaction: a failed import leaves them as they were.)"""
    if pipeline.turns:
        conn.exec_driver_sql(
            "UPDATE rotation_state SET last_login = ?, turns = turns + ? WHERE id = 1",
            (pipeline.rotation_last, pipeline.turns),
        )
    pipeline.turns = 0


def _take(items: Iterator[Item], n: int) -> list[Item]:
    out: list[Item] = []
    for item in items:
        out.append(item)
        if len(out) >= n:
            break
    return out


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
