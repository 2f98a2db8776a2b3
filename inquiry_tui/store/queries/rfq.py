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
        where.append("lower(r.category) = lower(:category)")
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
    for name, value in (
        ("category", f.category),
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


def page(
    session: Session, f: MarketFilter, *, now: datetime, after: tuple[datetime, int] | None, limit: int
) -> list[Any]:
    """Up to LIMIT market rows past AFTER, newest posted first."""
    kw = keyword_query(session, f.words) if f.words else None
    if f.words and kw is None:
        return []
    # A common word walks the list's order: the destination's index when there is one (its rows only),
    # else ix_rfq_junk_posted, the other filters checked on the way.
    walk = _common(session, kw)
    where = _where(session, f, 0, kw)
    params = _params(f, kw, now)
    if after is not None:
        where.append("(r.posted_at < :k0 OR (r.posted_at = :k0 AND r.id < :k1))")
        params.update(k0=after[0], k1=after[1])
    source = ROW_FROM
    if walk:
        index = "ix_rfq_destination_posted" if f.destination else "ix_rfq_junk_posted"
        source = ROW_FROM.replace("rfq r ", f"rfq r INDEXED BY {index} ", 1)
    sql = (
        f"SELECT {ROW_COLUMNS} FROM {source} WHERE {' AND '.join(where)} ORDER BY r.posted_at DESC, r.id DESC LIMIT :n"
    )
    stmt = _statement(sql, now=":now" in sql, key=after is not None)
    return list(session.execute(stmt, {**params, "n": limit}))


def count(session: Session, f: MarketFilter, *, now: datetime, cap: int = COUNT_CAP) -> int:
    """Rows of the list, counted up to CAP + 1.

    On SQLite a keyword's FTS5 hits drive the count (read lazily, each checked against the other
    filters by its row), so it stops at CAP + 1 whatever the word.
    """
    kw = keyword_query(session, f.words) if f.words else None
    if f.words and kw is None:
        return 0
    where = _where(session, f, 0, kw)
    source = "rfq r"
    if kw is not None and dialect.is_sqlite(session):
        where.remove(_KW_SET)
        where.insert(0, "rfq_fts MATCH :kw")
        source = "rfq_fts CROSS JOIN rfq r ON r.id = rfq_fts.rowid"  # CROSS JOIN: the hits are the outer loop
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {' AND '.join(where)} LIMIT :cap) AS hits"
    stmt = _statement(sql, times=False, now=":now" in sql)
    return int(session.execute(stmt, {**_params(f, kw, now), "cap": cap + 1}).scalar_one())


def recommendable(session: Session, f: MarketFilter, *, now: datetime, min_fit: int) -> Iterator[Any]:
    """Open, fitting RFQs nobody quoted yet, best standing first (a cursor: read as far as needed).

    Tuples of (id, buyer_id, standing, posted_at), posted_at as the store gives it (text on
    SQLite: it sorts as the time does, and converting thousands of them costs more than the
    query). The rows come off `ix_rfq_standing` in its order (standing, then newest), so the
    caller stops reading as soon as nothing further down can make its list; a rare keyword's
    few hits are read and sorted instead.
    """
    kw = keyword_query(session, f.words) if f.words else None
    if f.words and kw is None:
        return iter(())
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
