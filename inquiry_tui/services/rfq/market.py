"""The RFQ market's reads: keyset pages newest first with filters, a count, one RFQ in full, the categories.

Everyone (the admin and every salesperson) sees the whole market: RFQs are posted to all
sellers. Junk RFQs are a list of their own (`junk=True`), as the inbox keeps a Junk folder.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import text

from inquiry_tui.domain.countries import normalize_country
from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.domain.rfq.fit import BuyerStanding, Fit, reason
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.activity import cached_levels
from inquiry_tui.services.rfq.rows import RfqDetail, RfqRow, detail_from, row_from
from inquiry_tui.store.queries import rfq as q_rfq

PAGE = 100
MAX_PAGE = 5_000
COUNT_CAP = q_rfq.COUNT_CAP
QUICK_COUNT_CAP = 1_000  # the count shown with a first page ("1,000+"); the exact one (to COUNT_CAP) follows


@dataclass(frozen=True)
class RfqQuery:
    """A market list: keyword words (all must occur), category, destination, quantity range, open only, junk."""

    words: tuple[str, ...] = ()
    category: str | None = None
    destination: str | None = None
    min_quantity: float | None = None
    max_quantity: float | None = None
    open_only: bool = False
    junk: bool = False

    def checked(self) -> RfqQuery:
        """The query with its destination normalised; a bad value is a ValidationError naming it."""
        dest = normalize_country(self.destination, field="destination") if self.destination else None
        lo, hi = self.min_quantity, self.max_quantity
        for name, value in (("minimum quantity", lo), ("maximum quantity", hi)):
            if value is not None and value < 0:
                raise ValidationError(f"{name}: {value:g} is below 0")
        if lo is not None and hi is not None and lo > hi:
            raise ValidationError(f"quantity range: {lo:g} is above {hi:g}")
        words = tuple(w for w in (" ".join(self.words)).split() if w)
        category = " ".join((self.category or "").split()) or None
        return replace(self, destination=dest, words=words, category=category)

    def to_filter(self) -> q_rfq.MarketFilter:
        return q_rfq.MarketFilter(
            words=self.words,
            category=self.category,
            destination=self.destination,
            min_quantity=self.min_quantity,
            max_quantity=self.max_quantity,
            open_only=self.open_only,
            junk=self.junk,
        )


@dataclass(frozen=True)
class RfqPage:
    rows: tuple[RfqRow, ...]
    next_key: tuple[datetime, int] | None  # pass back as AFTER for the next page; None: the end


def rfq_page(ctx: Ctx, query: RfqQuery, after: tuple[datetime, int] | None = None, limit: int = PAGE) -> RfqPage:
    """One keyset page of the market, newest posted first."""
    query = query.checked()
    limit = max(1, min(limit, MAX_PAGE))
    now = ctx.now()
    with ctx.read() as session:
        found = q_rfq.page(session, query.to_filter(), now=now, after=after, limit=limit + 1)
    rows = tuple(row_from(r, now) for r in found[:limit])
    return RfqPage(rows, rows[-1].key if len(found) > limit and rows else None)


def first_rfq_page(ctx: Ctx, query: RfqQuery, limit: int = PAGE, *, cap: int = QUICK_COUNT_CAP) -> tuple[RfqPage, int]:
    """The list's first page with its count up to CAP + 1 (the number of rows when the page is not full), as
    rfq_page and count_rfqs give them but from one read of a keyword's hits (what the screen shows first)."""
    query = query.checked()
    limit = max(1, min(limit, MAX_PAGE))
    now = ctx.now()
    with ctx.read() as session:
        found = q_rfq.first_page(session, query.to_filter(), now=now, limit=limit, cap=cap)
    rows = tuple(row_from(r, now) for r in found.rows[:limit])
    more = len(found.rows) > limit and rows
    return RfqPage(rows, rows[-1].key if more else None), found.count if more else len(rows)


def count_rfqs(ctx: Ctx, query: RfqQuery, *, cap: int = COUNT_CAP) -> int:
    """RFQs of the list, counted up to CAP + 1 (then shown as "10,000+", or "1,000+" for QUICK_COUNT_CAP)."""
    query = query.checked()
    with ctx.read() as session:
        return q_rfq.count(session, query.to_filter(), now=ctx.now(), cap=cap)


def rfq_detail(ctx: Ctx, rfq_id: int) -> RfqDetail:
    """One RFQ in full, with why it fits the catalogue (empty when it is junk, expired or fits too little)."""
    now = ctx.now()
    with ctx.read() as session:
        found = q_rfq.one(session, rfq_id)
    if found is None:
        raise NotFound(f"no RFQ {rfq_id}; see `inquiry-tui rfq list`")
    detail = detail_from(found, now)
    row = detail.row
    if row.quotable:
        levels = cached_levels(ctx) or {}
        standing = BuyerStanding(row.verified, row.tier, levels.get(row.buyer_id, 0))
        why = reason(Fit(row.fit, row.fit_terms, row.fit_category), standing)
        detail = replace(detail, row=replace(row, reason=why))
    return detail


def rfq_id_of(ctx: Ctx, ref: str) -> int:
    """An RFQ's id from its id or its external id (as the marketplace names it)."""
    ref = ref.strip()
    with ctx.read() as session:
        found = session.execute(text("SELECT id FROM rfq WHERE external_id = :e"), {"e": ref}).scalar_one_or_none()
        if found is None and ref.lstrip("#").isdigit():
            found = session.execute(text("SELECT id FROM rfq WHERE id = :i"), {"i": int(ref.lstrip("#"))}).scalar()
    if found is None:
        raise NotFound(f"no RFQ {ref!r}; see `inquiry-tui rfq list`")
    return int(found)


def categories(ctx: Ctx, limit: int = 200) -> tuple[str, ...]:
    """The categories RFQs were posted in (for the filter's picker), by name."""
    with ctx.read() as session:
        rows = session.execute(
            text("SELECT DISTINCT category FROM rfq WHERE category != '' ORDER BY category LIMIT :n"), {"n": limit}
        ).scalars()
        return tuple(str(c) for c in rows)
