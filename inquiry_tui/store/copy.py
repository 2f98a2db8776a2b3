"""Copy a whole store to another engine (SQLite <-> PostgreSQL): every table in batches, then counts and checksums.

The target must be empty (no rows in any table of the models; a fresh database or a new SQLite
file). Its schema is made by the same migrations, at the same revision as the source. Rows are
read in one consistent read transaction of the source, in primary-key order, and written in
ONE transaction of the target (all or nothing): COPY on PostgreSQL, executemany on SQLite. The
per-row triggers are paused as bulk loads pause them (store.bulk), a table a trigger keeps from
other rows (`TRIGGER_KEPT`) is copied last over what its trigger wrote, the search index is
rebuilt in one statement at the end, and PostgreSQL's sequences are moved past the copied ids.

Verification reads both stores again and compares, per table, the row count and a SHA-256
over the rows in primary-key order, each value in one canonical text form (times as naive UTC
with microseconds, booleans as 0/1, floats by repr, bytes in hex). The one difference allowed
is the one the engines impose: a NUL in SQLite text is U+2400 on PostgreSQL (store.dialect).
"""

from __future__ import annotations

import functools
import hashlib
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.store import bulk, dialect
from inquiry_tui.store.models import all_tables

BATCH = 20_000

Progress = Callable[[str, int, int], None]  # (table, rows copied so far, rows in the table)


@dataclass(frozen=True)
class TableCheck:
    table: str
    source_rows: int
    target_rows: int
    source_sum: str
    target_sum: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_sum == self.target_sum


def tables() -> list[Table]:
    """Every table of the models, parents before children."""
    return list(all_tables().sorted_tables)


@functools.cache
def baseline_tables() -> frozenset[str]:
    """Tables a new store already holds rows in (rows its migrations seed: counters, a chain's head, ...).

    Found by migrating a scratch SQLite store to head, so a migration that seeds a row joins by itself:
    a store holding only such rows is empty, and the source's rows take their place in a copy.
    """
    from inquiry_tui.store.migrate import open_store

    with tempfile.TemporaryDirectory(prefix="inquiry-tui-baseline-") as folder:
        engine = open_store(f"sqlite:///{Path(folder) / 'baseline.db'}")
        try:
            with engine.connect() as conn:
                return frozenset(t.name for t in tables() if count(conn, t) > 0)
        finally:
            engine.dispose()


def non_empty(conn: Connection) -> list[str]:
    """The tables of the models that hold rows in this store (the baseline rows of migrations aside)."""
    names = set(dialect_tables(conn))
    baseline = baseline_tables()
    found = []
    for table in tables():
        present = table.name in names and table.name not in baseline
        if present and conn.execute(select(*table.primary_key.columns).limit(1)).first() is not None:
            found.append(table.name)
    return found


def dialect_tables(conn: Connection) -> list[str]:
    from sqlalchemy import inspect

    return list(inspect(conn).get_table_names())


def _order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def rows_of(conn: Connection, table: Table, batch: int = BATCH) -> Iterator[Sequence[Any]]:
    """TABLE's rows in primary-key order, streamed."""
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(
        select(*table.columns).order_by(*_order(table))
    )
    for part in result.partitions(batch):
        yield from part


def count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _canonical(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        moment: datetime = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value
        return moment.isoformat(" ", "microseconds")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, str):
        return value.replace("\x00", dialect.NUL_MARK)
    return str(value)


def checksum(conn: Connection, table: Table) -> tuple[int, str]:
    """(rows, SHA-256 of the rows in primary-key order, canonical values tab-separated, one row a line)."""
    digest = hashlib.sha256()
    n = 0
    for row in rows_of(conn, table):
        digest.update("\t".join(_canonical(v) for v in row).encode("utf-8", "surrogatepass"))
        digest.update(b"\n")
        n += 1
    return n, digest.hexdigest()


def _naive(row: Sequence[Any]) -> tuple[Any, ...]:
    """A row for COPY: aware times as naive UTC (the store's `timestamp` columns)."""
    return tuple(
        v.astimezone(UTC).replace(tzinfo=None) if isinstance(v, datetime) and v.tzinfo is not None else v for v in row
    )


def copy_table(source: Connection, target: Connection, table: Table, progress: Progress, batch: int = BATCH) -> int:
    total = count(source, table)
    columns = [c.name for c in table.columns]
    done = 0
    pending: list[Sequence[Any]] = []
    for row in rows_of(source, table, batch):
        pending.append(row)
        if len(pending) >= batch:
            done += _write(target, table, columns, pending)
            pending = []
            progress(table.name, done, total)
    if pending:
        done += _write(target, table, columns, pending)
    progress(table.name, done, total)
    return done


def _write(target: Connection, table: Table, columns: list[str], rows: list[Sequence[Any]]) -> int:
    if dialect.is_postgres(target):
        return bulk.copy_rows(target, table.name, columns, [_naive(r) for r in rows])
    target.execute(insert(table), [dict(zip(columns, r)) for r in rows])
    return len(rows)


def _pause(target: Connection) -> None:
    if dialect.is_sqlite(target):
        target.exec_driver_sql("INSERT INTO inquiry_fts_pause (id) VALUES (1)")
    else:
        target.exec_driver_sql("SELECT set_config('inquiry_tui.fts_pause', 'on', true)")


def _resume(target: Connection) -> None:
    if dialect.is_sqlite(target):
        target.exec_driver_sql("DELETE FROM inquiry_fts_pause")
    else:
        target.exec_driver_sql("SELECT set_config('inquiry_tui.fts_pause', 'off', true)")


def _rebuild_search(target: Connection) -> None:
    """Every inquiry's search document, in one statement per contiguous run of ids."""
    ids = [int(i) for i in target.exec_driver_sql("SELECT id FROM inquiry ORDER BY id").scalars()]
    if dialect.is_sqlite(target):
        target.exec_driver_sql("DELETE FROM inquiry_fts")
    else:
        target.exec_driver_sql("DELETE FROM inquiry_fts")
    run: list[int] = []
    for i in ids:
        if run and i != run[-1] + 1:
            bulk.reindex(target, run, new=set(run))
            run = []
        run.append(i)
    if run:
        bulk.reindex(target, run, new=set(run))


# Tables a trigger keeps from another table's rows (order_sum, order_day_sum and order_month_sum, from
# deal_order: migrations 0006 and 0011). Copied after every other table, over what their triggers wrote
# meanwhile: the target holds the source's rows.
TRIGGER_KEPT: frozenset[str] = frozenset({"order_sum", "order_day_sum", "order_month_sum", "config_stamp"})

# Work after the rows are in, in the target's transaction: the search index, and any index a
# feature keeps beside its rows (a feature with its own search table appends its rebuild here).
AFTER_COPY: list[Callable[[Connection], None]] = [_rebuild_search]


def _sync_sequences(target: Connection) -> None:
    """PostgreSQL: each serial id's sequence continues after the highest copied id."""
    if not dialect.is_postgres(target):
        return
    for table in tables():
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].name == "id" and pk[0].autoincrement in (True, "auto"):
            sequence = target.exec_driver_sql("SELECT pg_get_serial_sequence(?, 'id')", (table.name,)).scalar()
            if sequence:
                target.exec_driver_sql(
                    f"SELECT setval(?, COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)", (sequence,)
                )


def refuse_non_empty(target: Engine) -> None:
    """A ValidationError naming the tables when TARGET already holds data (checked before anything is written)."""
    with target.connect() as conn:
        full = non_empty(conn)
        conn.rollback()
    if full:
        raise ValidationError(
            f"the target store is not empty ({', '.join(full[:5])}{', ...' if len(full) > 5 else ''} hold rows); "
            "copy into a new database or a new file"
        )


def copy_store(source: Engine, target: Engine, progress: Progress, *, batch: int = BATCH) -> list[TableCheck]:
    """Copy every table of SOURCE into the empty TARGET (both at the same schema), then verify; the checks."""
    refuse_non_empty(target)
    with source.connect() as src, target.begin() as dst:
        dialect.serialize(dst)
        _pause(dst)
        for name in sorted(baseline_tables()):  # the source's own baseline rows take their place
            dst.exec_driver_sql(f"DELETE FROM {name}")
        for table in sorted(tables(), key=lambda t: t.name in TRIGGER_KEPT):  # stable: parents still first
            if table.name in TRIGGER_KEPT:
                dst.exec_driver_sql(f"DELETE FROM {table.name}")
            copy_table(src, dst, table, progress, batch)
        _resume(dst)
        for step in AFTER_COPY:
            step(dst)
        _sync_sequences(dst)
        src.rollback()
    return verify(source, target)


def verify(source: Engine, target: Engine) -> list[TableCheck]:
    """Counts and checksums of every table on both sides."""
    checks = []
    with source.connect() as src, target.connect() as dst:
        for table in tables():
            n_src, sum_src = checksum(src, table)
            n_dst, sum_dst = checksum(dst, table)
            checks.append(TableCheck(table.name, n_src, n_dst, sum_src, sum_dst))
        src.rollback()
        dst.rollback()
    return checks
