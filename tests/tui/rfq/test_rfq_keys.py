"""Pilot tests of the RFQ market: keys pressed, then the store checked through services."""

from __future__ import annotations

from textual.widgets import Input, Static

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.rfq.quotes import my_quotes, quota, send_quote
from inquiry_tui.services.rfq.recommend import recommended_rfqs
from inquiry_tui.services.rfq.rows import RfqRow
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.paged_list import PagedList
from inquiry_tui.tui.rfq.quote_form import QuoteFormScreen
from inquiry_tui.tui.rfq.screen import RfqScreen, RfqView
from inquiry_tui.tui.rfq.subscriptions import SubscriptionsScreen
from tests.conftest import ctx_as
from tests.tui.common.test_keys_everywhere import check_here
from tests.tui.conftest import settle, until
from tests.tui.customers.customer_host import ScreenHost

SIZE = (160, 48)
QUOTE = {"price": "9.90", "currency": "USD", "moq": "100", "lead_days": "20"}


def market_app(ctx: Ctx) -> ScreenHost:
    return ScreenHost(ctx, RfqScreen)


def status(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#market-status", Static).render())


async def test_filter_by_keyword(store_ctx: Ctx) -> None:
    app = market_app(ctx_as(store_ctx, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(PagedList)
        everything = listing.total
        assert everything > 20 and all(r.status == "open" for r in listing.rows)  # open only by default
        await pilot.press("slash", *"street light")
        await until(pilot, lambda: app.screen.query_state.words == ("street", "light"), "the keywords apply")
        assert 0 < listing.total < everything
        for row in listing.rows:
            assert "street" in row.title.lower() or "street" in " ".join(row.fit_terms).lower()
        assert "keywords street light" in status(app)
        await pilot.press("enter")
        assert app.screen.focused is listing
        await pilot.press("o")  # expired ones too
        await settle(pilot)
        assert listing.total >= 1 and "open only" not in status(app)


async def test_quote_by_keyboard_and_see_the_quota_drop(store_ctx: Ctx) -> None:
    ana = ctx_as(store_ctx, "ana")
    before = quota(ana)
    app = market_app(ana)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert f"quota {before.used}/{before.limit}" in status(app) and f"{before.left} left" in status(app)
        await pilot.press("R")  # recommended: open, unquoted, fitting
        await settle(pilot)
        row = app.screen.query_one(PagedList).current
        assert isinstance(row, RfqRow) and row.quotable and row.reason.startswith("matches ")
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, QuoteFormScreen)
        assert f"{before.left} left" in str(form.query_one("#quote-quota", Static).render())
        await pilot.press(*"0")  # a price of 0: refused beside the field, nothing sent
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QuoteFormScreen)
        assert "more than 0" in str(form.query_one("#qe-price", Static).render())
        assert my_quotes(ana) == []
        form.query_one("#q-price", Input).value = ""
        form.query_one("#q-price", Input).focus()
        await pilot.press(*"7.25", "tab", "tab", *"500", "tab", *"21")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RfqScreen)
        assert f"quota {before.used + 1}/{before.limit}" in status(app) and f"{before.left - 1} left" in status(app)
        assert app.screen.query_one(PagedList).current.quoted_by == "ana"
    (sent,) = my_quotes(ana)
    assert (sent.rfq_id, str(sent.price), sent.currency, sent.moq, sent.lead_days) == (row.id, "7.25", "USD", 500, 21)
    assert quota(store_ctx).used == before.used + 1


async def test_views_junk_with_reasons_and_my_quotes(store_ctx: Ctx) -> None:
    ben = ctx_as(store_ctx, "ben")
    send_quote(ben, recommended_rfqs(ben, wait_for_activity=False)[0].id, QUOTE)
    app = market_app(ben)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("J")
        await settle(pilot)
        listing = app.screen.query_one(PagedList)
        assert app.screen.view is RfqView.JUNK and listing.total > 0
        assert all(r.junk_reasons for r in listing.rows)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RfqScreen)  # junk is never quotable
        assert any("junk RFQs cannot be quoted" in str(n.message) for n in app._notifications)
        await pilot.press("M")
        await settle(pilot)
        assert [q.by for q in listing.rows] == ["ben"]
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SubscriptionsScreen)
        await pilot.press(*"cob strip", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)


async def test_every_key_of_the_market_is_in_the_help_and_the_palette(store_ctx: Ctx) -> None:
    app = InquiryApp(ctx_as(store_ctx, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, RfqScreen)
        await check_here(pilot, admin=False, where="rfq market")
