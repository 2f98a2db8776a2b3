"""The inbox's reads: folder counts, keyset pages per folder, positions, FTS search, palette lookups.

Every list pages by keyset on its key (store.queries.inbox holds the SQL), so page 10,000
costs what page 1 costs. OFFSET appears in one place only, `key_at`, an index-only seek used
for jumps (scrollbar drags, End): it starts from the nearest known position (top, bottom or a
key the caller already holds), so it never walks more than half a folder. Row shapes are in
inbox.rows. A salesperson sees their own inquiries only: every query here is asked with
`own` set for them.

Search is FTS5 newest first (rowid = inquiry id): the first hits come off the end of the
rowid order and nothing is ranked. Ranked search ranks only the newest RANK_CANDIDATES hits.

Every read is one `Ctx.read_plain` transaction: on SQLite a plain sqlite3 connection, so the inbox's
first page is read before SQLAlchemy is loaded (docs/performance.md, "Start without SQLAlchemy, session 10").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from inquiry_tui.domain.vocabulary import View
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox.rows import (
    FOLDER_NAMES,
    FOLDER_TITLES,
    MAX_PAGE,
    AllocationRow,
    FolderCounts,
    InquiryRow,
    ListItem,
    Window,
    alloc_row_from,
    check_folder,
    key_text,
    on_sqlite,
    row_from,
    sql_params,
)
from inquiry_tui.store.plain_sql import Reader
from inquiry_tui.store.queries import inbox as q_inbox
from inquiry_tui.store.queries.folders import in_view

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
    "key_ladder",
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


def _query(session: Reader, ctx: Ctx, folder: str) -> q_inbox.ListQuery:
    return q_inbox.list_query(check_folder(folder), own=not ctx.actor.is_admin, sqlite=on_sqlite(session))


def _select(
    session: Reader, ctx: Ctx, q: q_inbox.ListQuery, *, bound: tuple[str, int] | None, op: str, limit: int
) -> list[Any]:
    """Rows past BOUND in the direction of OP ('<'/'<=' newest first, '>'/'>=' oldest first), newest first."""
    raw = q_inbox.page(session, q, sql_params(ctx), bound=bound, op=op, limit=max(0, min(limit, MAX_PAGE)))
    convert = alloc_row_from if q.allocation else row_from
    rows = [convert(r) for r in raw]
    return rows if op in ("<", "<=") else rows[::-1]


def _count(session: Reader, ctx: Ctx, folder: str) -> int:
    return q_inbox.count(session, _query(session, ctx, folder), sql_params(ctx))


def folder_counts(ctx: Ctx) -> FolderCounts:
    """Rows per folder for the acting account: one index range count each (partial indexes)."""
    with ctx.read_plain() as session:
        return FolderCounts(**{view.value: _count(session, ctx, view) for view in View})


def count_folder(ctx: Ctx, folder: str) -> int:
    with ctx.read_plain() as session:
        return _count(session, ctx, folder)


def page_after(ctx: Ctx, folder: str, key: tuple[str, int] | None, limit: int) -> list[ListItem]:
    """The LIMIT rows after KEY (older), newest first; KEY None starts at the top."""
    with ctx.read_plain() as session:
        return _select(session, ctx, _query(session, ctx, folder), bound=key, op="<", limit=limit)


def page_before(ctx: Ctx, folder: str, key: tuple[str, int], limit: int) -> list[ListItem]:
    """The LIMIT rows just before KEY (newer), returned newest first."""
    with ctx.read_plain() as session:
        return _select(session, ctx, _query(session, ctx, folder), bound=key, op=">", limit=limit)


def key_at(
    ctx: Ctx, folder: str, position: int, total: int, hint: tuple[int, tuple[str, int]] | None = None
) -> tuple[str, int] | None:
    """The key at POSITION (0 = newest): an index-only seek from the nearest known point."""
    with ctx.read_plain() as session:
        return _key_at(session, ctx, _query(session, ctx, folder), position, total, hint)


def _key_at(
    session: Reader,
    ctx: Ctx,
    q: q_inbox.ListQuery,
    position: int,
    total: int,
    hint: tuple[int, tuple[str, int]] | None,
) -> tuple[str, int] | None:
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
    return q_inbox.key_at(session, q, sql_params(ctx), order=order, offset=offset, bound=bound)


def key_ladder(ctx: Ctx, folder: str, step: int) -> tuple[tuple[str, int], ...]:
    """The keys at positions 0, STEP, 2 x STEP ... of FOLDER, read in one transaction (index-only seeks,
    each STEP rows on from the last). A jump then starts its seek from the rung below its position and
    walks fewer than STEP rows, however deep (an OFFSET from the top walks up to half the folder: ~100 ms at 1M)."""
    rungs: list[tuple[str, int]] = []
    with ctx.read_plain() as session:
        q = _query(session, ctx, folder)
        params = sql_params(ctx)
        key = q_inbox.key_at(session, q, params, order="DESC", offset=0, bound=None)
        while key is not None:
            rungs.append(key)
            # (received_at, id) <= the rung, STEP rows on: the next rung.
            key = q_inbox.key_at(session, q, params, order="DESC", offset=step, bound=key)
    return tuple(rungs)


def position_of(ctx: Ctx, folder: str, key: tuple[str, int]) -> int:
    """How many rows of FOLDER are newer than KEY (an index-only count)."""
    with ctx.read_plain() as session:
        return q_inbox.position(session, _query(session, ctx, folder), sql_params(ctx), key)


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
    with ctx.read_plain() as session:
        q = _query(session, ctx, folder)
        total = q_inbox.count(session, q, sql_params(ctx)) if with_total else None
        if anchor is None:
            rows = _select(session, ctx, q, bound=None, op="<", limit=page_size)
            return Window(total, 0, tuple(rows), 0)
        position = (
            anchor_position if anchor_position is not None else q_inbox.position(session, q, sql_params(ctx), anchor)
        )
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
    with ctx.read_plain() as session:
        q = _query(session, ctx, folder)
        key = _key_at(session, ctx, q, position, total, hint)
        if key is None:
            return []
        return _select(session, ctx, q, bound=key, op="<=", limit=page_size)


def in_folder(
    folder: str, *, folder_state: str, unread: bool, tagged: bool, replied: bool, channel: str | None = None
) -> bool:
    """Whether an inquiry in this state belongs to FOLDER (store.queries.folders.in_view)."""
    return in_view(folder, folder=folder_state, unread=unread, tagged=tagged, replied=replied, channel=channel)


# --- search ----------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w", re.UNICODE)
_NOT_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def search_words(terms: str) -> list[str]:
    """The words of a search: split at white space and control characters; words without a letter or digit dropped."""
    # Control characters and lone surrogates are not text a user means to find (and a NUL
    # ends the query string inside SQLite): they separate words.
    terms = _NOT_TEXT.sub(" ", terms)
    return [w for w in terms.split() if _TOKEN.search(w)]


def fts_query(terms: str) -> str | None:
    """The user's words as FTS5 strings (all must match; the last one as a prefix), or None.

    Each word is double-quoted with inner quotes doubled, so FTS5 operators, column filters
    and parentheses typed by a user are searched for as text, never parsed as query syntax.
    Words without a letter or digit cannot match anything and are dropped. (On PostgreSQL the
    same words become a tsquery: store.queries.inbox.pg_tsquery.)
    """
    words = search_words(terms)
    if not words:
        return None
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _query_for(session: Reader, terms: str) -> str | None:
    """TERMS as this engine's query: FTS5 strings on SQLite, a tsquery's text on PostgreSQL (same words, same rules)."""
    if on_sqlite(session):
        return fts_query(terms)
    words = search_words(terms)
    return q_inbox.pg_tsquery(session, words) if words else None


def search(ctx: Ctx, terms: str, *, after_id: int | None = None, limit: int = 50, ranked: bool = False) -> SearchPage:
    """Inquiries (not deleted) whose subject, bodies or buyer company match TERMS, newest first.

    Paging is keyset on the inquiry id (`after_id` = the last id shown). RANKED orders the newest
    RANK_CANDIDATES hits by relevance instead (one page, no paging).
    """
    limit = max(1, min(limit, MAX_PAGE))
    with ctx.read_plain() as session:
        query = _query_for(session, terms)
        if query is None:
            return SearchPage((), False)
        params = sql_params(ctx, q=query, after=after_id, n=limit + 1, cand=RANK_CANDIDATES)
        own = not ctx.actor.is_admin
        found = q_inbox.search(session, params, own=own, after=after_id is not None and not ranked, ranked=ranked)
        rows = [row_from(r) for r in found]
    more = len(rows) > limit and not ranked
    return SearchPage(tuple(rows[:limit]), more)


def count_search(ctx: Ctx, terms: str) -> int:
    """Hits of TERMS the actor may see, counted up to SEARCH_COUNT_CAP + 1 (then "10,000+")."""
    with ctx.read_plain() as session:
        query = _query_for(session, terms)
        if query is None:
            return 0
        params = sql_params(ctx, q=query, cap=SEARCH_COUNT_CAP + 1)
        return q_inbox.count_search(session, params, own=not ctx.actor.is_admin)


# --- lookups for the command palette ---------------------------------------------------------


def find_inquiries(ctx: Ctx, query: str, limit: int = 8) -> list[InquiryHit]:
    """Inquiries by id ("123" or "#123") or by buyer name, e-mail or company (newest first)."""
    query = query.strip()
    if not query:
        return []
    own = not ctx.actor.is_admin
    with ctx.read_plain() as session:
        digits = query.lstrip("#")
        if digits.isdigit():
            return [_hit(r) for r in q_inbox.inquiry_by_id(session, sql_params(ctx, id=int(digits)), own=own)]
        hits: list[InquiryHit] = []
        for buyer_id in q_inbox.buyers_by_prefix(session, query, limit * 4):
            hits.extend(_hit(r) for r in q_inbox.latest_of_buyer(session, sql_params(ctx, b=buyer_id), own=own))
            if len(hits) >= limit:
                break
        return hits


def _hit(r: Any) -> InquiryHit:
    return InquiryHit(r[0], (key_text(r[1]), r[0]), r[2] or "", r[3] or "", r[4] or "", r[5])
