"""Real-time marketing: who is recommended and why, the rollup kept up to date, outreach threads."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers import activity as customer_activity
from inquiry_tui.services.customers.profile import buyer_profile
from inquiry_tui.services.customers.recommendations import recommended_buyers, start_outreach
from inquiry_tui.store.models import AllocationRecord, AuditLog, Buyer, Inquiry, Message
from tests.conftest import FIXED_NOW, ctx_as, store_busy
from tests.customer_helpers import add_daily, add_detail, make_buyer, make_product

TODAY = FIXED_NOW.date()


def day(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


def active(ctx: Ctx, buyer_id: int) -> None:
    """Enough activity for a level >= 50 (RFQs and trade weigh most)."""
    add_daily(ctx, buyer_id, [(day(2), "rfq", 4), (day(3), "trade", 3), (day(4), "visit", 30), (day(5), "search", 10)])


@pytest.fixture
def store(admin_ctx: Ctx) -> dict[str, int]:
    make_product(admin_ctx, "SL-60W", "60W LED Street Light", "street light,road light", owner="ben")
    quiet = make_buyer(
        admin_ctx, "quiet@x.com", owner="ana", name="Quiet", last_contact_at=FIXED_NOW - timedelta(days=45)
    )
    never = make_buyer(admin_ctx, "never@x.com", name="Visitor")
    recent = make_buyer(admin_ctx, "recent@x.com", owner="ana", last_contact_at=FIXED_NOW - timedelta(days=3))
    off_topic = make_buyer(admin_ctx, "tyres@x.com", owner="ana", last_contact_at=FIXED_NOW - timedelta(days=60))
    idle = make_buyer(admin_ctx, "idle@x.com", owner="ana")
    bens = make_buyer(admin_ctx, "bens@x.com", owner="ben")
    for b in (quiet, never, recent, off_topic, bens):
        active(admin_ctx, b)
    for b in (quiet, recent, bens):
        add_detail(admin_ctx, b, "search", "solar street light", 5, FIXED_NOW - timedelta(days=2))
    add_detail(admin_ctx, never, "product_view", "SL-60W", 3, FIXED_NOW - timedelta(days=1))
    add_detail(admin_ctx, off_topic, "search", "car tyres", 9, FIXED_NOW - timedelta(days=1))
    add_detail(admin_ctx, idle, "search", "street light", 9, FIXED_NOW - timedelta(days=1))
    add_detail(admin_ctx, quiet, "search", "road light", 2, FIXED_NOW - timedelta(days=40))  # too old for intent
    return {"quiet": quiet, "never": never, "recent": recent, "off_topic": off_topic, "idle": idle, "bens": bens}


def test_who_is_recommended_and_why(admin_ctx: Ctx, store: dict[str, int]) -> None:
    items = {r.buyer_id: r for r in recommended_buyers(admin_ctx)}
    assert set(items) == {store["quiet"], store["never"], store["bens"]}
    quiet = items[store["quiet"]]
    assert quiet.intent_hits == 5 and "solar street light" in quiet.reason and "no contact for 45 days" in quiet.reason
    assert "never contacted" in items[store["never"]].reason
    assert quiet.level == buyer_profile(admin_ctx, store["quiet"]).activity.level  # the rollup agrees with the profile
    scores = [r.score for r in recommended_buyers(admin_ctx)]
    assert scores == sorted(scores, reverse=True)


def test_salesperson_sees_own_and_unowned(admin_ctx: Ctx, store: dict[str, int]) -> None:
    ids = {r.buyer_id for r in recommended_buyers(ctx_as(admin_ctx, "ana"))}
    assert ids == {store["quiet"], store["never"]}


def test_rollup_follows_new_activity(admin_ctx: Ctx, store: dict[str, int]) -> None:
    first = customer_activity.rollup(admin_ctx)
    assert first.full
    assert store["idle"] not in {r.buyer_id for r in recommended_buyers(admin_ctx)}
    active(admin_ctx, store["idle"])  # new daily rows: found by the watermark, not by a full pass
    again = customer_activity.rollup(admin_ctx)
    assert not again.full and again.signals[store["idle"]].level >= 50
    assert store["idle"] in {r.buyer_id for r in recommended_buyers(admin_ctx)}


def stored_buyers(ctx: Ctx) -> int:
    with ctx.read() as session:
        return session.connection().exec_driver_sql("SELECT count(*) FROM activity_rollup").scalar_one()


def test_another_process_loads_the_stored_rollup_and_catches_up(admin_ctx: Ctx, store: dict[str, int]) -> None:
    first = customer_activity.rollup(admin_ctx)
    assert first.full and stored_buyers(admin_ctx) == len(first.signals) > 0
    customer_activity.invalidate(admin_ctx)  # a new process: nothing in memory
    loaded = customer_activity.rollup(admin_ctx)
    assert not loaded.full and loaded.signals == first.signals and loaded.ranked == first.ranked
    customer_activity.invalidate(admin_ctx)
    active(admin_ctx, store["idle"])  # after the stored pass: found from its watermarks
    caught_up = customer_activity.rollup(admin_ctx)
    assert not caught_up.full and caught_up.signals[store["idle"]].level >= 50
    assert store["idle"] in {r.buyer_id for r in recommended_buyers(admin_ctx)}


def test_a_changed_catalogue_makes_a_full_pass(admin_ctx: Ctx, store: dict[str, int]) -> None:
    before = customer_activity.rollup(admin_ctx).signals.get(store["off_topic"])
    assert before is None or before.intent_hits == 0  # "car tyres" is nothing we sell
    make_product(admin_ctx, "TY-1", "Car tyres", "tyre,tyres")
    again = customer_activity.rollup(admin_ctx)  # in this process
    assert again.full and again.signals[store["off_topic"]].intent_hits == 9
    customer_activity.invalidate(admin_ctx)
    assert not customer_activity.rollup(admin_ctx).full  # the stored pass was made with the new catalogue


def test_refresh_rebuilds_and_a_busy_store_skips_the_write(admin_ctx: Ctx, store: dict[str, int]) -> None:
    customer_activity.rollup(admin_ctx)
    rebuilt = customer_activity.rollup(admin_ctx, refresh=True)
    assert rebuilt.full  # not loaded from the store
    with store_busy(admin_ctx.url, "activity_rollup_state"):
        assert customer_activity._store(admin_ctx, rebuilt) is False  # skipped, not waited for
    assert customer_activity._store(admin_ctx, rebuilt) is True
    assert stored_buyers(admin_ctx) == len(rebuilt.signals)


def test_outreach_starts_an_outgoing_thread(admin_ctx: Ctx, store: dict[str, int]) -> None:
    ana = ctx_as(admin_ctx, "ana")
    started = start_outreach(ana, store["never"], "Hello, we make street lights.", "Street lights for you")
    assert (started.owner_login, started.rule) == ("ana", "outreach")
    with admin_ctx.read() as s:
        inquiry = s.get(Inquiry, started.inquiry_id)
        assert (inquiry.channel, inquiry.replied, inquiry.unread, inquiry.subject) == (
            "inquiry",
            True,
            False,
            "Street lights for you",
        )
        message = s.exec(select(Message).where(Message.inquiry_id == inquiry.id)).one()
        assert (message.direction, message.body) == ("out", "Hello, we make street lights.")
        assert s.get(Buyer, store["never"]).owner_id == inquiry.owner_id
        record = s.exec(select(AllocationRecord).where(AllocationRecord.inquiry_id == inquiry.id)).one()
        assert (record.rule, record.actor) == ("outreach", "ana")
        assert (
            json.loads(s.exec(select(AuditLog).where(AuditLog.action == "outreach_start")).one().after)["owner"]
            == "ana"
        )
    assert store["never"] not in {r.buyer_id for r in recommended_buyers(admin_ctx)}  # contacted now


def test_outreach_keeps_the_owner_and_checks_rights(admin_ctx: Ctx, store: dict[str, int]) -> None:
    started = start_outreach(admin_ctx, store["quiet"], "Hi from the boss")
    assert (started.owner_login, started.rule) == ("ana", "sticky")
    with pytest.raises(NotFound):
        start_outreach(ctx_as(admin_ctx, "ana"), store["bens"], "Hi")
    with pytest.raises(ValidationError):
        start_outreach(admin_ctx, store["quiet"], "   ")
