"""The inbox's hot SQL: list rows, keyset pages, jump seeks, positions and counts per view, FTS search, lookups.

Every list is ordered newest first by a key, (received_at, id) for inquiries and (at, id) for
allocation records, and pages by keyset on that key: `WHERE key < :last ORDER BY key DESC LIMIT n`
walks one index range, so page 10,000 costs what page 1 costs. OFFSET appears in one place
only, `key_at`, an index-only seek from a starting point the caller picks. On SQLite `INDEXED BY`
pins each view to its partial index (store.queries.folders).

Search is FTS5 newest first (rowid = inquiry id): the first hits come off the end of the
rowid order and nothing is ranked. Ranked search ranks only the newest `cand` hits. On
PostgreSQL the same documents are `inquiry_fts.doc` tsvectors under a GIN index (migration
0002), matched by the tsquery `inquiry_fts_query()` builds from the same words, newest first
by id; ranking there is `ts_rank_cd` over the same newest `cand` hits.

Functions that build SQL take `sqlite` (whether the session is on SQLite): booleans, byte
lengths and index hints differ (store.dialect).

The SQL is built from constants here and in folders.py, never from user text; user values
are bound parameters. Functions return raw rows; services turn them into their dataclasses
and decide `own` (a salesperson sees only their own inquiries: `owner_id = :me`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from inquiry_tui.domain.vocabulary import Folder, View
from inquiry_tui.store import dialect, plain_sql
from inquiry_tui.store.plain_sql import Reader as Bind
from inquiry_tui.store.queries.folders import VIEWS, overdue_sql

if TYPE_CHECKING:
    from sqlmodel import Session

# The inbox reads on a plain sqlite3 connection on SQLite (Ctx.read_plain), else on a Core connection; a
# session works alike (store/plain_sql.py).

SUBJECT_CHARS = 240  # a list row never needs more; a hostile 1 MB subject stays in the store


def _short(column: str, chars: int, sqlite: bool = True) -> str:
    """COLUMN, cut to CHARS characters only when it is long.

    SQLite's substr() and length() stop at a NUL character, so cutting every value would let
    a NUL hide the rest of a subject; the byte length (of the value as a blob) does not stop.
    PostgreSQL text holds no NUL (store.dialect), so a plain substr() is exact there.
    """
    if not sqlite:
        return f"substr({column}, 1, {chars})"
    return (
        f"CASE WHEN length(CAST({column} AS BLOB)) <= {chars * 4} THEN {column} ELSE substr({column}, 1, {chars}) END"
    )


def row_columns(sqlite: bool = True) -> str:
    """One list row (services.inbox.rows.row_from reads these 20 columns in this order); the last is an index
    probe per row: an admin note on it not seen yet (services.notes)."""
    return (
        f"i.id, i.received_at, {_short('i.subject', SUBJECT_CHARS, sqlite)}, i.buyer_id, "
        f"{_short('b.name', 120, sqlite)}, {_short('b.company', 120, sqlite)}, b.country, b.verified, b.tier, "
        f"a.login, i.channel, i.folder, i.is_junk, i.unread, i.tagged, i.replied, i.auto_replies, "
        f"{overdue_sql('i')}, i.version, "
        "EXISTS (SELECT 1 FROM admin_note n WHERE n.inquiry_id = i.id AND n.seen_at IS NULL)"
    )


ROW_COLUMNS = row_columns()
ROW_JOINS = "JOIN buyer b ON b.id = i.buyer_id JOIN account a ON a.id = i.owner_id"
ALLOC_COLUMNS = f"ar.id, ar.at, fa.login, ta.login, ar.rule, ar.actor, {ROW_COLUMNS}"
ALLOC_FROM = (
    "allocation_record AS ar JOIN inquiry i ON i.id = ar.inquiry_id "
    f"{ROW_JOINS} LEFT JOIN account fa ON fa.id = ar.from_id JOIN account ta ON ta.id = ar.to_id"
)
_NOT_DELETED = f"i.folder != '{Folder.DELETED}'"
_DELETED_D = f"d.folder = '{Folder.DELETED}'"  # ix_inquiry_deleted's predicate, as its probes name it


@dataclass(frozen=True)
class ListQuery:
    """The SQL pieces of one view's list, for one role."""

    columns: str
    source: str  # FROM ... (joins included)
    where: str
    key: tuple[str, str]  # (time column, id column)
    key_source: str  # FROM for index-only key seeks and counts (no joins)
    allocation: bool  # rows are allocation records (AllocationRow) rather than inquiries


def list_query(view: View, *, own: bool, sqlite: bool) -> ListQuery:
    """VIEW's list; OWN restricts it to `:me` (a salesperson)."""
    if view == View.ALLOCATION:
        # A salesperson's record: what was allocated to them and what they (or the admin) moved away.
        where = "ar.at >= :since" + (" AND (ar.to_id = :me OR ar.from_id = :me)" if own else "")
        columns = f"ar.id, ar.at, fa.login, ta.login, ar.rule, ar.actor, {row_columns(sqlite)}"
        return ListQuery(columns, ALLOC_FROM, where, ("ar.at", "ar.id"), "allocation_record AS ar", True)
    spec = VIEWS[view]
    hint = f" INDEXED BY {spec.owner_index if own else spec.index}" if sqlite else ""
    source = f"inquiry AS i{hint}"
    where = spec.sql("i", "sqlite" if sqlite else "postgresql") + (" AND i.owner_id = :me" if own else "")
    return ListQuery(row_columns(sqlite), f"{source} {ROW_JOINS}", where, ("i.received_at", "i.id"), source, False)


def page(
    session: Bind, q: ListQuery, params: dict[str, Any], *, bound: tuple[str, int] | None, op: str, limit: int
) -> list[Any]:
    """Up to LIMIT rows past BOUND in the direction of OP ('<'/'<=' newest first, '>'/'>=' oldest first),
    in that order."""
    t, i = q.key
    where = q.where
    args = dict(params, n=limit)
    if bound is not None:
        where += f" AND ({t}, {i}) {op} (:k0, :k1)"
        args.update(k0=bound[0], k1=bound[1])
    order = "DESC" if op in ("<", "<=") else "ASC"
    sql = f"SELECT {q.columns} FROM {q.source} WHERE {where} ORDER BY {t} {order}, {i} {order} LIMIT :n"
    return plain_sql.rows(session, sql, args)


def count(session: Bind, q: ListQuery, params: dict[str, Any]) -> int:
    """Rows of the list: one index range count (partial indexes)."""
    sql = f"SELECT count(*) FROM {q.key_source} WHERE {q.where}"
    return int(plain_sql.scalar(session, sql, params))


def key_at(
    session: Bind, q: ListQuery, params: dict[str, Any], *, order: str, offset: int, bound: tuple[str, int] | None
) -> tuple[str, int] | None:
    """The key OFFSET rows from BOUND (or from the top / bottom) in ORDER ('DESC' / 'ASC'): index-only."""
    t, i = q.key
    where = q.where
    args = dict(params, off=max(0, offset))
    if bound is not None:
        where += f" AND ({t}, {i}) {'<=' if order == 'DESC' else '>='} (:k0, :k1)"
        args.update(k0=bound[0], k1=bound[1])
    sql = f"SELECT {t}, {i} FROM {q.key_source} WHERE {where} ORDER BY {t} {order}, {i} {order} LIMIT 1 OFFSET :off"
    found = plain_sql.first(session, sql, args)
    if found is None:
        return None
    t = found[0]
    return (t.isoformat(" ", "microseconds") if isinstance(t, datetime) else str(t), found[1])


def position(session: Bind, q: ListQuery, params: dict[str, Any], key: tuple[str, int]) -> int:
    """How many rows of the list are newer than KEY (an index-only count)."""
    t, i = q.key
    sql = f"SELECT count(*) FROM {q.key_source} WHERE {q.where} AND ({t}, {i}) > (:k0, :k1)"
    return int(plain_sql.scalar(session, sql, dict(params, k0=key[0], k1=key[1])))


# --- full-text search --------------------------------------------------------------------------


def _search_sql(*, own: bool, after: bool, ranked: bool) -> str:
    mine = " AND i.owner_id = :me" if own else ""
    bound = " AND f.rowid < :after" if after else ""
    if ranked:
        # rank only the newest :cand hits: bm25 over every hit of a common word is seconds
        bound += (
            " AND f.rowid >= (SELECT min(rid) FROM (SELECT f2.rowid AS rid FROM inquiry_fts AS f2 "
            f"JOIN inquiry i2 ON i2.id = f2.rowid WHERE inquiry_fts MATCH :q AND {_NOT_DELETED.replace('i.', 'i2.')}"
            + mine.replace("i.", "i2.")
            + " ORDER BY f2.rowid DESC LIMIT :cand))"
        )
    order = "f.rank" if ranked else "f.rowid DESC"
    return (
        f"SELECT {ROW_COLUMNS} FROM inquiry_fts AS f JOIN inquiry i ON i.id = f.rowid {ROW_JOINS} "
        f"WHERE inquiry_fts MATCH :q AND {_NOT_DELETED}{mine}{bound} ORDER BY {order} LIMIT :n"
    )


def _pg_search_sql(*, own: bool, after: bool, ranked: bool) -> str:
    mine = " AND i.owner_id = :me" if own else ""
    bound = " AND f.id < :after" if after else ""
    if ranked:
        bound += (
            " AND f.id >= (SELECT min(rid) FROM (SELECT f2.id AS rid FROM inquiry_fts AS f2 "
            f"JOIN inquiry i2 ON i2.id = f2.id WHERE f2.doc @@ CAST(:q AS tsquery) AND "
            f"{_NOT_DELETED.replace('i.', 'i2.')}{mine.replace('i.', 'i2.')} ORDER BY f2.id DESC LIMIT :cand) AS newest)"
        )
    order = "ts_rank_cd(f.doc, CAST(:q AS tsquery)) DESC, f.id DESC" if ranked else "f.id DESC"
    return (
        f"SELECT {row_columns(sqlite=False)} FROM inquiry_fts AS f JOIN inquiry i ON i.id = f.id {ROW_JOINS} "
        f"WHERE f.doc @@ CAST(:q AS tsquery) AND {_NOT_DELETED}{mine}{bound} ORDER BY {order} LIMIT :n"
    )


def pg_tsquery(session: Bind, words: list[str]) -> str | None:
    """The tsquery (as text) of a search's words on PostgreSQL, or None when no word has a token."""
    found = plain_sql.scalar(session, "SELECT CAST(inquiry_fts_query(:w) AS text)", {"w": words})
    return found or None


def search(session: Bind, params: dict[str, Any], *, own: bool, after: bool, ranked: bool) -> list[Any]:
    """List rows of inquiries (not deleted) matching the query `:q`, newest first (or ranked), `:n` at most.

    `:q` is an FTS5 query on SQLite and a tsquery's text (`pg_tsquery`) on PostgreSQL.
    """
    if dialect.is_sqlite(session):
        return plain_sql.rows(session, _search_sql(own=own, after=after, ranked=ranked), params)
    return plain_sql.rows(session, _pg_search_sql(own=own, after=after, ranked=ranked), params)


def count_search_sql(*, sqlite: bool, own: bool) -> str:
    """The count of `count_search`: hits of `:q` (not deleted; `:me`'s only if OWN), up to `:cap`."""
    mine = " AND i.owner_id = :me" if own else ""
    if sqlite and not own:
        # Not a read of each hit's row to tell its folder (20-55 ms for 10,000 hits at 1M): a probe of
        # the small index of the deleted ones (migration 0017). A salesperson's count reads the row
        # anyway, for its owner.
        return (
            "SELECT count(*) FROM (SELECT f.rowid FROM inquiry_fts AS f WHERE inquiry_fts MATCH :q AND NOT EXISTS "
            f"(SELECT 1 FROM inquiry d INDEXED BY ix_inquiry_deleted WHERE {_DELETED_D} AND d.id = f.rowid) "
            "LIMIT :cap)"
        )
    if sqlite:
        return (
            "SELECT count(*) FROM (SELECT f.rowid FROM inquiry_fts AS f JOIN inquiry i ON i.id = f.rowid "
            f"WHERE inquiry_fts MATCH :q AND {_NOT_DELETED}{mine} LIMIT :cap)"
        )
    return (
        "SELECT count(*) FROM (SELECT f.id FROM inquiry_fts AS f JOIN inquiry i ON i.id = f.id "
        f"WHERE f.doc @@ CAST(:q AS tsquery) AND {_NOT_DELETED}{mine} LIMIT :cap) AS hits"
    )


def count_search(session: Bind, params: dict[str, Any], *, own: bool) -> int:
    """Hits of `:q` (not deleted), counted up to `:cap`."""
    sql = count_search_sql(sqlite=dialect.is_sqlite(session), own=own)
    return int(plain_sql.scalar(session, sql, params))


# --- lookups for the command palette -----------------------------------------------------------

_HIT_COLUMNS = "i.id, i.received_at, substr(i.subject, 1, 120), substr(b.name, 1, 80), b.email, i.folder"
_BUYERS_BY_PREFIX = (
    "SELECT id FROM buyer WHERE name LIKE :p ESCAPE '\\' OR email LIKE :p ESCAPE '\\' "
    "OR company LIKE :p ESCAPE '\\' LIMIT :n"
)


def inquiry_by_id(session: Bind, params: dict[str, Any], *, own: bool) -> list[Any]:
    """The palette row of inquiry `:id` (none if OWN and not `:me`'s)."""
    mine = " AND i.owner_id = :me" if own else ""
    sql = f"SELECT {_HIT_COLUMNS} FROM inquiry i JOIN buyer b ON b.id = i.buyer_id WHERE i.id = :id{mine}"
    return plain_sql.rows(session, sql, params)


def buyers_by_prefix(session: Bind, prefix: str, limit: int) -> list[int]:
    """Buyer ids whose name, e-mail or company starts with PREFIX (taken literally)."""
    like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return plain_sql.scalars(session, _BUYERS_BY_PREFIX, {"p": like, "n": limit})


def latest_of_buyer(session: Bind, params: dict[str, Any], *, own: bool) -> list[Any]:
    """The palette row of buyer `:b`'s newest inquiry (`:me`'s only if OWN)."""
    mine = " AND i.owner_id = :me" if own else ""
    sql = (
        f"SELECT {_HIT_COLUMNS} FROM inquiry i JOIN buyer b ON b.id = i.buyer_id WHERE i.buyer_id = :b{mine} "
        "ORDER BY i.received_at DESC LIMIT 1"
    )
    return plain_sql.rows(session, sql, params)


# --- export ------------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "i.id, i.external_id, i.channel, i.received_at, b.email, b.country, p.sku, i.subject, a.login, i.rule, "
    "i.folder, i.tagged, i.unread, i.replied, i.auto_replies, i.due_at, i.terms"
)


def export_page(session: Session, *, view: View | None, owner: int | None, after: int, limit: int) -> list[Any]:
    """Up to LIMIT inquiries with an id above AFTER, by id (keyset), in VIEW (None: every folder), OWNER's only."""
    where, args = "", [after]
    if view is not None:
        where += f" AND {VIEWS[view].sql('i', dialect.name(session))}"
    if owner is not None:
        where += " AND i.owner_id = ?"
        args.append(owner)
    sql = (
        f"SELECT {EXPORT_COLUMNS} FROM inquiry i JOIN buyer b ON b.id = i.buyer_id JOIN account a ON a.id = i.owner_id "
        f"LEFT JOIN product p ON p.id = i.product_id WHERE i.id > ?{where} ORDER BY i.id LIMIT {int(limit)}"
    )
    return list(session.connection().exec_driver_sql(sql, tuple(args)).all())
