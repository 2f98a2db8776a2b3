"""Orders through the services: from a confirmed LOI, forward-only status, history, the list, totals, trade and stage."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.listing import CustomerQuery, customer_page
from inquiry_tui.services.customers.manage import transfer_customer
from inquiry_tui.services.customers.profile import buyer_profile
from inquiry_tui.services.deals import lois, orders
from inquiry_tui.services.deals.views import OrderQuery
from inquiry_tui.tui.customers.profile_pane import pane_lines
from tests.conftest import ctx_as
from tests.deal_helpers import LINE, confirmed_loi, customer_with_inquiry, order_of


def test_a_confirmed_loi_becomes_one_order(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    _, inquiry = customer_with_inquiry(admin_ctx)
    draft = lois.draft_loi(ana, inquiry_id=inquiry, data={"lines": [LINE]})
    with pytest.raises(ValidationError, match=r"^status: LOI \d+ is draft; only a confirmed LOI becomes an order"):
        orders.order_from_loi(ana, draft.id)
    lois.send_loi(ana, draft.id)
    lois.confirm_loi(ana, draft.id)
    order = orders.order_from_loi(ana, draft.id)
    assert (order.status, order.total, order.doc.currency, order.loi_id, order.owner_login) == (
        "confirmed",
        Decimal("6250.00"),
        "USD",
        draft.id,
        "ana",
    )
    assert order.number == f"SO-20261123-{draft.id}"
    with pytest.raises(ValidationError, match=f"already became order {order.number}"):
        orders.order_from_loi(ana, draft.id)
    assert lois.loi_detail(ana, draft.id).order_number == order.number


def test_status_moves_forward_dated_and_recorded(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    _, inquiry = customer_with_inquiry(admin_ctx)
    order = order_of(ana, inquiry)
    orders.set_order_status(ana, order.id, "paid")
    shipped = orders.set_order_status(ana, order.number, "shipped")
    with pytest.raises(ValidationError, match=r"^status: an order moves forward only; shipped -> paid is backwards$"):
        orders.set_order_status(ana, order.id, "paid")
    assert [(e.from_status, e.to_status) for e in shipped.events] == [
        (None, "confirmed"),
        ("confirmed", "paid"),
        ("paid", "shipped"),
    ]
    assert all(e.actor == "ana" and e.at.tzinfo is not None for e in shipped.events)
    with admin_ctx.read() as session:
        audited = (
            session.connection()
            .exec_driver_sql("SELECT after FROM audit_log WHERE action = 'order_status' ORDER BY id")
            .scalars()
            .all()
        )
    assert [json.loads(a)["status"] for a in audited] == ["paid", "shipped"]


def test_a_salesperson_sees_only_their_customers_orders(admin_ctx: Ctx) -> None:
    _, mine = customer_with_inquiry(admin_ctx, "a@ana.example", owner="ana")
    _, bens = customer_with_inquiry(admin_ctx, "b@ben.example", owner="ben")
    a = order_of(ctx_as(admin_ctx, "ana"), mine)
    b = order_of(ctx_as(admin_ctx, "ben"), bens)
    ana = ctx_as(admin_ctx, "ana")
    assert [r.id for r in orders.order_page(ana, OrderQuery()).rows] == [a.id]
    with pytest.raises(NotFound):
        orders.order_detail(ana, b.id)
    with pytest.raises(NotFound):
        orders.set_order_status(ana, b.id, "paid")
    assert {r.id for r in orders.order_page(admin_ctx, OrderQuery()).rows} == {a.id, b.id}
    assert [r.id for r in orders.order_page(admin_ctx, OrderQuery(owner="ben")).rows] == [b.id]


def test_orders_follow_their_customer_to_a_new_owner(admin_ctx: Ctx) -> None:
    buyer, inquiry = customer_with_inquiry(admin_ctx)
    order = order_of(ctx_as(admin_ctx, "ana"), inquiry)
    transfer_customer(admin_ctx, buyer, "cara")
    assert orders.order_detail(ctx_as(admin_ctx, "cara"), order.id).owner_login == "cara"
    assert orders.order_page(ctx_as(admin_ctx, "ana"), OrderQuery()).rows == ()


def test_filters_keyset_pages_and_totals_per_currency(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    made = []
    for n in range(5):
        _, inquiry = customer_with_inquiry(admin_ctx, f"c{n}@buyers.example")
        code = "EUR" if n % 2 else "USD"
        made.append(orders.order_from_loi(ana, confirmed_loi(ana, inquiry, currency=code).id))
    orders.set_order_status(ana, made[0].id, "paid")
    pages, key = [], None
    while True:
        page = orders.order_page(ana, OrderQuery(), key, limit=2)
        pages.append([r.id for r in page.rows])
        key = page.next_key
        if key is None:
            break
    assert [i for p in pages for i in p] == sorted((o.id for o in made), reverse=True)
    assert len(pages) == 3
    totals = orders.order_totals(ana, OrderQuery())
    assert totals.orders == 5
    assert [(t.currency, t.orders, t.total) for t in totals.by_currency] == [
        ("EUR", 2, Decimal("12500.00")),
        ("USD", 3, Decimal("18750.00")),
    ]
    assert [r.id for r in orders.order_page(ana, OrderQuery(status="paid")).rows] == [made[0].id]
    assert [r.id for r in orders.order_page(ana, OrderQuery(customer="c3@buyers.example")).rows] == [made[3].id]
    assert orders.order_page(ana, OrderQuery(customer="nobody@x.example")).rows == ()
    day = datetime(2026, 11, 23, tzinfo=UTC)
    assert orders.order_totals(ana, OrderQuery(since=day, until=day + timedelta(days=1))).orders == 5
    assert orders.order_totals(ana, OrderQuery(until=day)).orders == 0
    with pytest.raises(ValidationError, match="status: 'lost' is not allowed"):
        orders.order_page(ana, OrderQuery(status="lost"))
    assert orders.period("2026-11-01", "2026-11-23") == (datetime(2026, 11, 1, tzinfo=UTC), day + timedelta(days=1))


def test_orders_feed_trade_activity_and_the_customer_stage(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    buyer, inquiry = customer_with_inquiry(admin_ctx)
    before = buyer_profile(ana, buyer)
    assert (before.stage, before.activity.dimension("trade").count) == ("inquiry", 0)
    first = order_of(ana, inquiry)
    after = buyer_profile(ana, buyer)
    assert (after.stage, after.orders, after.activity.dimension("trade").count) == ("first_order", 1, 1)
    assert "Stage first order (1 order)" in [line.plain for line in pane_lines(after, 40)]  # the profile pane
    assert after.activity.level > before.activity.level
    order_of(ana, inquiry)
    assert buyer_profile(ana, buyer).stage == "repeat"
    assert [r.email for r in customer_page(ana, CustomerQuery(stage="repeat")).rows] == ["hans@mueller.example"]
    orders.set_order_status(ana, first.id, "cancelled")
    assert buyer_profile(ana, buyer).stage == "first_order"
    assert customer_page(ana, CustomerQuery(stage="repeat")).rows == ()
    assert [r.email for r in customer_page(ana, CustomerQuery(stage="first_order")).rows] == ["hans@mueller.example"]


def test_the_kept_totals_agree_with_the_orders_themselves(admin_ctx: Ctx) -> None:
    """Without a period the totals come from `order_sum` (triggers); with one, from the orders: the same figures."""
    ana = ctx_as(admin_ctx, "ana")
    made = []
    for n in range(6):
        buyer, inquiry = customer_with_inquiry(admin_ctx, f"k{n}@buyers.example")
        made.append((buyer, orders.order_from_loi(ana, confirmed_loi(ana, inquiry, currency=("USD", "EUR")[n % 2]).id)))
    orders.set_order_status(ana, made[0][1].id, "paid")
    orders.set_order_status(ana, made[1][1].id, "cancelled")
    orders.set_order_status(ana, made[2][1].id, "paid")
    orders.set_order_status(ana, made[2][1].id, "shipped")
    transfer_customer(admin_ctx, made[3][0], "cara")  # the trigger moves the order, and its sums, to cara
    since = datetime(2000, 1, 1, tzinfo=UTC)  # a period: the orders themselves are summed
    for ctx in (admin_ctx, ana, ctx_as(admin_ctx, "cara")):
        for status in (None, "confirmed", "paid", "shipped", "cancelled", "completed"):
            for owner in (None, "ana", "cara") if ctx is admin_ctx else (None,):
                kept = orders.order_totals(ctx, OrderQuery(status=status, owner=owner))
                summed = orders.order_totals(ctx, OrderQuery(status=status, owner=owner, since=since))
                assert kept == summed, (ctx.actor.login, status, owner)
    assert orders.order_totals(admin_ctx, OrderQuery()).orders == 6
    assert [(t.currency, t.orders) for t in orders.order_totals(admin_ctx, OrderQuery()).by_currency] == [
        ("EUR", 2),  # the cancelled EUR order is counted, not summed
        ("USD", 3),
    ]
    assert orders.order_totals(ctx_as(admin_ctx, "cara"), OrderQuery()).orders == 1
