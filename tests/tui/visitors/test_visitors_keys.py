"""Pilot tests of the Visitors screen: orders, filters, add as customer and outreach from the list."""

from __future__ import annotations

from textual.widgets import Static

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.profile import buyer_profile
from inquiry_tui.services.visitors.listing import VisitorQuery, count_visitors
from inquiry_tui.tui.common.paged_list import PagedList
from inquiry_tui.tui.customers.form import CustomerFormScreen
from inquiry_tui.tui.customers.outreach import OutreachScreen
from inquiry_tui.tui.visitors.screen import VisitorsScreen
from tests.conftest import ctx_as
from tests.tui.conftest import settle, until
from tests.tui.customers.customer_host import ScreenHost

SIZE = (160, 48)


async def test_orders_and_filters(store_ctx: Ctx) -> None:
    app = ScreenHost(store_ctx, VisitorsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(PagedList)
        assert listing.total == count_visitors(store_ctx, VisitorQuery()) > 100
        views = [r.page_views for r in listing.rows]
        assert views == sorted(views, reverse=True)
        await pilot.press("o")
        await settle(pilot)
        recent = [r.last_visit for r in listing.rows]
        assert recent == sorted(recent, reverse=True)
        await pilot.press("end")  # pages come in as the cursor goes
        await settle(pilot)
        assert len(listing.rows) == listing.total
        await pilot.press("slash", *"grow")
        await until(pilot, lambda: app.screen.query_state.term == "grow", "the term filter applies")
        assert listing.total > 0 and all(any("grow" in t for t in r.search_terms) for r in listing.rows)
        await pilot.press("escape", "g", *"de")
        await until(pilot, lambda: app.screen.query_state.country == "DE", "the region filter applies")
        assert all(r.region == "DE" for r in listing.rows)
        assert "region DE" in str(app.screen.query_one("#visitors-status", Static).render())
        await pilot.press("escape", "c")  # customers only
        await settle(pilot)
        assert all(r.customer for r in listing.rows)


async def test_add_a_visitor_as_customer_and_start_outreach(store_ctx: Ctx) -> None:
    ana = ctx_as(store_ctx, "ana")
    app = ScreenHost(ana, VisitorsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c", "c")  # not yet customers
        await settle(pilot)
        listing = app.screen.query_one(PagedList)
        row = listing.current
        assert row is not None and not row.customer
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, VisitorsScreen)
        assert listing.current.customer
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, OutreachScreen)
        assert "page views" in str(app.screen.query_one("#outreach-reason", Static).render())
        await pilot.press("escape")
        await settle(pilot)
    profile = buyer_profile(ana, row.buyer_id)
    assert profile.is_customer and profile.owner_login == "ana"
