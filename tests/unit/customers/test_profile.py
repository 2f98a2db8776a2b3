"""The buyer profile service: built from stored aggregates, window edges, visibility."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inquiry_tui.domain.activity import DailyCounts, activity_level
from inquiry_tui.domain.errors import NotFound
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.profile import buyer_profile
from inquiry_tui.store import bulk, plain_sql
from inquiry_tui.store.types import db_text
from tests.conftest import FIXED_NOW, ctx_as
from tests.customer_helpers import add_daily, add_detail, add_visit, make_buyer, make_product, make_thread

TODAY = FIXED_NOW.date()


def day(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


def test_profile_from_aggregates_with_window_edges(admin_ctx: Ctx) -> None:
    b = make_buyer(
        admin_ctx,
        "amir@sahara.dz",
        owner="ana",
        name="Amir",
        company="Sahara Trading",
        country="DZ",
        phone="+213 555",
        website="https://sahara.dz",
        verified=True,
        tier="L3",
    )
    add_daily(
        admin_ctx,
        b,
        [
            (day(0), "product_view", 4),
            (day(89), "product_view", 2),
            (day(90), "product_view", 100),  # 90 is outside
            (day(3), "login", 1),
            (day(3), "visit", 2),
            (day(5), "login", 3),
            (day(10), "rfq", 1),
            (day(11), "trade", 1),
            (day(2), "search", 6),
            (day(20), "junk", 1),
            (day(30), "blacklist", 1),
            (day(-1), "trade", 50),  # future ignored
        ],
    )
    make_thread(admin_ctx, b, "ana", FIXED_NOW - timedelta(days=1), replied=True)
    make_thread(admin_ctx, b, "ana", FIXED_NOW - timedelta(days=89, hours=9))  # the window's first day
    make_thread(admin_ctx, b, "ana", FIXED_NOW - timedelta(days=91))  # outside
    make_thread(admin_ctx, b, "ana", FIXED_NOW - timedelta(days=2), junk=True)

    p = buyer_profile(admin_ctx, b)
    assert (p.email, p.country_name, p.owner_login, p.verified, p.tier) == (
        "amir@sahara.dz",
        "Algeria",
        "ana",
        True,
        "L3",
    )
    # Issue 13, item 9: "Last contact" is never older than a message the page shows.
    assert p.latest_messages and p.last_contact_at is not None
    assert p.last_contact_at >= max(m.sent_at for m in p.latest_messages)
    box = p.behaviour
    assert box.product_views == 6
    assert box.valid_inquiries == 2 and box.replies == 1
    assert box.valid_rfqs == 1 and box.login_days == 2
    assert box.junk_inquiries == 2  # one from the marketplace's count, one judged junk here
    assert box.times_blacklisted == 1
    expected = activity_level(
        [
            DailyCounts(TODAY, "product_view", 6),
            DailyCounts(TODAY, "login", 4),
            DailyCounts(TODAY, "visit", 2),
            DailyCounts(TODAY, "rfq", 1),
            DailyCounts(TODAY, "trade", 1),
            DailyCounts(TODAY, "search", 6),
            DailyCounts(TODAY, "inquiry", 2),
        ],
        TODAY,
    )
    assert p.activity.level == expected.level
    assert [d.count for d in p.activity.dimensions] == [12, 1, 1, 2, 6]
    assert len(p.activity.daily) == 90 and p.activity.daily[-1] == 4 and p.activity.daily[0] == 2 + 1
    reasons = " | ".join(p.authenticity.texts)
    assert "blacklisted 1 time" in reasons and "2 junk inquiries" in reasons


def test_shorter_window(admin_ctx: Ctx) -> None:
    b = make_buyer(admin_ctx, "w@x.com", owner="ana")
    add_daily(admin_ctx, b, [(day(29), "rfq", 1), (day(30), "rfq", 5)])
    assert buyer_profile(admin_ctx, b, window_days=30).behaviour.valid_rfqs == 1
    assert buyer_profile(admin_ctx, b).behaviour.valid_rfqs == 6


def test_authenticity_reasons_name_the_profiles_window(admin_ctx: Ctx) -> None:
    """`customer show --window 30` judges 30 days, and its reasons say 30, not 90."""
    b = make_buyer(admin_ctx, "w30@x.com", owner="ana")
    add_daily(admin_ctx, b, [(day(3), "junk", 2), (day(40), "blacklist", 1)])
    thirty = buyer_profile(admin_ctx, b, window_days=30).authenticity
    assert "2 junk inquiries in 30 days" in thirty.texts
    assert not any("blacklisted" in r or "90 days" in r for r in thirty.texts)
    ninety = buyer_profile(admin_ctx, b).authenticity
    assert {"2 junk inquiries in 90 days", "blacklisted 1 time in 90 days"} <= set(ninety.texts)
    assert all(r.sign == -1 for r in ninety.reasons if "junk" in r.text or "blacklisted" in r.text)


def test_raw_events_are_not_read(admin_ctx: Ctx) -> None:
    b = make_buyer(admin_ctx, "raw@x.com", owner="ana")
    with admin_ctx.engine.begin() as conn:
        bulk.insert_rows(conn, "activity_event", bulk.ACTIVITY_COLUMNS, [(b, db_text(FIXED_NOW), "rfq", "")] * 5)
    p = buyer_profile(admin_ctx, b)
    assert p.activity.level == 0 and p.behaviour.valid_rfqs == 0


def test_visitor_details_intended_products_and_trading_note(admin_ctx: Ctx) -> None:
    pid = make_product(admin_ctx, "FL-100W", "100W LED Flood Light", "flood light,floodlight")
    b = make_buyer(admin_ctx, "t@trade.com", owner="ana")
    add_visit(
        admin_ctx, b, FIXED_NOW - timedelta(days=3), region="DZ", page_views=7, search_terms="car tyres,baby clothes"
    )
    add_visit(admin_ctx, b, FIXED_NOW - timedelta(days=10), region="FR", page_views=3, store_pages=2)
    add_visit(admin_ctx, b, FIXED_NOW - timedelta(days=3, hours=2), region="DZ", page_views=1)
    add_visit(admin_ctx, b, FIXED_NOW - timedelta(days=120), region="US", page_views=99)  # outside the window
    for term, n in (("steel pipe", 5), ("yoga mat", 4), ("coffee machine", 3), ("flood light", 1)):
        add_detail(admin_ctx, b, "search", term, n, FIXED_NOW - timedelta(days=2))
    add_detail(admin_ctx, b, "search", "old term", 50, FIXED_NOW - timedelta(days=200))
    add_detail(admin_ctx, b, "product_view", "FL-100W", 6, FIXED_NOW - timedelta(days=1))
    make_thread(admin_ctx, b, "ana", FIXED_NOW - timedelta(days=4), product_id=pid)

    p = buyer_profile(admin_ctx, b)
    v = p.visitor
    assert (v.sessions, v.page_views, v.store_pages, v.regions[0]) == (3, 11, 8, "DZ")
    assert v.search_terms[0].term == "steel pipe" and "old term" not in [t.term for t in v.search_terms]
    assert {"car tyres", "baby clothes"} <= {t.term for t in v.search_terms}
    assert p.trading_company_note and "trading company" in p.trading_company_note
    assert p.intended_products[0].sku == "FL-100W"
    assert (p.intended_products[0].views, p.intended_products[0].inquiries, p.intended_products[0].ours) == (6, 1, True)


def test_related_searches_give_no_note(admin_ctx: Ctx) -> None:
    make_product(admin_ctx, "SL-60W", "60W LED Street Light", "street light,road light")
    b = make_buyer(admin_ctx, "r@x.com", owner="ana")
    for term in ("street light", "solar street light", "road light 60w"):
        add_detail(admin_ctx, b, "search", term, 2, FIXED_NOW)
    assert buyer_profile(admin_ctx, b).trading_company_note is None


def test_latest_messages_newest_first_and_only_visible_threads(admin_ctx: Ctx) -> None:
    b = make_buyer(admin_ctx, "m@x.com", owner="ana")
    for i in range(4):
        make_thread(admin_ctx, b, "ana", FIXED_NOW - timedelta(days=10 - i), body=f"ana thread {i}", replied=True)
    make_thread(admin_ctx, b, "ben", FIXED_NOW - timedelta(hours=1), body="ben's thread")
    admin_view = buyer_profile(admin_ctx, b).latest_messages
    assert len(admin_view) == 5 and admin_view[0].preview == "ben's thread"
    assert [m.sent_at for m in admin_view] == sorted((m.sent_at for m in admin_view), reverse=True)
    ana_view = buyer_profile(ctx_as(admin_ctx, "ana"), b).latest_messages
    assert all("ben" not in m.preview for m in ana_view)
    assert ana_view[0].direction == "out" and ana_view[1].preview == "ana thread 3"


def test_visibility(admin_ctx: Ctx) -> None:
    ana, ben, cara = (ctx_as(admin_ctx, x) for x in ("ana", "ben", "cara"))
    b = make_buyer(admin_ctx, "v@x.com", owner="ana")
    assert buyer_profile(ana, b).buyer_id == b
    assert buyer_profile(admin_ctx, b).buyer_id == b
    with pytest.raises(NotFound):
        buyer_profile(ben, b)
    # Ben handles a thread of this buyer: the inbox pane must show its buyer.
    make_thread(admin_ctx, b, "ben", FIXED_NOW)
    assert buyer_profile(ben, b).buyer_id == b
    with pytest.raises(NotFound):
        buyer_profile(cara, b)
    with pytest.raises(NotFound):
        buyer_profile(admin_ctx, 999_999)
    unowned = make_buyer(admin_ctx, "visitor@x.com")
    assert buyer_profile(cara, unowned).owner_login is None


def test_a_buyers_threads_are_counted_from_the_index_alone(admin_ctx: Ctx) -> None:
    """The per-day count of the buyer's threads (junk, replied, product) reads `ix_inquiry_buyer_recv` only, no
    inquiry row (migration 0018): a busy buyer's profile on a cursor move cost a row read per thread."""
    from inquiry_tui.services.customers.profile import _Q_THREADS

    b = make_buyer(admin_ctx, "busy@x.com", owner="ana")
    pid = make_product(admin_ctx, "FL-200W", "200W LED Flood Light", "flood light")
    for n in range(6):
        make_thread(admin_ctx, b, "ana", FIXED_NOW - timedelta(days=n), replied=n % 2 == 0, product_id=pid)
    make_thread(admin_ctx, b, "ana", FIXED_NOW - timedelta(days=1), junk=True)
    if admin_ctx.engine.dialect.name == "sqlite":  # (PostgreSQL's planner scans a table this small whole)
        with admin_ctx.read_plain() as conn:
            rows = plain_sql.rows(conn, f"EXPLAIN QUERY PLAN {_Q_THREADS}", {"b": b, "since": day(89)})
        plan = [str(row[3]) for row in rows]
        assert any("COVERING INDEX ix_inquiry_buyer_recv" in line for line in plan), plan
    p = buyer_profile(admin_ctx, b)
    assert (p.behaviour.valid_inquiries, p.behaviour.replies, p.behaviour.junk_inquiries) == (6, 3, 1)
    assert [(i.sku, i.inquiries) for i in p.intended_products] == [("FL-200W", 6)]
