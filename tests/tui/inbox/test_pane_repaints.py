"""The panes under key repeat and their kept strips: 30 quick `j` end on the row under the cursor, a
kept thread is drawn again only when what it was built from changes, and a resize lays both panes out anew."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.customers.profile_pane import ProfilePane
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.screen import InboxScreen
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.tui.conftest import settle, until


def _follows(screen: InboxScreen) -> bool:
    item = screen.query_one(InquiryList).current
    thread, profile = screen.query_one(ThreadView), screen.query_one(ProfilePane)
    return (
        item is not None
        and thread.shown_id == item.id
        and f"#{item.id} ·" in thread.plain
        and profile.profile is not None
        and profile.profile.buyer_id == item.inquiry.buyer_id
    )


async def test_thirty_quick_moves_end_with_the_panes_on_the_row_under_the_cursor(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        listing = screen.query_one(InquiryList)
        await until(pilot, lambda: _follows(screen), "the first inquiry")
        await pilot.press(*["j"] * 30)  # no waiting between keys: the list scrolls past its first screen
        assert listing.cursor == 30
        await until(pilot, lambda: _follows(screen), "the panes after 30 quick j")
        await pilot.press(*["k"] * 12)
        await until(pilot, lambda: _follows(screen), "the panes after 12 quick k")
        assert listing.cursor == 18
        assert not app.unexpected_errors


async def test_a_kept_thread_is_built_again_when_its_version_width_or_zone_changes(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        await until(pilot, lambda: _follows(screen), "the first inquiry")
        thread = screen.query_one(ThreadView)
        assert thread._built is not None
        detail, now, zone, _ = thread._built
        lines = thread._strips

        builds = thread.builds
        thread.show(detail, now, zone)  # the same thread again: from memory
        assert thread.builds == builds and thread._strips is lines

        newer = replace(detail, version=detail.version + 1, subject="Changed elsewhere")
        thread.show(newer, now, zone)
        assert thread.builds == builds + 1 and "Changed elsewhere" in thread.plain

        same_version = replace(newer, tagged=not newer.tagged)  # changed without a new version: not the kept one
        thread.show(same_version, now, zone)
        assert thread.builds == builds + 2

        thread.show(same_version, now, ZoneInfo("Asia/Tokyo"))
        assert thread.builds == builds + 3

        thread.show(detail, now, zone)  # back to the first: still kept
        assert thread.builds == builds + 3 and thread._strips is lines

        await pilot.resize_terminal(150, 40)  # a new width: laid out again, cut to it
        await settle(pilot)
        assert thread.builds == builds + 4
        width = thread.scrollable_content_region.width
        assert thread._strips and all(strip.cell_length == width for strip in thread._strips)
        assert thread._built is not None and thread._built[3] == thread.size.width
        assert not app.unexpected_errors


async def test_a_resize_lays_out_both_panes_for_the_new_size(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        await until(pilot, lambda: _follows(screen), "the first inquiry")
        thread, profile = screen.query_one(ThreadView), screen.query_one(ProfilePane)
        before = thread.scrollable_content_region.width
        await pilot.resize_terminal(200, 50)
        await settle(pilot)
        await until(pilot, lambda: _follows(screen), "the panes after a resize")
        width = thread.scrollable_content_region.width
        assert width != before
        assert all(strip.cell_length == width for strip in thread._strips)
        assert all(strip.cell_length == profile._width for strip in profile._strips)
        assert thread.virtual_size.height == len(thread._strips)
        assert not app.unexpected_errors
