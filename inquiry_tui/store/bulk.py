"""Bulk writes with raw executemany (SQLite) or COPY (PostgreSQL): the generator and large imports use these.

Callers hold one write transaction (`engine.begin()`, which is BEGIN IMMEDIATE on SQLite) and
pass its connection. Ids are handed out up front by an `IdPool`, so rows can reference each
other before they are written: on SQLite from max(id) under the write lock, on PostgreSQL from
the table's own sequence (`nextval`), so a colleague's reply inserting a message at the same
moment can never take the same id. `write_threads` pauses the per-row triggers for its own
transaction, indexes the new threads in one statement (migration 0002) and drops the cached
reply-rate days they fall in (migration 0003). Driver SQL is in qmark style on both engines
(store.dialect); the statements every arrival runs go through the DBAPI cursor on SQLite (store.raw).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from inquiry_tui.domain.vocabulary import Direction
from inquiry_tui.store import dialect, raw

INQUIRY_COLUMNS = (
    "id",
    "external_id",
    "channel",
    "buyer_id",
    "product_id",
    "subject",
    "quantity",
    "unit",
    "received_at",
    "owner_id",
    "rule",
    "folder",
    "is_junk",
    "junk_score",
    "junk_reasons",
    "unread",
    "tagged",
    "replied",
    "first_response_at",
    "last_message_at",
    "due_at",
    "auto_replies",
    "deleted_at",
    "version",
)
_RECEIVED = INQUIRY_COLUMNS.index("received_at")
# The arrival pipeline also writes what the buyer stated and what reception asked (domain.terms, domain.questions).
ARRIVAL_INQUIRY_COLUMNS = (*INQUIRY_COLUMNS, "terms", "asked")
MESSAGE_COLUMNS = ("id", "inquiry_id", "direction", "author_id", "sent_at", "body")
BUYER_COLUMNS = (
    "id",
    "email",
    "member_id",
    "name",
    "company",
    "country",
    "phone",
    "website",
    "address",
    "business_type",
    "employees",
    "year_established",
    "verified",
    "tier",
    "owner_id",
    "is_customer",
    "customer_since",
    "group_name",
    "type",
    "source",
    "stars",
    "notes",
    "first_seen_at",
    "last_contact_at",
    "version",
)
ALLOCATION_COLUMNS = ("at", "inquiry_id", "from_id", "to_id", "rule", "actor", "reason")
ACTIVITY_COLUMNS = ("buyer_id", "at", "kind", "detail")
DAILY_COLUMNS = ("buyer_id", "day", "kind", "count")
DETAIL_COLUMNS = ("buyer_id", "kind", "detail", "count", "last_at")
VISITOR_COLUMNS = (
    "buyer_id",
    "at",
    "region",
    "page_views",
    "store_pages",
    "site_products",
    "site_sellers",
    "search_terms",
)
TAG_COLUMNS = ("buyer_id", "tag")


THREAD_TABLES = ("inquiry", "message", "allocation_record")
# Search documents are built per chunk with a lookup of each inquiry's messages, so this index
# must stay; messages arrive in inquiry order, so keeping it costs little.
KEEP_INDEXES = ("ix_message_inquiry_sent",)
# Below this many new rows, maintaining the indexes row by row is cheaper than rebuilding them.
DEFER_INDEXES_FROM = 50_000


@contextmanager
def indexes_deferred(
    conn: Connection, tables: Sequence[str] = THREAD_TABLES, *, enabled: bool = True, keep: Sequence[str] = KEEP_INDEXES
) -> Iterator[None]:
    """Drop the secondary indexes of TABLES for a big load, then rebuild them from their own SQL.

    All inside the caller's write transaction: other processes never see the store without its
    indexes (they wait on the write lock), and a failure rolls the drop back with the rows.
    Unique constraints (autoindexes) stay, so duplicates are still refused during the load.
    Rebuilding 13 indexes over 300k inquiries and 900k messages takes ~2 s, against ~40 us
    per inquiry maintained row by row.
    """
    if not enabled:
        yield
        return
    marks = ", ".join("?" * len(tables))
    if dialect.is_sqlite(conn):
        found = conn.exec_driver_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
            tuple(tables),
        ).all()
    else:  # every index but those behind a constraint (primary keys, unique columns)
        found = conn.exec_driver_sql(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            f"AND i.tablename IN ({marks}) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname AND c.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = i.schemaname))",
            tuple(tables),
        ).all()
    indexes = [(name, sql) for name, sql in found if name not in keep]
    for name, _ in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        conn.exec_driver_sql(sql)


def next_id(conn: Connection, table: str) -> int:
    """max(id) + 1: the next free id on SQLite under the write lock (use an IdPool where rows are written)."""
    found = raw.first(conn, f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    assert found is not None  # an aggregate always has its row
    return int(found[0])


_SEQUENCES: dict[str, str] = {}  # table -> its id sequence (the schema names them; asked once per process)
COPY_FROM = 64  # rows: below this, executemany's one round trip beats COPY's protocol exchange


class IdPool:
    """Ids for new rows of TABLE, handed out in ascending order within one write transaction.

    SQLite: a counter from max(id) + 1 (the write lock keeps everyone else out, so the ids
    are contiguous). PostgreSQL: blocks of `nextval` from the table's sequence, taken as
    needed; ids another session takes meanwhile are simply skipped, and ids left unused
    at the end are gaps, as a sequence leaves them.
    """

    def __init__(self, conn: Connection, table: str) -> None:
        self.conn, self.table = conn, table
        self.sqlite = dialect.is_sqlite(conn)
        self._next = 0  # SQLite: read at the first id wanted (a single arrival by a known buyer wants no buyer id)
        self.first = 0  # SQLite: the first id handed out (0: none yet); they run on to `next_free`
        self._free: list[int] = []
        self._sequence = ""

    def reserve(self, n: int) -> None:
        """Make sure N more ids are at hand (one round trip on PostgreSQL)."""
        if self.sqlite or len(self._free) >= n:
            return
        if not self._sequence:
            self._sequence = _SEQUENCES.get(self.table) or str(
                self.conn.exec_driver_sql("SELECT pg_get_serial_sequence(?, 'id')", (self.table,)).scalar_one()
            )
            _SEQUENCES[self.table] = self._sequence
        want = n - len(self._free)
        found = self.conn.exec_driver_sql(
            "SELECT nextval(?) FROM generate_series(1, ?)", (self._sequence, want)
        ).scalars()
        self._free.extend(sorted(int(v) for v in found))
        self._free.reverse()  # pop() from the end gives the smallest first

    def take(self) -> int:
        if self.sqlite:
            if not self._next:
                self._next = self.first = next_id(self.conn, self.table)
            self._next += 1
            return self._next - 1
        if not self._free:
            self.reserve(16)
        return self._free.pop()

    @property
    def next_free(self) -> int:
        """SQLite: the id `take` hands out next, once it has handed out one."""
        return self._next

    def take_many(self, n: int) -> list[int]:
        self.reserve(n)
        return [self.take() for _ in range(n)]

    def upcoming(self, n: int) -> list[int]:
        """The next N ids `take` will hand out, in order, without taking them (for writers that name rows ahead)."""
        if self.sqlite:
            if not self._next:
                self._next = self.first = next_id(self.conn, self.table)
            return list(range(self._next, self._next + n))
        self.reserve(n)
        return self._free[::-1][:n]


def insert_rows(
    conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, upsert: str = ""
) -> None:
    """executemany of positional rows (COPY on PostgreSQL); `upsert` is an optional ON CONFLICT clause."""
    if not rows:
        return
    if not upsert and len(rows) >= COPY_FROM and dialect.is_postgres(conn):
        copy_rows(conn, table, columns, rows)
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) {upsert}"
    raw.run_many(conn, sql, rows)


def copy_rows(conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """PostgreSQL's COPY FROM STDIN of positional rows, in the connection's transaction; how many.

    Several times executemany's speed. Values go through psycopg's text dumpers (a time as
    `db_text` or a datetime, a bool or 0/1 for a boolean column); NULs in text become U+2400
    as through the engine's hook (store.dialect).
    """
    import psycopg

    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    cursor: Any = conn.connection.cursor()
    n = 0
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(dialect.clean_row(row))
                n += 1
    except psycopg.Error as exc:  # as SQLAlchemy's own errors (IntegrityError, ...), like executemany's
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from None
    finally:
        cursor.close()
    return n


def write_threads(
    conn: Connection,
    inquiries: Sequence[Sequence[Any]],
    messages: Sequence[Sequence[Any]],
    *,
    columns: Sequence[str] = INQUIRY_COLUMNS,
    index: bool = True,
) -> None:
    """New inquiries (ids given, ascending; COLUMNS, which start with INQUIRY_COLUMNS) with their messages,
    indexed for search in one go.

    Messages of inquiries that already exist may be included: their FTS documents are rebuilt.
    INDEX false: the caller indexes them itself (`reindex`) before its transaction ends, e.g. once
    for several calls.
    """
    if not inquiries and not messages:
        return
    new_ids = [row[0] for row in inquiries]
    touched = {row[1] for row in messages}.difference(new_ids)
    sqlite = dialect.is_sqlite(conn)
    if sqlite:
        raw.run(conn, "INSERT INTO inquiry_fts_pause (id) VALUES (1)")
    else:
        conn.exec_driver_sql("SELECT set_config('inquiry_tui.fts_pause', 'on', true)")
    insert_rows(conn, "inquiry", columns, inquiries)
    insert_rows(conn, "message", MESSAGE_COLUMNS, messages)
    if index:
        reindex(conn, [*new_ids, *touched], new=set(new_ids))
    if inquiries:  # the paused per-row triggers of migration 0003 would have dropped these days
        received = [row[_RECEIVED] for row in inquiries]
        if sqlite:
            raw.run(conn, "DELETE FROM reply_day WHERE day_end > ? AND day_start <= ?", (min(received), max(received)))
            raw.run(conn, "UPDATE reply_day_epoch SET n = n + 1")
        else:  # dropped at commit by the row's deferred trigger (migration 0003), like the per-row ones
            conn.exec_driver_sql(
                "INSERT INTO reply_day_dirty (lo, hi) VALUES (CAST(? AS timestamp), CAST(? AS timestamp))",
                (str(min(received)), str(max(received))),
            )
    if sqlite:
        raw.run(conn, "DELETE FROM inquiry_fts_pause")
    else:
        conn.exec_driver_sql("SELECT set_config('inquiry_tui.fts_pause', 'off', true)")


_FTS_DOC = (
    "SELECT i.id, i.subject, COALESCE((SELECT group_concat(m.body, char(10)) FROM message m "
    f"WHERE m.inquiry_id = i.id AND m.direction != '{Direction.AUTO}'), ''), COALESCE(b.company, '') "
    "FROM inquiry i JOIN buyer b ON b.id = i.buyer_id"
)


_PG_DOC = "to_tsvector('inquiry_search', inquiry_fts_text({}))"
_PG_FTS_DOC = (
    f"SELECT i.id, {_PG_DOC.format('i.subject')}, "
    + _PG_DOC.format(
        "COALESCE((SELECT string_agg(m.body, chr(10) ORDER BY m.id) FROM message m "
        f"WHERE m.inquiry_id = i.id AND m.direction != '{Direction.AUTO}'), '')"
    )
    + f", {_PG_DOC.format('b.company')} FROM inquiry i JOIN buyer b ON b.id = i.buyer_id"
)


def reindex(conn: Connection, inquiry_ids: Sequence[int], *, new: set[int] | frozenset[int] = frozenset()) -> None:
    """(Re)build the FTS documents of these inquiries; ids in `new` have none yet."""
    if not dialect.is_sqlite(conn):
        _reindex_postgres(conn, inquiry_ids, new)
        return
    old = [i for i in inquiry_ids if i not in new]
    if old:
        raw.run_many(conn, "DELETE FROM inquiry_fts WHERE rowid = ?", [(i,) for i in old])
    ids = sorted(inquiry_ids)
    if not ids:
        return
    if ids[-1] - ids[0] + 1 == len(ids):  # a contiguous range: one statement, rows in rowid order
        raw.run(
            conn,
            f"INSERT INTO inquiry_fts (rowid, subject, body, company) {_FTS_DOC} WHERE i.id BETWEEN ? AND ? ORDER BY i.id",
            (ids[0], ids[-1]),
        )
    else:
        raw.run_many(
            conn,
            f"INSERT INTO inquiry_fts (rowid, subject, body, company) {_FTS_DOC} WHERE i.id = ?",
            [(i,) for i in ids],
        )


def _reindex_postgres(conn: Connection, inquiry_ids: Sequence[int], new: set[int] | frozenset[int]) -> None:
    old = [i for i in inquiry_ids if i not in new]
    if old:
        conn.exec_driver_sql("DELETE FROM inquiry_fts WHERE id = ANY(?)", (old,))
    ids = sorted(inquiry_ids)
    if not ids:
        return
    insert = "INSERT INTO inquiry_fts (id, subject, body, company) "
    if ids[-1] - ids[0] + 1 == len(ids):
        conn.exec_driver_sql(f"{insert}{_PG_FTS_DOC} WHERE i.id BETWEEN ? AND ?", (ids[0], ids[-1]))
    else:
        conn.exec_driver_sql(f"{insert}{_PG_FTS_DOC} WHERE i.id = ANY(?)", (ids,))


def add_daily(conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Add to per-day activity counts (buyer, day, kind, count)."""
    insert_rows(
        conn,
        "activity_daily",
        DAILY_COLUMNS,
        rows,
        upsert="ON CONFLICT(buyer_id, day, kind) DO UPDATE SET count = activity_daily.count + excluded.count",
    )


def add_details(conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Add to per-detail counts (search terms, SKUs viewed)."""
    insert_rows(
        conn,
        "activity_detail",
        DETAIL_COLUMNS,
        rows,
        upsert="ON CONFLICT(buyer_id, kind, detail) DO UPDATE SET count = activity_detail.count + excluded.count, "
        f"last_at = {dialect.greatest(conn, 'activity_detail.last_at', 'excluded.last_at')}",
    )
