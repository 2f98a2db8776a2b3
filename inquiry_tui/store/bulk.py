"""Bulk writes with raw executemany (SQLite): the generator and large imports use these.

Callers hold one write transaction (`engine.begin()`, which is BEGIN IMMEDIATE) and pass its
connection. Ids are allocated up front from max(id) under that lock, so rows can reference
each other before they are written. `write_threads` pauses the per-row triggers for its own
transaction, indexes the new threads in one statement (migration 0002) and drops the cached
reply-rate days they fall in (migration 0003).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection

from inquiry_tui.domain.vocabulary import Direction

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
    if not enabled or conn.dialect.name != "sqlite":
        yield
        return
    marks = ", ".join("?" * len(tables))
    found = conn.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
        tuple(tables),
    ).all()
    indexes = [(name, sql) for name, sql in found if name not in keep]
    for name, _ in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        conn.exec_driver_sql(sql)


def next_id(conn: Connection, table: str) -> int:
    return int(conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").scalar_one())


def insert_rows(
    conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, upsert: str = ""
) -> None:
    """executemany of positional rows; `upsert` is an optional ON CONFLICT clause."""
    if not rows:
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) {upsert}"
    conn.exec_driver_sql(sql, list(rows))


def write_threads(
    conn: Connection,
    inquiries: Sequence[Sequence[Any]],
    messages: Sequence[Sequence[Any]],
    *,
    columns: Sequence[str] = INQUIRY_COLUMNS,
) -> None:
    """New inquiries (ids given, ascending; COLUMNS, which start with INQUIRY_COLUMNS) with their messages,
    indexed for search in one go.

    Messages of inquiries that already exist may be included: their FTS documents are rebuilt.
    """
    if not inquiries and not messages:
        return
    new_ids = [row[0] for row in inquiries]
    touched = {row[1] for row in messages}.difference(new_ids)
    conn.exec_driver_sql("INSERT INTO inquiry_fts_pause (id) VALUES (1)")
    insert_rows(conn, "inquiry", columns, inquiries)
    insert_rows(conn, "message", MESSAGE_COLUMNS, messages)
    reindex(conn, [*new_ids, *touched], new=set(new_ids))
    if inquiries:  # the paused per-row triggers of migration 0003 would have dropped these days
        received = [row[_RECEIVED] for row in inquiries]
        conn.exec_driver_sql(
            "DELETE FROM reply_day WHERE day_end > ? AND day_start <= ?", (min(received), max(received))
        )
        conn.exec_driver_sql("UPDATE reply_day_epoch SET n = n + 1")
    conn.exec_driver_sql("DELETE FROM inquiry_fts_pause")


_FTS_DOC = (
    "SELECT i.id, i.subject, COALESCE((SELECT group_concat(m.body, char(10)) FROM message m "
    f"WHERE m.inquiry_id = i.id AND m.direction != '{Direction.AUTO}'), ''), COALESCE(b.company, '') "
    "FROM inquiry i JOIN buyer b ON b.id = i.buyer_id"
)


def reindex(conn: Connection, inquiry_ids: Sequence[int], *, new: set[int] | frozenset[int] = frozenset()) -> None:
    """(Re)build the FTS documents of these inquiries; ids in `new` have none yet."""
    old = [i for i in inquiry_ids if i not in new]
    if old:
        conn.exec_driver_sql("DELETE FROM inquiry_fts WHERE rowid = ?", [(i,) for i in old])
    ids = sorted(inquiry_ids)
    if not ids:
        return
    if ids[-1] - ids[0] + 1 == len(ids):  # a contiguous range: one statement, rows in rowid order
        conn.exec_driver_sql(
            f"INSERT INTO inquiry_fts (rowid, subject, body, company) {_FTS_DOC} WHERE i.id BETWEEN ? AND ? ORDER BY i.id",
            (ids[0], ids[-1]),
        )
    else:
        conn.exec_driver_sql(
            f"INSERT INTO inquiry_fts (rowid, subject, body, company) {_FTS_DOC} WHERE i.id = ?",
            [(i,) for i in ids],
        )


def add_daily(conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Add to per-day activity counts (buyer, day, kind, count)."""
    insert_rows(
        conn,
        "activity_daily",
        DAILY_COLUMNS,
        rows,
        upsert="ON CONFLICT(buyer_id, day, kind) DO UPDATE SET count = count + excluded.count",
    )


def add_details(conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Add to per-detail counts (search terms, SKUs viewed)."""
    insert_rows(
        conn,
        "activity_detail",
        DETAIL_COLUMNS,
        rows,
        upsert="ON CONFLICT(buyer_id, kind, detail) DO UPDATE SET count = count + excluded.count, last_at = max(last_at, excluded.last_at)",
    )
