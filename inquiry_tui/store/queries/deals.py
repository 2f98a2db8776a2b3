"""The orders list's SQL: keyset pages newest first and the totals per currency, under any mix of filters.

Every filter combination reads one index range of `deal_order` (migration 0006): the owner's
(owner, placed_at, id, status, currency, total) or everyone's (placed_at, id, status, currency,
total), narrowed by status (an index of its own with the owner or alone) and by period. The buyer and
owner columns are looked up for the page's rows only, after the page is cut.

The totals without a period or customer filter read `order_sum` (a few rows per owner, status
and currency, kept by the triggers of migration 0006); with a period or a customer they sum the
matching index range, where status, currency and total ride along (no table row is read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, case, func, select, tuple_

from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import Account, Buyer, DealOrder, Loi, OrderSum

_o = table_of(DealOrder)
_b = table_of(Buyer)
_a = table_of(Account)
_l = table_of(Loi)
_s = table_of(OrderSum)


@dataclass(frozen=True)
class OrderFilter:
    """Resolved filters: ids, not names. OWNER restricts to one owner's orders (a salesperson's own)."""

    status: str | None = None
    buyer_id: int | None = None
    owner_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def _where(f: OrderFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if f.owner_id is not None:
        out.append(_o.c.owner_id == f.owner_id)
    if f.status is not None:
        out.append(_o.c.status == f.status)
    if f.buyer_id is not None:
        out.append(_o.c.buyer_id == f.buyer_id)
    if f.since is not None:
        out.append(_o.c.placed_at >= f.since)
    if f.until is not None:
        out.append(_o.c.placed_at < f.until)
    return out


def order_page(conn: Connection, f: OrderFilter, after: tuple[datetime, int] | None, limit: int) -> list[Any]:
    """Up to LIMIT rows newest first after AFTER (placed_at, id): id, number, placed_at, status, kind, source,
    currency, total_minor, version, buyer_id, owner_id."""
    where = _where(f)
    if after is not None:
        where.append(tuple_(_o.c.placed_at, _o.c.id) < tuple_(after[0], after[1]))
    query = (
        select(
            _o.c.id,
            _o.c.number,
            _o.c.placed_at,
            _o.c.status,
            _o.c.kind,
            _o.c.source,
            _o.c.currency,
            _o.c.total_minor,
            _o.c.version,
            _o.c.buyer_id,
            _o.c.owner_id,
        )
        .where(*where)
        .order_by(_o.c.placed_at.desc(), _o.c.id.desc())
        .limit(limit)
    )
    return list(conn.execute(query))


def order_totals(conn: Connection, f: OrderFilter) -> list[tuple[str, int, int, int]]:
    """(currency, orders, orders counted, sum of their total_minor) for every order the filter matches.

    Cancelled orders are counted in the sums only when the filter asks for them (status cancelled).
    """
    if f.buyer_id is None and f.since is None and f.until is None:
        return _summed_totals(conn, f)
    counted = _o.c.status != "cancelled" if f.status != "cancelled" else _o.c.id.is_not(None)
    query = (
        select(
            _o.c.currency,
            func.count(),
            func.coalesce(func.sum(case((counted, 1), else_=0)), 0),
            func.coalesce(func.sum(case((counted, _o.c.total_minor), else_=0)), 0),
        )
        .where(*_where(f))
        .group_by(_o.c.currency)
        .order_by(_o.c.currency)
    )
    return [(c, int(n), int(k), int(s)) for c, n, k, s in conn.execute(query)]


def _summed_totals(conn: Connection, f: OrderFilter) -> list[tuple[str, int, int, int]]:
    """order_totals from `order_sum`: the same figures, from rows per owner, status and currency."""
    where: list[ColumnElement[bool]] = []
    if f.owner_id is not None:
        where.append(_s.c.owner_key == f.owner_id)
    if f.status is not None:
        where.append(_s.c.status == f.status)
    counted = _s.c.status != "cancelled" if f.status != "cancelled" else _s.c.owner_key.is_not(None)
    query = (
        select(
            _s.c.currency,
            func.coalesce(func.sum(_s.c.orders), 0),
            func.coalesce(func.sum(case((counted, _s.c.orders), else_=0)), 0),
            func.coalesce(func.sum(case((counted, _s.c.total_minor), else_=0)), 0),
        )
        .where(*where)
        .group_by(_s.c.currency)
        .having(func.sum(_s.c.orders) > 0)
        .order_by(_s.c.currency)
    )
    return [(c, int(n), int(k), int(s)) for c, n, k, s in conn.execute(query)]


def buyers(conn: Connection, ids: Sequence[int]) -> dict[int, Any]:
    """id -> (id, email, name, company, country) of these buyers."""
    if not ids:
        return {}
    query = select(_b.c.id, _b.c.email, _b.c.name, _b.c.company, _b.c.country).where(_b.c.id.in_(sorted(set(ids))))
    return {r.id: r for r in conn.execute(query)}


def logins(conn: Connection) -> dict[int, str]:
    return {r.id: r.login for r in conn.execute(select(_a.c.id, _a.c.login))}


def loi_page(
    conn: Connection, *, owner_id: int | None, status: str | None, before_id: int | None, limit: int
) -> list[Any]:
    """LOIs newest first (by id) before BEFORE_ID: id, status, buyer_id, owner_id, currency, total_minor, doc,
    updated_at, version."""
    where: list[ColumnElement[bool]] = []
    if owner_id is not None:
        where.append(_l.c.owner_id == owner_id)
    if status is not None:
        where.append(_l.c.status == status)
    if before_id is not None:
        where.append(_l.c.id < before_id)
    query = (
        select(
            _l.c.id,
            _l.c.status,
            _l.c.buyer_id,
            _l.c.owner_id,
            _l.c.currency,
            _l.c.total_minor,
            _l.c.doc,
            _l.c.updated_at,
            _l.c.version,
        )
        .where(*where)
        .order_by(_l.c.id.desc())
        .limit(limit)
    )
    return list(conn.execute(query))
