"""The kept order sums (order_sum, order_day_sum, order_month_sum: triggers of migrations 0006 and 0011) give
the same totals as the orders themselves, for random orders, changes and filters, on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, update
from sqlmodel import col, select

from inquiry_tui.services.context import Ctx
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import Account, Buyer, DealOrder
from inquiry_tui.store.queries import deals as q
from tests.customer_helpers import make_buyer

_o = table_of(DealOrder)
STATUSES = ("confirmed", "paid", "shipped", "completed", "cancelled")
CURRENCIES = ("USD", "EUR", "JPY")
# The days around the ends of January, February and March, where the period is cut into months and days.
DAYS = tuple(
    datetime(2026, m, d, tzinfo=UTC)
    for m, d in ((1, 30), (1, 31), (2, 1), (2, 2), (2, 14), (2, 28), (3, 1), (3, 2), (3, 31), (4, 1))
)

_when = st.tuples(st.sampled_from(DAYS), st.integers(0, 86399)).map(lambda t: t[0] + timedelta(seconds=t[1]))
# A bound: none, a UTC midnight (what the screen and CLI give) or any second (the service allows it).
_bound = st.one_of(st.none(), st.sampled_from(DAYS), _when)
_orders = st.lists(
    st.tuples(_when, st.integers(0, 2), st.integers(0, 2), st.sampled_from(STATUSES), st.sampled_from(CURRENCIES)),
    min_size=1,
    max_size=30,
)
# A change to order i (taken modulo the count): a new status, owner, placing time, total, currency, or a delete.
_change = st.tuples(
    st.integers(0, 99),
    st.one_of(
        st.tuples(st.just("status"), st.sampled_from(STATUSES)),
        st.tuples(st.just("owner"), st.integers(0, 2)),
        st.tuples(st.just("placed_at"), _when),
        st.tuples(st.just("total_minor"), st.integers(1, 10**9)),
        st.tuples(st.just("currency"), st.sampled_from(CURRENCIES)),
        st.tuples(st.just("delete"), st.none()),
    ),
)
_filter = st.tuples(
    st.one_of(st.none(), st.sampled_from(STATUSES)),
    st.one_of(st.none(), st.integers(0, 1)),  # owner: ana or ben
    st.one_of(st.none(), st.integers(0, 2)),  # customer
    _bound,
    _bound,
)


def _expected(rows: dict[int, dict], f: q.OrderFilter) -> list[tuple[str, int, int, int]]:
    """The totals computed here from the orders as written: (currency, orders, counted, sum)."""
    out: dict[str, list[int]] = {}
    for r in rows.values():
        if f.owner_id is not None and r["owner_id"] != f.owner_id:
            continue
        if f.status is not None and r["status"] != f.status:
            continue
        if f.buyer_id is not None and r["buyer_id"] != f.buyer_id:
            continue
        if (f.since is not None and r["placed_at"] < f.since) or (f.until is not None and r["placed_at"] >= f.until):
            continue
        counted = r["status"] != "cancelled" or f.status == "cancelled"
        n, k, s = out.setdefault(r["currency"], [0, 0, 0])
        out[r["currency"]] = [n + 1, k + counted, s + (r["total_minor"] if counted else 0)]
    return sorted((c, n, k, s) for c, (n, k, s) in out.items())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(made=_orders, changes=st.lists(_change, max_size=8), filters=st.lists(_filter, min_size=1, max_size=6))
def test_kept_sums_equal_the_orders_summed(admin_ctx: Ctx, made: list, changes: list, filters: list) -> None:
    owners, buyers = _people(admin_ctx)  # owners: nobody, ana, ben
    rows: dict[int, dict] = {}
    with admin_ctx.begin() as conn:
        conn.execute(delete(_o))  # the previous example's orders (their sums fall to zero)
        for n, (at, owner, buyer, status, currency) in enumerate(made, start=1):  # ids given: one executemany
            rows[n] = {
                "id": n,
                "number": f"P-{n}",
                "buyer_id": buyers[buyer],
                "owner_id": owners[owner],
                "status": status,
                "currency": currency,
                "total_minor": 100 * n + 7,
                "doc": "{}",
                "placed_at": at,
                "updated_at": at,
            }
        conn.execute(insert(_o), list(rows.values()))
        for i, (field, value) in changes:
            if not rows:
                break
            order_id = sorted(rows)[i % len(rows)]
            if field == "delete":
                conn.execute(delete(_o).where(_o.c.id == order_id))
                del rows[order_id]
                continue
            value = owners[value] if field == "owner" else value
            column = "owner_id" if field == "owner" else field
            conn.execute(update(_o).where(_o.c.id == order_id).values({column: value}))
            rows[order_id][column] = value
    with admin_ctx.read() as session:
        conn = session.connection()
        for status, owner, buyer, since, until in filters:
            if since is not None and until is not None and since >= until:
                since, until = until, since + timedelta(days=1)
            f = q.OrderFilter(
                status,
                None if buyer is None else buyers[buyer],
                None if owner is None else owners[owner + 1],  # ana's or ben's
                since,
                until,
            )
            assert q.order_totals(conn, f) == _expected(rows, f), f


def _people(ctx: Ctx) -> tuple[list[int | None], list[int]]:
    """[None, ana's id, ben's id] and three buyers' ids (made by the first example)."""
    with ctx.read() as session:
        ids = dict(session.exec(select(Account.login, Account.id)).all())
        buyers = list(session.exec(select(Buyer.id).where(col(Buyer.email).like("sum%")).order_by(col(Buyer.id))))
    if not buyers:
        buyers = [make_buyer(ctx, f"sum{n}@buyers.example") for n in range(3)]
    return [None, ids["ana"], ids["ben"]], [b for b in buyers if b is not None]
