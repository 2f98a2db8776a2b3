"""The import journal: a big import's published transactions and what they wrote, and undoing them.

A big import publishes in short transactions (services/arrivals/publishing.py) so that other
sessions are never kept waiting behind it. Each transaction notes the ids it wrote in
`import_chunk`, in the same transaction, so the journal never misses a committed row nor names an
uncommitted one. A completed import deletes its journal rows in its last transaction; a failed
one is undone (`undo_run`) and so is one whose process died (kill -9, power cut), by the next
process that opens the store (`dead_runs`). See docs/store.md, "Imports".
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from inquiry_tui.store import dialect
from inquiry_tui.store.types import db_text

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

IN_BATCH = 500  # ids per IN (...) list
# PostgreSQL: the importer holds this advisory lock (with the run id) for its whole run, so a
# process on any host can tell a running import from a dead one (pg_try_advisory_lock).
RUN_LOCK = 7_110_011


@dataclass(frozen=True)
class Run:
    id: int
    source: str
    actor: str
    host: str
    pid: int


def this_host() -> str:
    return socket.gethostname()


def start_run(conn: Connection, *, source: str, actor: str, os_user: str, at: datetime) -> int:
    """A journal row for a new run (its own transaction, committed before the first chunk)."""
    run_id = int(conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) + 1 FROM import_run").scalar_one())
    conn.exec_driver_sql(
        "INSERT INTO import_run (id, source, actor, os_user, host, pid, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (run_id, source[:200], actor, os_user, this_host(), os.getpid(), db_text(at)),
    )
    return run_id


def note_chunk(conn: Connection, run_id: int, seq: int, ids: dict[str, Sequence[int]]) -> None:
    """Record, in the chunk's own transaction, the ids of the rows it wrote."""
    ranges = {table: _ranges(values) for table, values in ids.items() if values}
    conn.exec_driver_sql(
        "INSERT INTO import_chunk (run_id, seq, ids) VALUES (?, ?, ?)", (run_id, seq, json.dumps(ranges))
    )


ASIDE = "_indexes"  # the key of a chunk's JSON that lists indexes set aside, as [name, SQL] pairs (not ids)


def note_aside(conn: Connection, run_id: int, indexes: Sequence[tuple[str, str]]) -> None:
    """Record, in the transaction that dropped them, the indexes the run set aside (seq 0: before its chunks)."""
    conn.exec_driver_sql(
        "INSERT INTO import_chunk (run_id, seq, ids) VALUES (?, 0, ?)",
        (run_id, json.dumps({ASIDE: [list(pair) for pair in indexes]})),
    )


def aside(conn: Connection, run_id: int) -> list[tuple[str, str]]:
    """The indexes run RUN_ID set aside and has not created again, as (name, SQL)."""
    found: list[tuple[str, str]] = []
    for (text,) in conn.exec_driver_sql("SELECT ids FROM import_chunk WHERE run_id = ? ORDER BY seq", (run_id,)):
        found.extend((str(name), str(sql)) for name, sql in json.loads(text).get(ASIDE, []))
    return found


def put_back(conn: Connection, run_id: int) -> None:
    """Create again the indexes run RUN_ID set aside (each from its own SQL, built in one sort) and forget them."""
    for _, sql in aside(conn, run_id):
        conn.exec_driver_sql(sql)
    conn.exec_driver_sql("DELETE FROM import_chunk WHERE run_id = ? AND seq = 0", (run_id,))


COMPLETE = "_complete"  # in the seq-0 note: every row of the run is published; only its indexes are left to put back


def complete(conn: Connection, run_id: int) -> None:
    """In the run's last transaction, which set indexes aside: its rows stay, its indexes go back after (`put_back_one`).

    The chunks' ids are forgotten, so that undoing the run from here (a failure or a kill while the
    indexes go back) deletes nothing: `completed` tells it so, and only the indexes are put back."""
    conn.exec_driver_sql("DELETE FROM import_chunk WHERE run_id = ? AND seq > 0", (run_id,))
    _note_left(conn, run_id, aside(conn, run_id))


def completed(conn: Connection, run_id: int) -> bool:
    """Whether run RUN_ID published all its rows and has only indexes left to put back (`complete`)."""
    row = conn.exec_driver_sql("SELECT ids FROM import_chunk WHERE run_id = ? AND seq = 0", (run_id,)).first()
    return row is not None and bool(json.loads(row[0]).get(COMPLETE))


def put_back_one(conn: Connection, run_id: int) -> int:
    """Create the next index a completed run set aside, and note it done, in CONN's transaction; how many are left.

    With none left the run is forgotten (`end_run`), in the same transaction; so it is when another process
    has put them all back meanwhile (each reads what is left inside its own write transaction)."""
    left = aside(conn, run_id)
    if left:
        conn.exec_driver_sql(left[0][1])
        left = left[1:]
    if left:
        _note_left(conn, run_id, left)
    else:
        end_run(conn, run_id)
    return len(left)


def _note_left(conn: Connection, run_id: int, indexes: Sequence[tuple[str, str]]) -> None:
    conn.exec_driver_sql(
        "UPDATE import_chunk SET ids = ? WHERE run_id = ? AND seq = 0",
        (json.dumps({ASIDE: [list(pair) for pair in indexes], COMPLETE: True}), run_id),
    )


def finish_put_back(conn: Connection, run_id: int) -> None:
    """A completed run's indexes still aside, all created again in CONN's transaction, and the run forgotten."""
    put_back(conn, run_id)
    end_run(conn, run_id)


def end_run(conn: Connection, run_id: int) -> None:
    """Forget a run (it completed, or it was undone)."""
    conn.exec_driver_sql("DELETE FROM import_chunk WHERE run_id = ?", (run_id,))
    conn.exec_driver_sql("DELETE FROM import_run WHERE id = ?", (run_id,))


def runs(conn: Connection) -> list[Run]:
    return [Run(int(r[0]), r[1], r[2], r[3], int(r[4])) for r in conn.exec_driver_sql(RUNS).all()]


RUNS = "SELECT id, source, actor, host, pid FROM import_run ORDER BY id"


def has_runs(engine: Engine) -> bool:
    """Whether any import run is recorded: one plain read outside a transaction (no write lock), as
    store.migrate reads the revision. Opening a store asks this before loading the recovery."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(ANY_RUN)
        found = cursor.fetchone() is not None
        raw.rollback()
        return found
    finally:
        raw.close()


ANY_RUN = "SELECT 1 FROM import_run LIMIT 1"  # has_runs; opening a SQLite store asks it on a plain connection


def is_dead(conn: Connection, run: Run) -> bool:
    """Whether RUN's process is gone: on PostgreSQL its advisory lock is free; on SQLite (one host) its pid is gone.

    On PostgreSQL a free lock is taken here, and kept until this connection's session ends or
    `release` gives it back, so that two processes never undo the same run."""
    if not dialect.is_sqlite(conn):
        return bool(conn.exec_driver_sql("SELECT pg_try_advisory_lock(?, ?)", (RUN_LOCK, run.id)).scalar_one())
    if run.host != this_host():
        return False  # a file shared over the network: that host undoes its own
    try:
        os.kill(run.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, another OS user's process
    return False


def hold(conn: Connection, run_id: int) -> None:
    """PostgreSQL: the importer's session lock that says it is alive (a no-op on SQLite)."""
    if not dialect.is_sqlite(conn):
        conn.exec_driver_sql("SELECT pg_advisory_lock(?, ?)", (RUN_LOCK, run_id))


def release(conn: Connection, run_id: int) -> None:
    if not dialect.is_sqlite(conn):
        conn.exec_driver_sql("SELECT pg_advisory_unlock(?, ?)", (RUN_LOCK, run_id))


def written(conn: Connection, run_id: int) -> dict[str, list[int]]:
    """Every id the run's chunks wrote, per table."""
    found: dict[str, list[int]] = {}
    for (text,) in conn.exec_driver_sql("SELECT ids FROM import_chunk WHERE run_id = ? ORDER BY seq", (run_id,)):
        for table, ranges in json.loads(text).items():
            if table == ASIDE:
                continue
            found.setdefault(table, []).extend(i for lo, hi in ranges for i in range(lo, hi + 1))
    return found


def undo_run(conn: Connection, run_id: int) -> int:
    """Delete what the run wrote, and whatever other sessions hung on it meanwhile; how many inquiries.

    Inquiries and messages go with every row that names them (a colleague's reply, a note, an
    attachment: they were made on rows that are now undone). Buyers the run created go only if
    nothing else names them any more (a colleague may have added the same buyer meanwhile)."""
    put_back(conn, run_id)  # first: the deletes below look rows up by these indexes too
    ids = written(conn, run_id)
    inquiries = ids.get("inquiry", [])
    cascade_delete(conn, {"inquiry": set(inquiries), "message": set(ids.get("message", []))})
    delete_unreferenced(conn, "buyer", ids.get("buyer", []))
    end_run(conn, run_id)
    return len(inquiries)


def _children(parent: str) -> list[tuple[str, str, bool]]:
    """(child table, column, whether the child has an `id`) for every foreign key naming PARENT.id."""
    found = []
    from inquiry_tui.store.models import all_tables  # only to undo a run: opening a store does not load the models

    for table in all_tables().sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == parent and fk.column.name == "id":
                found.append((table.name, fk.parent.name, "id" in table.c))
    return found


def _batches(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), IN_BATCH):
        yield values[start : start + IN_BATCH]


def cascade_delete(conn: Connection, targets: dict[str, set[int]]) -> None:
    """Delete these rows and, first, every row that names them (children before parents)."""
    seen = {t: set(ids) for t, ids in targets.items() if ids}
    pending = list(seen)
    while pending:  # collect the whole tree of rows that name the targets
        parent = pending.pop()
        for child, column, has_id in _children(parent):
            if not has_id:
                continue
            for part in _batches(sorted(seen[parent])):
                marks = ", ".join("?" * len(part))
                rows = conn.exec_driver_sql(f"SELECT id FROM {child} WHERE {column} IN ({marks})", tuple(part))
                new = {int(r[0]) for r in rows} - seen.setdefault(child, set())
                if new:
                    seen[child] |= new
                    pending.append(child)
    remaining = {t for t, ids in seen.items() if ids}
    while remaining:  # a table goes once no table left to delete names it
        table = next(t for t in sorted(remaining) if not any(c in remaining and c != t for c, _, _ in _children(t)))
        ids = sorted(seen[table])
        for child, column, has_id in _children(table):
            if has_id:
                continue
            for part in _batches(ids):
                marks = ", ".join("?" * len(part))
                conn.exec_driver_sql(f"DELETE FROM {child} WHERE {column} IN ({marks})", tuple(part))
        for part in _batches(ids):
            marks = ", ".join("?" * len(part))
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE id IN ({marks})", tuple(part))
        remaining.discard(table)


def delete_unreferenced(conn: Connection, table: str, ids: Sequence[int]) -> None:
    """Delete these rows of TABLE that no row of any table names."""
    guards = " AND ".join(
        f"NOT EXISTS (SELECT 1 FROM {child} c WHERE c.{column} = {table}.id)" for child, column, _ in _children(table)
    )
    for part in _batches(sorted(ids)):
        marks = ", ".join("?" * len(part))
        conn.exec_driver_sql(
            f"DELETE FROM {table} WHERE id IN ({marks})" + (f" AND {guards}" if guards else ""), tuple(part)
        )


def _ranges(values: Iterable[int]) -> list[list[int]]:
    """Sorted ids as [[lo, hi], ...] runs (an SQLite chunk's ids are one run)."""
    out: list[list[int]] = []
    for v in sorted(values):
        if out and v == out[-1][1] + 1:
            out[-1][1] = v
        else:
            out.append([v, v])
    return out
