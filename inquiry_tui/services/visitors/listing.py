"""The Visitors list: every visitor of the store, customer or not, sorted by page views or the latest visit.

Rows come from the per-visitor summary (summary.py) by keyset pages. Filters: the visit's
region (ISO alpha-2), a search term (part of one of the visitor's common searches), customers
or not. The admin sees every visitor; a salesperson their own buyers and those nobody owns
(anyone may approach a visitor nobody serves), as for profiles.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from inquiry_tui.domain.countries import normalize_country
from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.visitors.summary import TERM_CHARS, term_key
from inquiry_tui.store.queries import visitors as q_visitors

SORTS = ("views", "recent")
PAGE = 100
MAX_PAGE = 5_000
COUNT_CAP = q_visitors.COUNT_CAP


@dataclass(frozen=True)
class VisitorQuery:
    sort: str = "views"
    country: str | None = None
    term: str | None = None
    customer: bool | None = None  # None: everyone; True: customers; False: not (yet) customers

    def checked(self) -> VisitorQuery:
        if self.sort not in SORTS:
            raise ValidationError(f"sort: {self.sort!r} is not allowed; allowed: {', '.join(SORTS)}")
        country = normalize_country(self.country, field="country") if self.country and self.country.strip() else None
        term = term_key(self.term or "") or None
        if self.term and len(self.term.strip()) > TERM_CHARS:
            raise ValidationError(f"term: is too long ({len(self.term.strip())} characters; at most {TERM_CHARS})")
        return replace(self, country=country, term=term)


@dataclass(frozen=True)
class VisitorRow:
    """One visitor. Name, company and search terms are buyer text: show them through safe_text."""

    buyer_id: int
    email: str
    name: str
    company: str
    country: str | None  # the buyer's own country
    customer: bool
    owner_login: str | None
    visits: int
    page_views: int
    store_pages: int
    site_products: int
    site_sellers: int
    region: str  # the latest visit's region ("" unknown)
    search_terms: tuple[str, ...]
    last_visit: datetime

    def key(self, sort: str) -> tuple[Any, int]:
        return (self.page_views if sort == "views" else self.last_visit, self.buyer_id)


@dataclass(frozen=True)
class VisitorPage:
    rows: tuple[VisitorRow, ...]
    next_key: tuple[Any, int] | None


def _filter(ctx: Ctx, q: VisitorQuery) -> q_visitors.VisitorFilter:
    return q_visitors.VisitorFilter(
        sort=q.sort,
        region=q.country,
        term=q.term,
        customer=q.customer,
        owner=None if ctx.actor.is_admin else ctx.actor.id,
    )


def _row(r: Any) -> VisitorRow:
    m = r._mapping
    return VisitorRow(
        buyer_id=m["buyer_id"],
        email=m["email"],
        name=m["name"] or "",
        company=m["company"] or "",
        country=m["country"],
        customer=bool(m["is_customer"]),
        owner_login=m["owner_login"],
        visits=m["visits"],
        page_views=m["page_views"],
        store_pages=m["store_pages"],
        site_products=m["site_products"],
        site_sellers=m["site_sellers"],
        region=m["region"] or "",
        search_terms=tuple(t for t in (m["search_terms"] or "").split(", ") if t),
        last_visit=m["last_visit_at"],
    )


def visitor_page(ctx: Ctx, query: VisitorQuery, after: tuple[Any, int] | None = None, limit: int = PAGE) -> VisitorPage:
    """One keyset page of visitors in QUERY's order."""
    query = query.checked()
    limit = max(1, min(limit, MAX_PAGE))
    with ctx.read() as session:
        found = q_visitors.page(session, _filter(ctx, query), after=after, limit=limit + 1)
    rows = tuple(_row(r) for r in found[:limit])
    return VisitorPage(rows, rows[-1].key(query.sort) if len(found) > limit and rows else None)


def count_visitors(ctx: Ctx, query: VisitorQuery) -> int:
    """Visitors of the list, counted up to COUNT_CAP + 1."""
    query = query.checked()
    with ctx.read() as session:
        return q_visitors.count(session, _filter(ctx, query))
