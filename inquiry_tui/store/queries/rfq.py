"""The RFQ market's hot SQL: keyset pages newest first with filters, the keyword match, recommendation candidates,
the quota count.

Pages are keyset on (posted_at, id) newest first: `ix_rfq_junk_posted` (and the category and
destination indexes) walk one range, so a deep page costs what the first one costs. The keyword
filter is one function, `keyword_condition`: FTS5 on SQLite (migration 0007_rfq), a plain LIKE
per word elsewhere (the place to port to a tsvector index); a common word's page walks the
newest-first index instead of sorting every hit (`_walk_newest`, SQLite only). SQL is built from constants here;
user values are bound parameters, and FTS5 strings are quoted so nothing a user types is
parsed as query syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, TextClause, TextualSelect, bindparam, text
from sqlalchemy.orm import Session

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


def fts_match(words: Sequence[str]) -> str | None:
    """WORDS as an FTS5 query: each one quoted (inner quotes doubled), all required, those of 3+ characters
    as prefixes; None when no word can match anything."""
    found = [w for w in _NOT_TEXT.sub(" ", " ".join(words)).split() if _TOKEN.search(w)]
    if not found:
        return None
    return " ".join('"' + w.replace('"', '""') + '"' + ("*" if len(w) >= _PREFIX_FROM else "") for w in found)


def _like(word: str) -> str:
    return "%" + word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def keyword_condition(dialect: str, words: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """The condition on `r` that every word occurs in its title or description, with its parameters.

    None: no word can match anything (the list is empty). On SQLite it is the FTS5 index; on
    other stores a LIKE per word (full scans; the PostgreSQL port replaces this with a tsvector).
    """
    if dialect == "sqlite":
        query = fts_match(words)
        if query is None:
            return None
        return "r.id IN (SELECT rowid FROM rfq_fts WHERE rfq_fts MATCH :kw)", {"kw": query}
    found = [w for w in _NOT_TEXT.sub(" ", " ".join(words)).split() if _TOKEN.search(w)]
    if not found:
        return None
    parts, params = [], {}
    for n, word in enumerate(found):
        parts.append(f"(lower(r.title) LIKE :kw{n} ESCAPE '\\' OR lower(r.description) LIKE :kw{n} ESCAPE '\\')")
        params[f"kw{n}"] = _like(word)
    return " AND ".join(parts), params


def _where(dialect: str, f: MarketFilter, min_fit: int) -> tuple[list[str], dict[str, Any]] | None:
    # A bound boolean: an equality SQLite can walk ix_rfq_junk_posted by, and a boolean on PostgreSQL.
    where = ["r.is_junk = :junk"]
    params: dict[str, Any] = {"junk": f.junk}
    if f.words:
        found = keyword_condition(dialect, f.words)
        if found is None:
            return None
        where.append(found[0])
        params.update(found[1])
    if f.category:
        where.append("lower(r.category) = lower(:category)")
        params["category"] = f.category
    if f.destination:
        where.append("r.destination = :destination")
        params["destination"] = f.destination
    if f.min_quantity is not None:
        where.append("r.quantity >= :qmin")
        params["qmin"] = f.min_quantity
    if f.max_quantity is not None:
        where.append("r.quantity <= :qmax")
        params["qmax"] = f.max_quantity
    if f.open_only or f.recommendable:
        where.append("r.expires_at > :now")
    if f.recommendable:
        # The partial index's own predicate, as written there, so SQLite can use ix_rfq_recommendable.
        where.insert(0, "NOT r.is_junk AND r.fit > 0")
        where.append(f"r.fit >= {int(min_fit)}")
        where.append("NOT EXISTS (SELECT 1 FROM rfq_quote q2 WHERE q2.rfq_id = r.id)")
    return where, params


def _statement(sql: str, *, times: bool = True, now: bool = False, key: bool = False) -> TextClause | TextualSelect:
    binds = []
    if now:
        binds.append(_NOW)
    if key:
        binds.append(_K0)
    clause = text(sql).bindparams(*binds) if binds else text(sql)
    return clause.columns(**_TIMES) if times else clause


def page(
    session: Session, f: MarketFilter, *, now: datetime, after: tuple[datetime, int] | None, limit: int
) -> list[Any]:
    """Up to LIMIT market rows past AFTER, newest posted first."""
    dialect = session.get_bind().dialect.name
    built = _where(dialect, f, 0)
    if built is None:
        return []
    where, params = built
    if after is not None:
        where.append("(r.posted_at < :k0 OR (r.posted_at = :k0 AND r.id < :k1))")
        params.update(k0=after[0], k1=after[1])
    source = ROW_FROM
    if _walk_newest(session, dialect, f, params):
        source = ROW_FROM.replace("rfq r ", "rfq r INDEXED BY ix_rfq_junk_posted ", 1)
    sql = (
        f"SELECT {ROW_COLUMNS} FROM {source} WHERE {' AND '.join(where)} ORDER BY r.posted_at DESC, r.id DESC LIMIT :n"
    )
    stmt = _statement(sql, now=":now" in sql, key=after is not None)
    return list(session.execute(stmt, {**params, "now": now, "n": limit}))


_HITS = text("SELECT count(*) FROM (SELECT rowid FROM rfq_fts WHERE rfq_fts MATCH :kw LIMIT :cap) AS hits")


def _walk_newest(session: Session, dialect: str, f: MarketFilter, params: dict[str, Any]) -> bool:
    """Whether a keyword page on SQLite should walk `ix_rfq_junk_posted` newest first (a common word).

    Left to itself SQLite reads every hit and sorts them, which costs in proportion to the hits:
    fine for a rare word, slow for one in half the RFQs. Walking the index costs in proportion to
    the rows passed over before the page is full: slow for a rare word. The FTS5 hits, counted up
    to WALK_FROM, choose. A category or destination has its own index, left to the planner.
    """
    if dialect != "sqlite" or "kw" not in params or f.category or f.destination:
        return False
    hits = session.execute(_HITS, {"kw": params["kw"], "cap": WALK_FROM}).scalar_one()
    return int(hits) >= WALK_FROM


def count(session: Session, f: MarketFilter, *, now: datetime, cap: int = COUNT_CAP) -> int:
    """Rows of the list, counted up to CAP + 1."""
    dialect = session.get_bind().dialect.name
    built = _where(dialect, f, 0)
    if built is None:
        return 0
    where, params = built
    sql = f"SELECT count(*) FROM (SELECT 1 FROM rfq r WHERE {' AND '.join(where)} LIMIT :cap) AS hits"
    stmt = _statement(sql, times=False, now=":now" in sql)
    return int(session.execute(stmt, {**params, "now": now, "cap": cap + 1}).scalar_one())


_TIER_POINTS = "CASE b.tier WHEN 'L1' THEN 5 WHEN 'L2' THEN 10 WHEN 'L3' THEN 15 WHEN 'L4' THEN 20 ELSE 0 END"
STANDING_SQL = f"(r.fit + CASE WHEN b.verified THEN 10 ELSE 0 END + {_TIER_POINTS})"
"""The recommendation's score as far as SQL knows it (domain.rfq.fit.rank_score without the activity level)."""


_RANK_COLUMNS = "r.id, r.buyer_id, r.fit, r.posted_at, b.verified, b.tier"


def recommendable(session: Session, f: MarketFilter, *, now: datetime, min_fit: int) -> Iterator[Any]:
    """Open, fitting RFQs nobody quoted yet, best standing first (a cursor: read as far as needed).

    Tuples of what ranking needs: (id, buyer_id, fit, posted_at, verified, tier, standing), with
    posted_at as the store gives it (text on SQLite: it sorts as the time does, and converting
    thousands of them costs more than the query). Tens of thousands of candidates are sorted, so
    their rows stay narrow; `rows_by_id` reads the few kept in full.
    """
    dialect = session.get_bind().dialect.name
    built = _where(dialect, MarketFilter(**{**f.__dict__, "recommendable": True}), min_fit)
    if built is None:
        return iter(())
    where, params = built
    sql = (
        f"SELECT {_RANK_COLUMNS}, {STANDING_SQL} AS standing FROM rfq r JOIN buyer b ON b.id = r.buyer_id "
        f"WHERE {' AND '.join(where)} ORDER BY standing DESC, r.posted_at DESC, r.id DESC"
    )
    return iter(session.execute(_statement(sql, times=False, now=True), {**params, "now": now}))


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
