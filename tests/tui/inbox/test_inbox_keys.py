"""Inbox navigation keys (j k arrows, folders A U S T J D R, / escape, p, ?, ctrl+p, 1 2 0, q) for both roles.

The triage keys are in test_inbox_triage_keys.py.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.inbox.listing import InquiryRow
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.keys_help import KeysHelpScreen
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.screen import InboxScreen
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.conftest import ctx_as
from tests.tui.conftest import settle

ROLES = ["boss", "ana"]


def _row(app: InquiryApp) -> InquiryRow:
    item = app.screen.query_one(InquiryList).current
    assert item is not None
    return item.inquiry


def _inbox(app: InquiryApp) -> InboxScreen:
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    return screen


@pytest.fixture(params=ROLES)
def ctx(request: pytest.FixtureRequest, store_ctx: Ctx) -> Ctx:
    return ctx_as(store_ctx, request.param)


async def test_moving_shows_each_thread_and_stays_in_the_folder(ctx: Ctx) -> None:
    app = InquiryApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(InquiryList)
        first = _row(app)
        assert app.screen.query_one(ThreadView).shown_id == first.id
        await pilot.press("j", "down", "j")
        await settle(pilot)
        assert listing.cursor == 3 and app.screen.query_one(ThreadView).shown_id == _row(app).id
        await pilot.press("k", "up")
        await settle(pilot)
        assert listing.cursor == 1
        expected = [r.id for r in inbox.page_after(ctx, "all", None, 5)]
        assert [listing.item_at(i).id for i in range(5)] == expected  # type: ignore[union-attr]
        if ctx.actor.login == "ana":
            assert {listing.item_at(i).inquiry.owner_login for i in range(5)} == {"ana"}  # type: ignore[union-attr]
        assert not app.unexpected_errors


FOLDER_KEYS = [
    ("U", "unread"),
    ("S", "sent"),
    ("T", "tagged"),
    ("J", "junk"),
    ("D", "deleted"),
    ("R", "allocation"),
    ("A", "all"),
]


async def test_folder_keys_show_the_folder(ctx: Ctx) -> None:
    app = InquiryApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for key, folder in FOLDER_KEYS:
            await pilot.press(key)
            await settle(pilot)
            listing = app.screen.query_one(InquiryList)
            expected = inbox.page_after(ctx, folder, None, 20)
            assert _inbox(app).folder == folder
            assert listing.total == inbox.count_folder(ctx, folder)
            assert [listing.item_at(i) for i in range(len(expected))] == expected
        assert not app.unexpected_errors


async def test_slash_searches_and_escape_clears(ctx: Ctx) -> None:
    app = InquiryApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"solar", "enter")
        await settle(pilot)
        listing = app.screen.query_one(InquiryList)
        assert _inbox(app).search_terms == "solar"
        expected = inbox.search(ctx, "solar", limit=10).rows
        assert expected and [listing.item_at(i) for i in range(len(expected))] == list(expected)
        await pilot.press("escape")
        await settle(pilot)
        assert _inbox(app).search_terms is None
        assert listing.item_at(0) == inbox.page_after(ctx, "all", None, 1)[0]
        assert not app.unexpected_errors


async def test_p_shows_the_profile_at_80x24(ctx: Ctx) -> None:
    app = InquiryApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        profile = app.screen.query_one("#profile")
        assert not profile.display
        await pilot.press("p")
        await settle(pilot)
        assert profile.display and profile.profile is not None  # type: ignore[attr-defined]
        assert profile.profile.buyer_id == _row(app).buyer_id  # type: ignore[attr-defined]
        await pilot.press("p")
        await settle(pilot)
        assert not profile.display
        assert not app.unexpected_errors


async def test_question_mark_palette_modes_and_quit(ctx: Ctx) -> None:
    app = InquiryApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, KeysHelpScreen)
        await pilot.press("escape")
        target = inbox.page_after(ctx, "junk", None, 3)[2]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*f"#{target.id}")
        await settle(pilot)  # the palette's search is a worker: its hits are listed once it ends
        await pilot.press("enter")
        await settle(pilot)
        assert _inbox(app).folder == "junk" and _row(app).id == target.id
        listing = app.screen.query_one(InquiryList)
        top = int(listing.scroll_offset.y)
        assert top <= listing.cursor < top + listing.scrollable_content_region.height  # on screen
        await pilot.press("2")
        await settle(pilot)
        assert app.current_mode == "customers"
        await pilot.press("1", "0")
        await settle(pilot)
        assert app.current_mode == ("admin" if ctx.actor.is_admin else "inbox")
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 and not app.unexpected_errors


async def test_neighbours_are_prefetched_and_a_change_by_someone_else_still_shows(store_ctx: Ctx) -> None:
    from inquiry_tui.services.inbox.triage import reply

    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(InquiryList)
        view = app.screen.query_one(ThreadView)
        following = listing.item_at(listing.cursor + 1)
        assert following is not None
        # Another session answers the next inquiry after it was prefetched.
        reply(store_ctx, following.id, "Answered from another session.")
        await pilot.press("j")
        # Painted from memory at once, before any store read: the old thread, but the right one.
        assert view.shown_id == following.id
        await settle(pilot)
        # Then the store is read again and the pane catches up.
        assert view.shown_id == following.id and "Answered from another session." in view.plain
        assert not app.unexpected_errors
