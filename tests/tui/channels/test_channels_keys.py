"""Pilot tests of the channels' screens: confirm an appointment, read a notice (the header's count follows), the E-mail view."""

from __future__ import annotations

from inquiry_tui.domain.calls import Outcome
from inquiry_tui.services.calls.log import call_page
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.notices.feed import notices, unread_count
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.calls.screen import CallList, CallsScreen
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.thread_view import ThreadView
from inquiry_tui.tui.notices.screen import NoticeList, NoticesScreen
from tests.conftest import ctx_as
from tests.tui.channels.channels_data import add_channels
from tests.tui.conftest import settle

SIZE = (160, 48)


async def test_the_owner_confirms_and_declines_appointment_requests(store_ctx: Ctx) -> None:
    add_channels(store_ctx)
    ben = ctx_as(store_ctx, "ben")  # the sample's solar buyer's requests are ben's (product owner)
    app = InquiryApp(ben)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CallsScreen)
        listing = screen.query_one(CallList)
        pending = [r for r in listing.rows if r.pending]
        assert pending and all(r.owner_login == "ben" for r in listing.rows)
        listing.cursor = listing.rows.index(pending[0])
        await pilot.press("c")
        await settle(pilot)
        confirmed = next(r for r in call_page(ben) if r.id == pending[0].id)
        assert (confirmed.outcome, confirmed.decided_by) == (Outcome.CONFIRMED, "ben")
        assert listing.current is not None and listing.current.outcome is Outcome.CONFIRMED
        await pilot.press("c")  # not pending any more: refused, nothing changes
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert any(r.outcome is Outcome.MISSED for r in listing.rows)
        assert not app.unexpected_errors


async def test_reading_a_notice_marks_it_and_the_header_follows(store_ctx: Ctx) -> None:
    add_channels(store_ctx)
    ana = ctx_as(store_ctx, "ana")
    before = unread_count(ana)
    app = InquiryApp(ana)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert f"{before:,} unread notices" in app.sub_title
        await pilot.press("8")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NoticesScreen)
        listing = screen.query_one(NoticeList)
        first = listing.rows[0]
        assert not first.read
        await pilot.press("m")
        await settle(pilot)
        assert unread_count(ana) == before - 1 and listing.rows[0].read
        assert f"{before - 1:,} unread notices" in app.sub_title
        await pilot.press("u")  # unread only
        await settle(pilot)
        assert all(not n.read for n in listing.rows) and first.id not in [n.id for n in listing.rows]
        # enter on an assignment opens its inquiry in the inbox
        target = next(n for n in notices(ana, unread_only=True) if n.ref_kind == "inquiry")
        listing.cursor = [n.id for n in listing.rows].index(target.id)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "inbox"
        assert app.screen.query_one(ThreadView).shown_id == int(target.ref_id)
        await pilot.press("8", "M")
        await settle(pilot)
        assert unread_count(ana) == 0 and "unread notice" not in app.sub_title
        assert not app.unexpected_errors


async def test_e_shows_the_email_view(store_ctx: Ctx) -> None:
    add_channels(store_ctx)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        listing = app.screen.query_one(InquiryList)
        expected = inbox.page_after(store_ctx, "email", None, 20)
        assert listing.total == inbox.count_folder(store_ctx, "email") > 0
        assert [listing.item_at(i) for i in range(len(expected))] == expected
        assert {r.channel for r in expected} == {"email"}
        assert not app.unexpected_errors
