"""The per-visitor summary (`visitor_summary`): rebuilt for the visitors a write touched, never on read.

Whoever adds visits or searches (`import activity`, the generator) calls `refresh` with the
buyers it touched, in its own transaction. A buyer with at least one visit has a row: visits,
page views, store pages, site products and sellers viewed (sums over every visit), the latest
visit and its region (the latest known one), and the most common searches (the search counts
of activity_detail plus the terms each visit log names, once per visit), lower-cased.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import BindParameter, Connection, bindparam, text

from inquiry_tui.domain.vocabulary import ActivityKind

TOP_TERMS = 5
TERM_CHARS = 40
CHUNK = 500

_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_DELETE = text("DELETE FROM visitor_summary WHERE buyer_id IN :ids").bindparams(_IDS)
_INSERT = text(
    "INSERT INTO visitor_summary (buyer_id, visits, page_views, store_pages, site_products, site_sellers, region, "
    "search_terms, last_visit_at) SELECT v.buyer_id, count(*), sum(v.page_views), sum(v.store_pages), "
    "sum(v.site_products), sum(v.site_sellers), COALESCE((SELECT v2.region FROM visitor_session v2 "
    "WHERE v2.buyer_id = v.buyer_id AND v2.region != '' ORDER BY v2.at DESC, v2.id DESC LIMIT 1), ''), '', max(v.at) "
    "FROM visitor_session v WHERE v.buyer_id IN :ids GROUP BY v.buyer_id"
).bindparams(_IDS)
_SEARCHES = text(
    f"SELECT buyer_id, detail, count FROM activity_detail WHERE kind = '{ActivityKind.SEARCH}' AND buyer_id IN :ids"
).bindparams(_IDS)
_VISIT_TERMS = text(
    "SELECT buyer_id, search_terms FROM visitor_session WHERE buyer_id IN :ids AND search_terms != ''"
).bindparams(_IDS)
_SET_TERMS = text("UPDATE visitor_summary SET search_terms = :t WHERE buyer_id = :b")


def term_key(term: str) -> str:
    """A search term as the summary keeps and the filter compares it: trimmed, single spaces, lower-case."""
    return " ".join(term.split()).lower()[:TERM_CHARS]


def top_terms(counts: Counter[str]) -> str:
    return ", ".join(t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS])


def refresh(conn: Connection, buyer_ids: Iterable[int]) -> None:
    """Rebuild the summaries of BUYER_IDS from their visits and searches (in the caller's transaction)."""
    ids = sorted(set(buyer_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        conn.execute(_DELETE, {"ids": chunk})
        conn.execute(_INSERT, {"ids": chunk})
        counts: dict[int, Counter[str]] = {}
        for buyer_id, detail, count in conn.execute(_SEARCHES, {"ids": chunk}):
            if key := term_key(str(detail)):
                counts.setdefault(buyer_id, Counter())[key] += int(count)
        for buyer_id, terms in conn.execute(_VISIT_TERMS, {"ids": chunk}):
            for key in {term_key(t) for t in str(terms).split(",")} - {""}:
                counts.setdefault(buyer_id, Counter())[key] += 1
        rows = [{"b": b, "t": top_terms(c)} for b, c in counts.items()]
        if rows:
            conn.execute(_SET_TERMS, rows)  # a buyer without visits has no row: the update skips them
