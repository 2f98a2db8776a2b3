"""The inbox's reads: folder counts, keyset pages per folder, positions, FTS search, palette lookups.

Every list is ordered newest first by a key, (received_at, id) for inquiries and (at, id) for
allocation records, and pages by keyset on that key: `WHERE key < :last ORDER BY key DESC LIMIT n`
walks one index range, so page 10,000 costs what page 1 costs. OFFSET appears in one place
only, `key_at`, an index-only seek used for jumps (scrollbar drags, End): it starts from the
nearest known position (top, bottom or a key the caller already holds), so it never walks
more than half a folder. Row shapes and their SQL are in inbox_rows.

Search is FTS5 newest first (rowid = inquiry id): the first hits come off the end of the
rowid order and nothing is ranked. Ranked search ranks only the newest RANK_CANDIDATES hits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox.rows import (
    ALLOC_COLUMNS,
    ALLOC_FROM,
    FOLDER_NAMES,
    FOLDER_TITLES,
    MAX_PAGE,
    ROW_COLUMNS,
    ROW_JOINS,
    AllocationRow,
    FolderCounts,
    InquiryRow,
    ListItem,
    Window,
    alloc_row_from,
    alloc_where,
    check_folder,
    inquiry_from,
    on_sqlite,
    row_from,
    sql_params,
)

__all__ = [
    "FOLDER_NAMES",
    "FOLDER_TITLES",
    "AllocationRow",
    "FolderCounts",
    "InquiryHit",
    "InquiryRow",
    "ListItem",
    "SearchPage",
    "Window",
    "check_folder",
    "count_folder",
    "count_search",
    "find_inquiries",
    "folder_counts",
    "fts_query",
    "in_folder",
    "key_at",
    "page_after",
    "page_at",
    "page_before",
    "position_of",
    "search",
    "window",
]

RANK_CANDIDATES = 500
SEARCH_COUNT_CAP = 10_000


@dataclass(frozen=True)
class SearchPage:
    rows: tuple[InquiryRow, ...]
    more: bool  # another page may follow (keyset on the last row's id)


@dataclass(frozen=True)
class InquiryHit:
    """A palette hit: an inquiry found by id or by its buyer."""

    id: int
    key: tuple[str, int]
    subject: str
    buyer_name: str
    buyer_email: str
    folder: str


# --- the generic keyset machinery ------------------------------------------------------------


@dataclass(frozen=True)
class _Sql:
    columns: str
    source: str  # FROM ... (joins included)
    where: str
    key: tuple[str, str]  # (time column, id column)
    convert: Any
    key_source: str  # FROM for index-only key seeks and counts (no joins)


def _sql(session: Session, ctx: Ctx, folder: str) -> _Sql:
    check_folder(folder)
    if folder == "allocation":
        return _Sql(
            ALLOC_COLUMNS, ALLOC_FROM, alloc_where(ctx), ("ar.at", "ar.id"), alloc_row_from, "allocation_record AS ar"
        )
    source, where = inquiry_from(session, ctx, folder)
    return _Sql(ROW_COLUMNS, f"{source} {ROW_JOINS}", where, ("i.received_at", "i.id"), row_from, source)


def _select(session: Session, ctx: Ctx, q: _Sql, *, bound: tuple[str, int] | None, op: str, limit: int) -> list[Any]:
    """Rows past BOUND in the direction of OP ('<'/'<=' newest first, '>'/'>=' oldest first)."""
    t, i = q.key
    where = q.where
    if bound is not None:
        where += f" AND ({t}, {i}) {op} (:k0, :k1)"
    order = "DESC" if op in ("<", "<=") else "ASC"
    sql = f"SELECT {q.columns} FROM {q.source} WHERE {where} ORDER BY {t} {order}, {i} {order} LIMIT :n"
    params = sql_params(ctx, n=max(0, min(limit, MAX_PAGE)))
    if bound is not None:
        params.update(k0=bound[0], k1=bound[1])
    rows = [q.convert(r) for r in session.execute(text(sql), params)]
    return rows if order == "DESC" else rows[::-1]


def _count(session: Session, ctx: Ctx, folder: str) -> int:
    if folder == "allocation":
        sql = f"SELECT count(*) FROM allocation_record AS ar WHERE {alloc_where(ctx)}"
    else:
        source, where = inquiry_from(session, ctx, folder)
        sql = f"SELECT count(*) FROM {source} WHERE {where}"
    return int(session.execute(text(sql), sql_params(ctx)).scalar_one())


def folder_counts(ctx: Ctx) -> FolderCounts:
    """Rows per folder for the acting account: one index range count each (partial indexes)."""
    with ctx.read() as session:
        return FolderCounts(**{name: _count(session, ctx, name) for name in FOLDER_NAMES})


def count_folder(ctx: Ctx, folder: str) -> int:
    with ctx.read() as session:
        return _count(session, ctx, check_folder(folder))


def page_after(ctx: Ctx, folder: str, key: tuple[str, int] | None, limit: int) -> list[ListItem]:
    """The LIMIT rows after KEY (older), newest first; KEY None starts at the top."""
    with ctx.read() as session:
        return _select(session, ctx, _sql(session, ctx, folder), bound=key, op="<", limit=limit)


def page_before(ctx: Ctx, folder: str, key: tuple[str, int], limit: int) -> list[ListItem]:
    """The LIMIT rows just before KEY (newer), returned newest first."""
    with ctx.read() as session:
        return _select(session, ctx, _sql(session, ctx, folder), bound=key, op=">", limit=limit)


def key_at(
    ctx: Ctx, folder: str, position: int, total: int, hint: tuple[int, tuple[str, int]] | None = None
) -> tuple[str, int] | None:
    """The key at POSITION (0 = newest): an index-only seek from the nearest known point."""
    with ctx.read() as session:
        return _key_at(session, ctx, _sql(session, ctx, folder), position, total, hint)


def _key_at(
    session: Session, ctx: Ctx, q: _Sql, position: int, total: int, hint: tuple[int, tuple[str, int]] | None
) -> tuple[str, int] | None:
    t, i = q.key
    source, where = q.key_source, q.where
    # Starting points (rows walked, order, offset, bound): the top, the bottom, the hint.
    starts: list[tuple[int, str, int, tuple[str, int] | None]] = [(position, "DESC", position, None)]
    if 0 <= position < total:
        # From the bottom (a stale TOTAL shifts this by the rows that moved meanwhile).
        starts.append((total - 1 - position, "ASC", total - 1 - position, None))
    if hint is not None:
        hint_pos, hint_key = hint
        if position >= hint_pos:
            starts.append((position - hint_pos, "DESC", position - hint_pos, hint_key))
        else:
            starts.append((hint_pos - position, "ASC", hint_pos - position, hint_key))
    _, order, offset, bound = min(starts, key=lambda s: s[0])
    params = sql_params(ctx, off=max(0, offset))
    if bound is not None:
        where += f" AND ({t}, {i}) {'<=' if order == 'DESC' else '>='} (:k0, :k1)"
        params.update(k0=bound[0], k1=bound[1])
    sql = f"SELECT {t}, {i} FROM {source} WHERE {where} ORDER BY {t} {order}, {i} {order} LIMIT 1 OFFSET :off"
    found = session.execute(text(sql), params).first()
    return (str(found[0]), found[1]) if found else None


def position_of(ctx: Ctx, folder: str, key: tuple[str, int]) -> int:
    """How many rows of FOLDER are newer than KEY (an index-only count)."""
    with ctx.read() as session:
        return _position_of(session, ctx, _sql(session, ctx, folder), key)


def _position_of(session: Session, ctx: Ctx, q: _Sql, key: tuple[str, int]) -> int:
    t, i = q.key
    source, where = q.key_source, q.where
    sql = f"SELECT count(*) FROM {source} WHERE {where} AND ({t}, {i}) > (:k0, :k1)"
    return int(session.execute(text(sql), sql_params(ctx, k0=key[0], k1=key[1])).scalar_one())


def window(
    ctx: Ctx,
    folder: str,
    anchor: tuple[str, int] | None,
    page_size: int,
    *,
    anchor_position: int | None = None,
    with_total: bool = False,
) -> Window:
    """The aligned page holding ANCHOR (the anchor row or, if it left, the next older one).

    One read transaction, so the rows, the position and the total agree. ANCHOR None is the
    top of the folder. ANCHOR_POSITION, when the caller knows it, saves the position count.
    """
    with ctx.read() as session:
        q = _sql(session, ctx, folder)
        total = _count(session, ctx, folder) if with_total else None
        if anchor is None:
            rows = _select(session, ctx, q, bound=None, op="<", limit=page_size)
            return Window(total, 0, tuple(rows), 0)
        position = anchor_position if anchor_position is not None else _position_of(session, ctx, q, anchor)
        above = position % page_size
        newer = _select(session, ctx, q, bound=anchor, op=">", limit=above) if above else []
        older = _select(session, ctx, q, bound=anchor, op="<=", limit=page_size - len(newer))
        first = max(0, position - len(newer))
        return Window(total, first, tuple(newer + older), first + len(newer))


def page_at(
    ctx: Ctx,
    folder: str,
    position: int,
    page_size: int,
    total: int,
    hint: tuple[int, tuple[str, int]] | None = None,
) -> list[ListItem]:
    """The page starting at POSITION (a jump): a key seek, then one keyset page."""
    with ctx.read() as session:
        q = _sql(session, ctx, folder)
        key = _key_at(session, ctx, q, position, total, hint)
        if key is None:
            return []
        return _select(session, ctx, q, bound=key, op="<=", limit=page_size)


def in_folder(folder: str, *, folder_state: str, unread: bool, tagged: bool, replied: bool) -> bool:
    """Whether an inquiry in this state belongs to FOLDER (the allocation record holds records)."""
    if folder == "all":
        return folder_state == "inbox"
    if folder == "unread":
        return folder_state == "inbox" and unread
    if folder == "sent":
        return replied and folder_state != "deleted"
    if folder == "tagged":
        return tagged and folder_state != "deleted"
    if folder in ("junk", "deleted"):
        return folder_state == folder
    return True


# --- search ----------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w", re.UNICODE)
_NOT_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def fts_query(terms: str) -> str | None:
    """The user's words as FTS5 strings (all must match; the last one as a prefix), or None.

    Each word is double-quoted with inner quotes doubled, so FTS5 operators, column filters
    and parentheses typed by a user are searched for as text, never parsed as query syntax.
    Words without a letter or digit cannot match anything and are dropped.
    """
    # Control characters and lone surrogates are not text a user means to find (and a NUL
    # ends the query string inside SQLite): they separate words.
    terms = _NOT_TEXT.sub(" ", terms)
    words = [w for w in terms.split() if _TOKEN.search(w)]
    if not words:
        return None
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _search_sql(ctx: Ctx, *, after: bool, ranked: bool) -> str:
    own = "" if ctx.actor.is_admin else " AND i.owner_id = :me"
    bound = " AND f.rowid < :after" if after else ""
    if ranked:
        # rank only the newest RANK_CANDIDATES hits: bm25 over every hit of a common word is seconds
        bound += (
            " AND f.rowid >= (SELECT min(rid) FROM (SELECT f2.rowid AS rid FROM inquiry_fts AS f2 "
            "JOIN inquiry i2 ON i2.id = f2.rowid WHERE inquiry_fts MATCH :q AND i2.folder != 'deleted'"
            + own.replace("i.", "i2.")
            + " ORDER BY f2.rowid DESC LIMIT :cand))"
        )
    order = "f.rank" if ranked else "f.rowid DESC"
    return (
        f"SELECT {ROW_COLUMNS} FROM inquiry_fts AS f JOIN inquiry i ON i.id = f.rowid {ROW_JOINS} "
        f"WHERE inquiry_fts MATCH :q AND i.folder != 'deleted'{own}{bound} ORDER BY {order} LIMIT :n"
    )


def search(ctx: Ctx, terms: str, *, after_id: int | None = None, limit: int = 50, ranked: bool = False) -> SearchPage:
    """Inquiries (not deleted) whose subject, bodies or buyer company match TERMS, newest first.

    Paging is keyset on the inquiry id (`after_id` = the last id shown). RANKED orders the newest
    RANK_CANDIDATES hits by relevance instead (one page, no paging).
    """
    query = fts_query(terms)
    if query is None:
        return SearchPage((), False)
    limit = max(1, min(limit, MAX_PAGE))
    with ctx.read() as session:
        if not on_sqlite(session):
            raise ValidationError("full-text search needs the SQLite store")
        sql = _search_sql(ctx, after=after_id is not None and not ranked, ranked=ranked)
        params = sql_params(ctx, q=query, after=after_id, n=limit + 1, cand=RANK_CANDIDATES)
        rows = [row_from(r) for r in session.execute(text(sql), params)]
    more = len(rows) > limit and not ranked
    return SearchPage(tuple(rows[:limit]), more)


def count_search(ctx: Ctx, terms: str) -> int:
    """Hits of TERMS the actor may see, counted up to SEARCH_COUNT_CAP + 1 (then "10,000+")."""
    query = fts_query(terms)
    if query is None:
        return 0
    own = "" if ctx.actor.is_admin else " AND i.owner_id = :me"
    sql = (
        "SELECT count(*) FROM (SELECT f.rowid FROM inquiry_fts AS f JOIN inquiry i ON i.id = f.rowid "
        f"WHERE inquiry_fts MATCH :q AND i.folder != 'deleted'{own} LIMIT :cap)"
    )
    with ctx.read() as session:
        return int(session.execute(text(sql), sql_params(ctx, q=query, cap=SEARCH_COUNT_CAP + 1)).scalar_one())


# --- lookups for the command palette ---------------------------------------------------------


def find_inquiries(ctx: Ctx, query: str, limit: int = 8) -> list[InquiryHit]:
    """Inquiries by id ("123" or "#123") or by buyer name, e-mail or company (newest first)."""
    query = query.strip()
    if not query:
        return []
    own = "" if ctx.actor.is_admin else " AND i.owner_id = :me"
    cols = "i.id, i.received_at, substr(i.subject, 1, 120), substr(b.name, 1, 80), b.email, i.folder"
    with ctx.read() as session:
        digits = query.lstrip("#")
        if digits.isdigit():
            sql = f"SELECT {cols} FROM inquiry i JOIN buyer b ON b.id = i.buyer_id WHERE i.id = :id{own}"
            found = session.execute(text(sql), sql_params(ctx, id=int(digits))).all()
            return [_hit(r) for r in found]
        like = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        buyers = (
            session.execute(
                text(
                    "SELECT id FROM buyer WHERE name LIKE :p ESCAPE '\\' OR email LIKE :p ESCAPE '\\' "
                    "OR company LIKE :p ESCAPE '\\' LIMIT :n"
                ),
                {"p": like, "n": limit * 4},
            )
            .scalars()
            .all()
        )
        hits: list[InquiryHit] = []
        for buyer_id in buyers:
            sql = (
                f"SELECT {cols} FROM inquiry i JOIN buyer b ON b.id = i.buyer_id WHERE i.buyer_id = :b{own} "
                "ORDER BY i.received_at DESC LIMIT 1"
            )
            hits.extend(_hit(r) for r in session.execute(text(sql), sql_params(ctx, b=buyer_id)))
            if len(hits) >= limit:
                break
        return hits


def _hit(r: Any) -> InquiryHit:
    return InquiryHit(r[0], (str(r[1]), r[0]), r[2] or "", r[3] or "", r[4] or "", r[5])
