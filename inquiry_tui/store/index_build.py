"""A big load into a store: secondary indexes and per-row triggers set aside, built once after (SQLite).

A bulk loader (the generator; a big import later) pays for every row it writes once per
secondary index and once per AFTER INSERT trigger, even a paused one (a paused trigger still
runs its WHEN test for every row). `deferred` drops the secondary indexes of some tables and the
triggers the loader names, then creates them again from their own SQL as stored in the schema,
so the store ends with exactly the indexes and triggers it had. All inside the caller's write
transaction: other processes never see the store without them (they wait on the write lock),
and a failure rolls the drop back with the rows. Unique constraints (autoindexes) and primary
keys stay, so duplicates are still refused during the load.

A loader that sets aside a trigger does that trigger's work itself before the transaction ends:
for the search index `build_search` (one INSERT ... SELECT per block of new inquiries, the
document the per-row triggers would have made; into an empty index, the generator builds it
beside the load instead: store/search_side.py), for the reply-rate cache `drop_reply_days`.
`load_cache` gives the loading connection a bigger page cache for the load (random inserts
into the unique indexes of a million rows stop spilling pages) and puts the usual one back.

PostgreSQL: only indexes are set aside (its per-row triggers are paused for a transaction,
store/bulk.py); asking to set aside a trigger there is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection

from inquiry_tui.store import bulk, dialect, raw

# The triggers of a new inquiry and a new message (migrations 0002 and 0003): the search
# document and the reply-rate days. A loader that sets them aside calls build_search and
# drop_reply_days for what it wrote.
THREAD_INSERT_TRIGGERS = ("inquiry_fts_ai", "message_fts_ai", "reply_day_ai")
LOAD_CACHE_KIB = 256 * 1024  # 256 MiB of page cache while loading (the app's write connections: 32 MB)
SEARCH_BLOCK = 50_000  # inquiries indexed per statement (a progress step)


@dataclass(frozen=True)
class SetAside:
    """What `set_aside` dropped, as (name, SQL) pairs, to be created again by `restore`."""

    indexes: tuple[tuple[str, str], ...]
    triggers: tuple[tuple[str, str], ...]


def set_aside(
    conn: Connection, tables: Sequence[str], *, keep: Sequence[str] = (), triggers: Sequence[str] = ()
) -> SetAside:
    """Drop the secondary indexes of TABLES but those in KEEP, and the triggers named in TRIGGERS."""
    if triggers and not dialect.is_sqlite(conn):
        raise ValueError("PostgreSQL's per-row triggers are paused, not dropped (store/bulk.py)")
    found_triggers = _schema_sql(conn, "trigger", "name", triggers)
    missing = set(triggers) - {name for name, _ in found_triggers}
    if missing:
        raise LookupError(f"no such trigger: {', '.join(sorted(missing))}")
    indexes = tuple((name, sql) for name, sql in _secondary_indexes(conn, tables) if name not in keep)
    aside = SetAside(indexes, tuple(found_triggers))
    for name, _ in aside.triggers:
        _run(conn, f'DROP TRIGGER "{name}"')
    for name, _ in aside.indexes:
        _run(conn, f'DROP INDEX "{name}"')
    return aside


def _schema_sql(conn: Connection, kind: str, column: str, values: Sequence[str]) -> list[tuple[str, str]]:
    """SQLite: (name, sql) of the schema's objects of KIND whose COLUMN is one of VALUES, in creation order."""
    if not values:
        return []
    marks = ", ".join("?" * len(values))
    found = raw.rows(
        conn,
        f"SELECT name, sql FROM sqlite_master WHERE type = ? AND sql IS NOT NULL AND {column} IN ({marks}) "
        "ORDER BY rowid",
        (kind, *values),
    )
    return [(str(name), str(sql)) for name, sql in found]


def _secondary_indexes(conn: Connection, tables: Sequence[str]) -> list[tuple[str, str]]:
    """(name, SQL) of the indexes of TABLES that no constraint owns (autoindexes and primary keys stay)."""
    if not tables:
        return []
    if dialect.is_sqlite(conn):
        return _schema_sql(conn, "index", "tbl_name", tables)
    marks = ", ".join("?" * len(tables))
    found = conn.exec_driver_sql(  # as bulk.indexes_deferred
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
        f"AND i.tablename IN ({marks}) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = "
        "i.indexname AND c.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = i.schemaname))",
        tuple(tables),
    )
    return [(str(name), str(sql)) for name, sql in found]


def restore(conn: Connection, aside: SetAside) -> None:
    """Create again what `set_aside` dropped: the indexes (each built in one sort), then the triggers."""
    for _, sql in (*aside.indexes, *aside.triggers):
        _run(conn, sql)


@contextmanager
def deferred(
    conn: Connection,
    tables: Sequence[str],
    *,
    keep: Sequence[str] = (),
    triggers: Sequence[str] = (),
    indexes: bool = True,
) -> Iterator[SetAside]:
    """`set_aside` for the block, `restore` after it (INDEXES false: only the triggers are set aside)."""
    aside = set_aside(conn, tables if indexes else (), keep=keep, triggers=triggers)
    yield aside
    restore(conn, aside)


@contextmanager
def load_cache(conn: Connection, kib: int = LOAD_CACHE_KIB) -> Iterator[None]:
    """SQLite: a page cache of KIB KiB on this connection for the block, then its own again (others: nothing)."""
    if not dialect.is_sqlite(conn):
        yield
        return
    found = raw.first(conn, "PRAGMA cache_size")
    usual = int(found[0]) if found else -2000
    raw.run(conn, f"PRAGMA cache_size = {-abs(int(kib))}")
    try:
        yield
    finally:
        raw.run(conn, f"PRAGMA cache_size = {usual}")


def build_search(
    conn: Connection, first: int, last: int, *, progress: Callable[[int, int], None] | None = None
) -> None:
    """The search documents of the new inquiries FIRST..LAST (every id between, none indexed yet), in blocks.

    The same document the per-row triggers and bulk.reindex make (subject, the messages but
    auto-replies, the buyer's company). PROGRESS is told (done, total) after each block. SQLite:
    FTS5 keeps SEARCH_HASH_BYTES of new terms in memory before it writes a segment, for these
    statements only (with its default, 1 MB, it writes and merges many small segments: the index
    of 100k inquiries took 2.3 s of CPU against 1.4 s); the store's FTS configuration is left as it was.
    """
    with _search_hash(conn):
        for lo in range(first, last + 1, SEARCH_BLOCK):
            hi = min(last, lo + SEARCH_BLOCK - 1)
            ids = range(lo, hi + 1)
            bulk.reindex(conn, ids, new=frozenset(ids))
            if progress is not None:
                progress(hi - first + 1, last - first + 1)


FTS5_DEFAULT_HASHSIZE = 1024 * 1024  # FTS5_DEFAULT_HASHSIZE in SQLite's fts5Int.h
SEARCH_HASH_BYTES = 64 * 1024 * 1024


@contextmanager
def _search_hash(conn: Connection) -> Iterator[None]:
    """SQLite: the search index's FTS5 'hashsize' at SEARCH_HASH_BYTES for the block, then as it was: its own
    value again, or no stored value (the default) when it had none (others: nothing)."""
    if not dialect.is_sqlite(conn):
        yield
        return
    found = raw.first(conn, "SELECT v FROM inquiry_fts_config WHERE k = 'hashsize'")
    raw.run(conn, "INSERT INTO inquiry_fts (inquiry_fts, rank) VALUES ('hashsize', ?)", (SEARCH_HASH_BYTES,))
    try:
        yield
    finally:
        usual = int(found[0]) if found else FTS5_DEFAULT_HASHSIZE
        raw.run(conn, "INSERT INTO inquiry_fts (inquiry_fts, rank) VALUES ('hashsize', ?)", (usual,))
        if found is None:  # this connection's FTS5 holds the default again; the store holds no value, as before
            raw.run(conn, "DELETE FROM inquiry_fts_config WHERE k = 'hashsize'")


def drop_reply_days(conn: Connection, earliest: str, latest: str) -> None:
    """What the reply-rate triggers do for new inquiries received EARLIEST..LATEST (stored text): the cached
    days they fall in are dropped and the cache's epoch moves on (migration 0003)."""
    if dialect.is_sqlite(conn):
        raw.run(conn, "DELETE FROM reply_day WHERE day_end > ? AND day_start <= ?", (earliest, latest))
        raw.run(conn, "UPDATE reply_day_epoch SET n = n + 1")
    else:  # dropped at commit by the row's deferred trigger (migration 0003), as bulk.write_threads does
        conn.exec_driver_sql(
            "INSERT INTO reply_day_dirty (lo, hi) VALUES (CAST(? AS timestamp), CAST(? AS timestamp))",
            (earliest, latest),
        )


def _run(conn: Connection, sql: str) -> None:
    if dialect.is_sqlite(conn):
        raw.run(conn, sql)
    else:
        conn.exec_driver_sql(sql)
