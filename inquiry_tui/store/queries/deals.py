"""The orders list's SQL: keyset pages newest first and the totals per currency, under any mix of filters.

Every filter combination reads one index range of `deal_order` (migration 0006): the owner's
(owner, placed_at, id, status, currency, total) or everyone's (placed_at, id, status, currency,
total), narrowed by status (an index of its own with the owner or alone) and by period. The buyer and
owner columns are looked up for the page's rows only, after the page is cut.

The totals never sum the orders of a period: without a period or customer filter they read
`order_sum` (a few rows per owner, status and currency, kept by the triggers of migration 0006);
with a period, `order_month_sum` for the whole months inside it and `order_day_sum` for the
whole days at its ends (migration 0011), and only a part-day at an edge (a period not cut at UTC
midnight, which the screen and CLI never give) from the orders. A customer's totals sum that
buyer's index range, where status, currency and total ride along (no table row is read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, bindparam, case, func, select, tuple_, union_all

from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import Account, Buyer, DealOrder, Loi, OrderDaySum, OrderMonthSum, OrderSum

_o = table_of(DealOrder)
_b = table_of(Buyer)
_a = table_of(Account)
_l = table_of(Loi)
_s = table_of(OrderSum)
_d = table_of(OrderDaySum)
_m = table_of(OrderMonthSum)


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


# A part of the totals: where its rows come from ("orders", "all": order_sum, "day", "month") and its
# [start, end) (None: open; datetimes for the orders, dates for the day and month sums).
_Part = tuple[str, datetime | date | None, datetime | date | None]


def order_totals(conn: Connection, f: OrderFilter) -> list[tuple[str, int, int, int]]:
    """(currency, orders, orders counted, sum of their total_minor) for every order the filter matches.

    Cancelled orders are counted in the sums only when the filter asks for them (status cancelled).
    One statement: the kept sums of the whole months, whole days and (all time) owners the filter
    covers, plus the orders of any part-day at the period's edges or of one customer, added up.
    The statement of each shape (which parts, which filters) is built once and reused with new
    values: building it took more time than running it.
    """
    parts: list[_Part]
    if f.buyer_id is not None:  # a customer's few orders: the buyer index range (status, currency, total ride along)
        parts = [("orders", f.since, f.until)]
    elif f.since is None and f.until is None:
        parts = [("all", None, None)]
    else:
        parts = _period_parts(f.since, f.until)
    status = None if f.status is None else ("cancelled" if f.status == "cancelled" else "other")
    shape = tuple((source, start is not None, end is not None) for source, start, end in parts)
    statement = _totals_statement(shape, f.owner_id is not None, status, f.buyer_id is not None)
    values: dict[str, Any] = {"owner": f.owner_id, "status": f.status, "buyer": f.buyer_id}
    for i, (_, start, end) in enumerate(parts):
        values[f"start{i}"], values[f"end{i}"] = start, end
    return [(c, int(n), int(k), int(s)) for c, n, k, s in conn.execute(statement, values)]


def _period_parts(since: datetime | None, until: datetime | None) -> list[_Part]:
    """The period [since, until) cut into whole months (order_month_sum), whole days (order_day_sum) and
    part-days at its edges (the orders themselves): every instant in exactly one part."""
    since = since.astimezone(UTC) if since is not None else None
    until = until.astimezone(UTC) if until is not None else None
    first_day = None if since is None else since.date() + timedelta(days=0 if since == _midnight(since.date()) else 1)
    end_day = None if until is None else until.date()  # exclusive
    if first_day is not None and end_day is not None and first_day >= end_day:
        return [("orders", since, until)]  # within a day or two part-days: a few hundred orders at most
    parts: list[_Part] = []
    if since is not None and first_day is not None and since < _midnight(first_day):
        parts.append(("orders", since, _midnight(first_day)))
    if until is not None and end_day is not None and _midnight(end_day) < until:
        parts.append(("orders", _midnight(end_day), until))
    first_month = None if first_day is None else _month_on_or_after(first_day)
    end_month = None if end_day is None else end_day.replace(day=1)
    if first_month is None or end_month is None or first_month < end_month:
        parts.append(("month", first_month, end_month))
        if first_day is not None and first_month is not None and first_day < first_month:
            parts.append(("day", first_day, first_month))
        if end_day is not None and end_month is not None and end_month < end_day:
            parts.append(("day", end_month, end_day))
    else:  # no whole month inside: the days
        parts.append(("day", first_day, end_day))
    return parts


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _month_on_or_after(day: date) -> date:
    if day.day == 1:
        return day
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


@lru_cache(maxsize=128)
def _totals_statement(
    shape: tuple[tuple[str, bool, bool], ...], owner: bool, status: str | None, buyer: bool
) -> Select[Any]:
    """The totals statement of one shape, with bound parameters :owner, :status, :buyer, :startI and :endI."""
    selects = [
        _part(source, i, has_start, has_end, owner, status, buyer)
        for i, (source, has_start, has_end) in enumerate(shape)
    ]
    union = selects[0].subquery() if len(selects) == 1 else union_all(*selects).subquery()
    n, k, s = union.c.n, union.c.k, union.c.s
    return (
        select(union.c.currency, func.sum(n), func.sum(k), func.sum(s))
        .group_by(union.c.currency)
        .having(func.sum(n) > 0)
        .order_by(union.c.currency)
    )


def _part(
    source: str, i: int, has_start: bool, has_end: bool, owner: bool, status: str | None, buyer: bool
) -> Select[Any]:
    """(currency, n, k, s) of one part: the orders themselves, or a kept table's rows."""
    where: list[ColumnElement[bool]] = []
    key: Any
    n: Any
    if source == "orders":
        table, owner_col, key, n = _o, _o.c.owner_id, _o.c.placed_at, func.count()
        if buyer:
            where.append(_o.c.buyer_id == bindparam("buyer"))
        one: Any = 1
    else:
        table = {"all": _s, "day": _d, "month": _m}[source]
        owner_col, key, n = table.c.owner_key, table.c.get("day", table.c.get("month")), func.sum(table.c.orders)
        one = table.c.orders
    if owner:
        where.append(owner_col == bindparam("owner"))
    if status is not None:
        where.append(table.c.status == bindparam("status"))
    if has_start:
        where.append(key >= bindparam(f"start{i}"))
    if has_end:
        where.append(key < bindparam(f"end{i}"))
    counted = table.c.status != "cancelled" if status != "cancelled" else table.c.currency.is_not(None)
    return (
        select(
            table.c.currency.label("currency"),
            func.coalesce(n, 0).label("n"),
            func.coalesce(func.sum(case((counted, one), else_=0)), 0).label("k"),
            func.coalesce(func.sum(case((counted, table.c.total_minor), else_=0)), 0).label("s"),
        )
        .where(*where)
        .group_by(table.c.currency)
    )


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
