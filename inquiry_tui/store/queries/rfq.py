"""The RFQ market's hot SQL: keyset pages newest first with filters, the keyword match, recommendation candidates,
the quota count.

Pages are keyset on (posted_at, id) newest first: `ix_rfq_junk_posted` (and the category and
destination indexes) walk one range, so a deep page costs what the first one costs.

The keyword filter has the same rules on both engines (every word required, words of 3 or more
characters as prefixes; `fts_match`): FTS5's `rfq_fts` on SQLite (migration 0007_rfq), the
generated `rfq.search` tsvector under a GIN index on PostgreSQL (`rfq_fts_query`, migration
0012_rfq_standing). On SQLite a rare word's hits are sorted; a common word's page walks the
list's own index and keeps the rows among the hits (`_common` chooses), and a count is driven
by the hits, read lazily, so it stops at its cap whatever the word.

The screen's first paint (`first_page`) reads a keyword's hits once, newest id first and lazily,
up to the quick count's cap: those rows are the count, and their newest are the page whenever
one index probe shows no row left unread could come before the page's last (ids follow posting
order in practice; when they do not, the page is read the usual way). A category matches its
stored spellings (found case-blind among the few distinct categories), so its index serves it.

The recommendation walks `ix_rfq_standing` (fit plus the buyer's points, kept on each row by
triggers) best first, so its reader stops after the head of the index.

SQL is built from constants here; user values are bound parameters, and FTS5 strings are
quoted so nothing a user types is parsed as query syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, TextClause, TextualSelect, bindparam, text
from sqlalchemy.orm import Session

from inquiry_tui.store import dialect
from inquiry_tui.store.types import UTCDateTime

TITLE_CHARS = 200  # a list row never needs more; a hostile long title stays in the store
COUNT_CAP = 10_000  # counts stop here ("10,000+"): counting every hit of a common word costs too much
# Keyword hits from which a page walks the newest-first index and keeps the rows among the hits,
# rather than reading and sorting every hit: a common word fills a page within a few rows.
WALK_FROM = 2_000
_NOT_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_TOKEN = re.compile(r"[^\W_]", re.UNICODE)
_PREFIX_FROM = 3  # FTS5 keeps a prefix index of 3 characters: shorter words match whole

ROW_COLUMNS = (
    "r.id, r.external_id, r.posted_at, r.expires_at, substr(r.title, 1, 200) AS title, r.category, r.quantity, "
    "r.unit, r.destination, r.target_price, r.currency, r.is_junk, substr(r.junk_reasons, 1, 500) AS junk_reasons, "
    "r.fit, r.fit_terms, r.fit_category, "
    "b.id AS buyer_id, substr(b.name, 1, 120) AS buyer_name, substr(b.company, 1, 120) AS buyer_company, "
    "b.country AS buyer_country, b.verified, b.tier, q.account_id AS quoted_by_id, qa.login AS quoted_by"
)
ROW_FROM = (
    "rfq r JOIN buyer b ON b.id = r.buyer_id LEFT JOIN rfq_quote q ON q.rfq_id = r.id "
    "LEFT JOIN account qa ON qa.id = q.account_id"
)
_TIMES = {"posted_at": UTCDateTime(), "expires_at": UTCDateTime()}  # by name (positional columns match by place)
_NOW = bindparam("now", type_=UTCDateTime())
_K0 = bindparam("k0", type_=UTCDateTime())


@dataclass(frozen=True)
class MarketFilter:
    """What a market list holds: the services build it from a user's query."""

    words: tuple[str, ...] = ()
    category: str | None = None
    destination: str | None = None
    min_quantity: float | None = None
    max_quantity: float | None = None
    open_only: bool = False
    junk: bool = False  # the junk RFQs instead of the others
    recommendable: bool = False  # open, not junk, fitting the catalogue from MIN_FIT (the recommendation)
    category_spellings: tuple[str, ...] = ()  # the stored spellings of `category` (`with_spellings`)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_CATEGORIES = text("SELECT DISTINCT category FROM rfq WHERE category != ''")  # a skip along ix_rfq_category_posted


def with_spellings(session: Session, f: MarketFilter) -> MarketFilter | None:
    """F with the stored spellings of its category (every one equal to it ignoring ASCII case, as SQL's lower()
    compared them); None when no RFQ has that category (the list is empty). A filter without a category as is."""
    if not f.category:
        return f
    wanted = f.category.translate(_ASCII_LOWER)
    found = tuple(sorted(c for c in session.execute(_CATEGORIES).scalars() if c.translate(_ASCII_LOWER) == wanted))
    return replace(f, category_spellings=found) if found else None


def keyword_words(words: Sequence[str]) -> list[str]:
    """The words of a keyword filter: split at white space and control characters, words without a letter or
    digit dropped (they cannot match anything). Both engines' queries are made from these."""
    return [w for w in _NOT_TEXT.sub(" ", " ".join(words)).split() if _TOKEN.search(w)]


def fts_match(words: Sequence[str]) -> str | None:
    """WORDS as an FTS5 query: each one quoted (inner quotes doubled), all required, those of 3+ characters
    as prefixes; None when no word can match anything."""
    found = keyword_words(words)
    if not found:
        return None
    return " ".join('"' + w.replace('"', '""') + '"' + ("*" if len(w) >= _PREFIX_FROM else "") for w in found)


_PG_QUERY = text("SELECT CAST(rfq_fts_query(CAST(:w AS text[])) AS text)")


def pg_tsquery(session: Session, words: Sequence[str]) -> str | None:
    """WORDS as a tsquery's text on PostgreSQL with fts_match's rules (`rfq_fts_query`, migration
    0012_rfq_standing); None when no word can match anything."""
    found = keyword_words(words)
    if not found:
        return None
    return session.execute(_PG_QUERY, {"w": found}).scalar() or None


def keyword_query(session: Session, words: Sequence[str]) -> str | None:
    """WORDS as this engine's query (`:kw` below): FTS5 on SQLite, a tsquery's text on PostgreSQL; None when
    no word can match anything (the list is empty)."""
    if dialect.is_sqlite(session):
        return fts_match(words)
    return pg_tsquery(session, words)


# The condition that every word occurs in the title or description: on SQLite the FTS5 hits as a set
# (read once per statement), on PostgreSQL the GIN-indexed `rfq.search` (the planner chooses). A probe
# of one row (`MATCH :kw AND rowid = r.id`) was tried for walks and dropped: FTS5 merges a prefix
# word's doclists again at every probe (0.8 s CPU for a page of "light" at 200k RFQs).
_KW_SET = "r.id IN (SELECT rowid FROM rfq_fts WHERE rfq_fts MATCH :kw)"
_KW_PG = "r.search @@ CAST(:kw AS tsquery)"


def _where(session: Session, f: MarketFilter, min_fit: int, kw: str | None) -> list[str]:
    where = ["r.is_junk = :junk"]  # a bound boolean: SQLite walks ix_rfq_junk_posted by it
    if kw is not None:
        where.append(_KW_SET if dialect.is_sqlite(session) else _KW_PG)
    if f.category:
        # The stored spellings (`spellings`), equal not lower(): ix_rfq_category_posted serves it.
        where.append("r.category IN (" + ", ".join(f":cat{i}" for i in range(len(f.category_spellings))) + ")")
    if f.destination:
        where.append("r.destination = :destination")
    if f.min_quantity is not None:
        where.append("r.quantity >= :qmin")
    if f.max_quantity is not None:
        where.append("r.quantity <= :qmax")
    if f.open_only or f.recommendable:
        where.append("r.expires_at > :now")
    if f.recommendable:
        # The partial index's own predicate, as written there, so SQLite can use ix_rfq_standing.
        where.insert(0, "NOT r.is_junk AND r.fit > 0")
        where.append(f"r.fit >= {int(min_fit)}")
        where.append("NOT EXISTS (SELECT 1 FROM rfq_quote q2 WHERE q2.rfq_id = r.id)")
    return where


def _params(f: MarketFilter, kw: str | None, now: datetime) -> dict[str, Any]:
    params: dict[str, Any] = {"junk": f.junk, "now": now}
    if kw is not None:
        params["kw"] = kw
    for i, spelling in enumerate(f.category_spellings if f.category else ()):
        params[f"cat{i}"] = spelling
    for name, value in (
        ("destination", f.destination),
        ("qmin", f.min_quantity),
        ("qmax", f.max_quantity),
    ):
        if value is not None:
            params[name] = value
    return params


def _statement(sql: str, *, times: bool = True, now: bool = False, key: bool = False) -> TextClause | TextualSelect:
    binds = []
    if now:
        binds.append(_NOW)
    if key:
        binds.append(_K0)
    clause = text(sql).bindparams(*binds) if binds else text(sql)
    return clause.columns(**_TIMES) if times else clause


_HITS = text("SELECT count(*) FROM (SELECT rowid FROM rfq_fts WHERE rfq_fts MATCH :kw LIMIT :cap) AS hits")


def _common(session: Session, kw: str | None) -> bool:
    """Whether the FTS5 query KW is common enough (WALK_FROM hits or more) that walking an index in the list's
    order, keeping the rows among the hits, finds a page sooner than sorting every hit. SQLite only.

    Reading the hits costs in proportion to the hits: fine for a rare word, slow for one in half
    the RFQs. A walk costs in proportion to the rows passed over before the page is full: slow
    for a rare word. The hits, counted up to WALK_FROM, choose.
    """
    if kw is None or not dialect.is_sqlite(session):
        return False
    return int(session.execute(_HITS, {"kw": kw, "cap": WALK_FROM}).scalar_one()) >= WALK_FROM


def _walk_index(f: MarketFilter) -> str:
    if f.category and len(f.category_spellings) == 1:
        return "ix_rfq_category_posted"
    return "ix_rfq_destination_posted" if f.destination else "ix_rfq_junk_posted"


def page(
    session: Session, f: MarketFilter, *, now: datetime, after: tuple[datetime, int] | None, limit: int
) -> list[Any]:
    """Up to LIMIT market rows past AFTER, newest posted first.

    A keyword's first page on SQLite is first_page's (its hits read once, only until the page is
    full); later pages walk or sort as below, whose cost does not grow with the depth."""
    if after is None and f.words and limit >= 2 and dialect.is_sqlite(session):
        return first_page(session, f, now=now, limit=limit - 1, cap=limit - 1).rows
    return _page(session, f, now=now, after=after, limit=limit)


def _page(
    session: Session, f: MarketFilter, *, now: datetime, after: tuple[datetime, int] | None, limit: int
) -> list[Any]:
    kw = keyword_query(session, f.words) if f.words else None
    found = with_spellings(session, f)
    if (f.words and kw is None) or found is None:
        return []
    f = found
    # A common word walks the list's order: the category's or destination's index when there is one
    # (its rows only), else ix_rfq_junk_posted, the other filters checked on the way.
    walk = _common(session, kw)
    where = _where(session, f, 0, kw)
    params = _params(f, kw, now)
    if after is not None:
        where.append("(r.posted_at < :k0 OR (r.posted_at = :k0 AND r.id < :k1))")
        params.update(k0=after[0], k1=after[1])
    source = ROW_FROM
    if walk:
        index = _walk_index(f)
        source = ROW_FROM.replace("rfq r ", f"rfq r INDEXED BY {index} ", 1)
    sql = (
        f"SELECT {ROW_COLUMNS} FROM {source} WHERE {' AND '.join(where)} ORDER BY r.posted_at DESC, r.id DESC LIMIT :n"
    )
    stmt = _statement(sql, now=":now" in sql, key=after is not None)
    return list(session.execute(stmt, {**params, "n": limit}))


def count(session: Session, f: MarketFilter, *, now: datetime, cap: int = COUNT_CAP) -> int:
    """Rows of the list, counted up to CAP + 1.

    On SQLite a keyword's FTS5 hits drive the count (read lazily, each checked against the other
    filters by its row), so it stops at CAP + 1 whatever the word. The hits come newest id first: the
    newest RFQs are the likeliest to pass an open-only filter, so an open list's count stops sooner.
    """
    kw = keyword_query(session, f.words) if f.words else None
    found = with_spellings(session, f)
    if (f.words and kw is None) or found is None:
        return 0
    f = found
    where = _where(session, f, 0, kw)
    source = "rfq r"
    order = ""
    if kw is not None and dialect.is_sqlite(session):
        where.remove(_KW_SET)
        where.insert(0, "rfq_fts MATCH :kw")
        source = "rfq_fts CROSS JOIN rfq r ON r.id = rfq_fts.rowid"  # CROSS JOIN: the hits are the outer loop
        order = " ORDER BY rfq_fts.rowid DESC"  # FTS5 reads its doclist backwards; no sort
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {' AND '.join(where)}{order} LIMIT :cap) AS hits"
    stmt = _statement(sql, times=False, now=":now" in sql)
    return int(session.execute(stmt, {**_params(f, kw, now), "cap": cap + 1}).scalar_one())


@dataclass(frozen=True)
class FirstPage:
    """A first page and the list's count up to a cap (CAP + 1: "CAP+"), from one read of the keyword's hits."""

    rows: list[Any]  # up to LIMIT + 1 market rows, newest posted first (the extra one: there is a next page)
    count: int  # up to CAP + 1; the number of rows when they are LIMIT or fewer


def first_page(session: Session, f: MarketFilter, *, now: datetime, limit: int, cap: int) -> FirstPage:
    """The first LIMIT + 1 rows of the list and its count up to CAP + 1, as page() and count() give them.

    On SQLite, with a category or a destination, that value's index is walked newest first keeping
    the rows among the hits (read as a set) up to CAP + 1: page and count in the list's order.
    Otherwise a keyword's hits are read once, newest id first and lazily, each checked against the
    other filters by its row, until CAP + 1 rows pass (the count). When every hit was read, the
    newest of the passing rows are the page. Otherwise they are whenever no row older by id than
    the last hit read is newer by posting than the page's last row: one probe along
    ix_rfq_junk_posted over the rows newer than the page's extra row (a handful when ids follow posting order, as
    imports make them). If the probe finds one, the page is read as later pages are (the count stands:
    it does not depend on the order). Without a keyword, or on PostgreSQL, the page then count().
    """
    kw = keyword_query(session, f.words) if f.words else None
    found = with_spellings(session, f)
    if (f.words and kw is None) or found is None:
        return FirstPage([], 0)
    f = found
    if kw is None or not dialect.is_sqlite(session):
        rows = _page(session, f, now=now, after=None, limit=limit + 1)
        return FirstPage(rows, count(session, f, now=now, cap=cap) if len(rows) > limit else len(rows))
    read_to = max(cap, limit) + 1  # at least the page and its extra row
    where = _where(session, f, 0, kw)
    index = _walk_index(f)
    if index != "ix_rfq_junk_posted":
        # A category's or destination's rows, newest first, kept when among the hits (read as a set):
        # bounded by that one value's rows, however few hits pass it (reading every hit of a common
        # word to find a rare category's few would cost more). In the list's order: no probe needed.
        sql = (
            f"SELECT r.id FROM rfq r INDEXED BY {index} WHERE {' AND '.join(where)} "
            "ORDER BY r.posted_at DESC, r.id DESC LIMIT :cap"
        )
        stmt = _statement(sql, times=False, now=":now" in sql)
        ids = list(session.execute(stmt, {**_params(f, kw, now), "cap": read_to}).scalars())
        full = rows_by_id(session, ids[: limit + 1])
        return FirstPage([full[i] for i in ids[: limit + 1]], min(len(ids), cap + 1))
    where.remove(_KW_SET)
    sql = (
        "SELECT r.id, r.posted_at FROM rfq_fts CROSS JOIN rfq r ON r.id = rfq_fts.rowid "
        f"WHERE rfq_fts MATCH :kw AND {' AND '.join(where)} ORDER BY rfq_fts.rowid DESC LIMIT :cap"
    )
    # posted_at as stored (text on SQLite: it sorts as the time does; converting a thousand costs more than
    # the query), compared as stored by the probe below.
    stmt = _statement(sql, times=False, now=":now" in sql)
    hits = [(posted, i) for i, posted in session.execute(stmt, {**_params(f, kw, now), "cap": read_to})]
    newest = sorted(hits, reverse=True)[: limit + 1]
    if len(hits) == read_to:  # hits were left unread: is any of them newer than the page's extra row?
        last_posted, last_id = newest[limit]
        probe = _statement(
            "SELECT 1 FROM rfq r INDEXED BY ix_rfq_junk_posted WHERE r.is_junk = :junk "
            "AND (r.posted_at > :k0 OR (r.posted_at = :k0 AND r.id > :k1)) AND r.id < :below LIMIT 1",
            times=False,
        )
        below = min(i for _, i in hits)  # every hit from this id up was read
        args = {"junk": f.junk, "k0": last_posted, "k1": last_id, "below": below}
        if session.execute(probe, args).first() is not None:
            return FirstPage(_page(session, f, now=now, after=None, limit=limit + 1), min(len(hits), cap + 1))
    full = rows_by_id(session, [i for _, i in newest])
    return FirstPage([full[i] for _, i in newest], min(len(hits), cap + 1))


def recommendable(session: Session, f: MarketFilter, *, now: datetime, min_fit: int) -> Iterator[Any]:
    """Open, fitting RFQs nobody quoted yet, best standing first (a cursor: read as far as needed).

    Tuples of (id, buyer_id, standing, posted_at), posted_at as the store gives it (text on
    SQLite: it sorts as the time does, and converting thousands of them costs more than the
    query). The rows come off `ix_rfq_standing` in its order (standing, then newest), so the
    caller stops reading as soon as nothing further down can make its list; a rare keyword's
    few hits are read and sorted instead.
    """
    kw = keyword_query(session, f.words) if f.words else None
    found = with_spellings(session, f)
    if (f.words and kw is None) or found is None:
        return iter(())
    f = found
    walk = kw is None or _common(session, kw)
    where = _where(session, replace(f, recommendable=True), min_fit, kw)
    source = "rfq r INDEXED BY ix_rfq_standing" if walk and dialect.is_sqlite(session) else "rfq r"
    sql = (
        f"SELECT r.id, r.buyer_id, r.standing, r.posted_at FROM {source} WHERE {' AND '.join(where)} "
        "ORDER BY r.standing DESC, r.posted_at DESC, r.id DESC"
    )
    return iter(session.execute(_statement(sql, times=False, now=True), _params(f, kw, now)))


_BY_ID: BindParameter[list[int]] = bindparam("ids", expanding=True)
_ROWS_BY_ID = _statement(f"SELECT {ROW_COLUMNS} FROM {ROW_FROM} WHERE r.id IN :ids")


def rows_by_id(session: Session, ids: Sequence[int]) -> dict[int, Any]:
    """The market rows (ROW_COLUMNS) of IDS, by id."""
    out: dict[int, Any] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        for r in session.execute(_ROWS_BY_ID.bindparams(_BY_ID), {"ids": chunk}):
            out[r._mapping["id"]] = r
    return out


_ONE = _statement(
    f"SELECT {ROW_COLUMNS}, r.description, r.junk_score, b.email AS buyer_email FROM {ROW_FROM} WHERE r.id = :id"
)


def one(session: Session, rfq_id: int) -> Any | None:
    """One RFQ with its description and junk reasons, or None."""
    return session.execute(_ONE, {"id": rfq_id}).first()


_QUOTA = text("SELECT count(*) FROM rfq_quote WHERE sent_at >= :start AND sent_at < :end").bindparams(
    bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime())
)


def quotes_between(session: Session, start: datetime, end: datetime) -> int:
    """The company's quotes sent in [START, END): what the monthly quota counts."""
    return int(session.execute(_QUOTA, {"start": start, "end": end}).scalar_one())
