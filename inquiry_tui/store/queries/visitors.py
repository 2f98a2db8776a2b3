"""The Visitors list's hot SQL: keyset pages over visitor_summary by page views or by the latest visit.

Each order has its index (ix_visitor_views, ix_visitor_recent, and with a region filter the
region-led pair), so a page walks one index range whatever the depth. Filters by search term
and by owner are checked along the walk. Customers only, when they are few (as they are among
visitors), are read from the buyers' customer index and sorted instead: a walk would pass over
every other visitor first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from inquiry_tui.store import dialect
from inquiry_tui.store.types import UTCDateTime

SORT_COLUMNS = {"views": "s.page_views", "recent": "s.last_visit_at"}
COUNT_CAP = 10_000
# Customers from which a customers-only page walks the sort's index (checking each visitor) rather than
# reading and sorting every customer's visitor row: many customers fill a page within a few rows.
WALK_CUSTOMERS_FROM = 5_000
COLUMNS = (
    "s.buyer_id, b.email, substr(b.name, 1, 120) AS name, substr(b.company, 1, 120) AS company, b.country, "
    "b.is_customer, a.login AS owner_login, s.visits, s.page_views, s.store_pages, s.site_products, "
    "s.site_sellers, s.region, s.search_terms, s.last_visit_at"
)
FROM = "visitor_summary s JOIN buyer b ON b.id = s.buyer_id LEFT JOIN account a ON a.id = b.owner_id"


@dataclass(frozen=True)
class VisitorFilter:
    sort: str = "views"  # views | recent
    region: str | None = None
    term: str | None = None  # lower-case: part of one of the common search terms
    customer: bool | None = None  # True customers only, False non-customers only
    owner: int | None = None  # a salesperson: their visitors and those nobody owns


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _where(f: VisitorFilter) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    if f.region:
        where.append("s.region = :region")
        params["region"] = f.region
    if f.term:
        where.append("s.search_terms LIKE :term ESCAPE '\\'")
        params["term"] = _like(f.term)
    if f.customer is not None:
        where.append("b.is_customer = :customer")
        params["customer"] = f.customer
    if f.owner is not None:
        where.append("(b.owner_id IS NULL OR b.owner_id = :me)")
        params["me"] = f.owner
    return where, params


def _customers(session: Session) -> str:
    # ix_buyer_owner_customer (owner_id, is_customer) answers "is_customer" for every owner in one skip-scan.
    hint = " INDEXED BY ix_buyer_owner_customer" if dialect.is_sqlite(session) else ""
    return f"SELECT id FROM buyer{hint} WHERE is_customer = {dialect.true(session)}"


def _few_customers(session: Session) -> bool:
    sql = f"SELECT count(*) FROM ({_customers(session)} LIMIT :cap) AS c"
    return int(session.execute(text(sql), {"cap": WALK_CUSTOMERS_FROM}).scalar_one()) < WALK_CUSTOMERS_FROM


def page(session: Session, f: VisitorFilter, *, after: tuple[Any, int] | None, limit: int) -> list[Any]:
    """Up to LIMIT visitors past AFTER (the last row's sort value and buyer id), most views / latest first."""
    key = SORT_COLUMNS[f.sort]
    where, params = _where(f)
    if f.customer is True and _few_customers(session):
        where.append(f"s.buyer_id IN ({_customers(session)})")
    binds = []
    if after is not None:
        where.append(f"({key} < :k0 OR ({key} = :k0 AND s.buyer_id < :k1))")
        params.update(k0=after[0], k1=after[1])
        if f.sort == "recent":
            binds.append(bindparam("k0", type_=UTCDateTime()))
    sql = (
        f"SELECT {COLUMNS} FROM {FROM}{' WHERE ' + ' AND '.join(where) if where else ''} "
        f"ORDER BY {key} DESC, s.buyer_id DESC LIMIT :n"
    )
    stmt = text(sql).columns(last_visit_at=UTCDateTime())
    if binds:
        stmt = stmt.bindparams(*binds)
    return list(session.execute(stmt, {**params, "n": limit}))


def count(session: Session, f: VisitorFilter, cap: int = COUNT_CAP) -> int:
    where, params = _where(f)
    joins = " JOIN buyer b ON b.id = s.buyer_id" if (f.customer is not None or f.owner is not None) else ""
    sql = (
        f"SELECT count(*) FROM (SELECT 1 FROM visitor_summary s{joins}"
        f"{' WHERE ' + ' AND '.join(where) if where else ''} LIMIT :cap) AS hits"
    )
    return int(session.execute(text(sql), {**params, "cap": cap + 1}).scalar_one())
