"""A jump past the rows the list holds: the page and the row under the cursor's thread and profile are read
by one worker, so the list's frame that shows the page shows both panes too (no second trip to the store
after the page lands); its seek starts from the key ladder's nearest rung, not from the top or bottom."""

from __future__ import annotations

import pytest
from textual.message import Message

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as listing_service
from inquiry_tui.services.inbox.listing import ListItem
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.customers.profile_pane import ProfilePane
from inquiry_tui.tui.inbox import inquiry_list
from inquiry_tui.tui.inbox import screen as screen_module
from inquiry_tui.tui.inbox.inquiry_list import PAGE, InquiryList, PageRequest
from inquiry_tui.tui.inbox.screen import InboxScreen
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.tui.conftest import settle, until


async def test_a_jump_shows_the_page_and_both_panes_at_once(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen) and screen.panes is not None
        panes = screen.panes
        listing, thread = screen.query_one(InquiryList), screen.query_one(ThreadView)
        profile = screen.query_one(ProfilePane)
        await until(pilot, lambda: thread.shown_id is not None, "the first thread")
        # What the panes show at the moment the list announces each new row under its cursor.
        seen: list[tuple[ListItem | None, bool]] = []
        announce = listing.cursor_listener
        assert announce is not None

        def watch(item: ListItem | None) -> None:
            announce(item)
            shown = item is not None and panes.shown is not None and panes.shown[0] == item.id
            seen.append((item, shown and profile.profile is not None))

        listing.cursor_listener = watch
        for target in (listing.total // 2, listing.total - 3, 5 * PAGE + 7):
            assert listing.item_at(target) is None  # past the rows held: the page is fetched
            seen.clear()
            listing.move_cursor(target)
            await until(pilot, lambda: listing.current is not None, "the page under the cursor")
            item = listing.current
            assert item is not None
            announced = [shown for found, shown in seen if found is not None and found.id == item.id]
            assert announced == [True], seen  # painted from what the page's worker read, as the row showed
            assert f"#{item.id} ·" in thread.plain
            assert profile.profile is not None and profile.profile.buyer_id == item.inquiry.buyer_id
        assert not app.unexpected_errors


async def test_jumps_seek_from_the_key_ladder_and_land_on_their_rows(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inquiry_list, "LADDER_STEP", 128)  # the sample folder is a few rungs long
    monkeypatch.setattr(screen_module, "LADDER_STEP", 128)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        listing = screen.query_one(InquiryList)
        await until(pilot, lambda: bool(listing._ladder), "the key ladder")
        expected: list[ListItem] = []
        while len(page := listing_service.page_after(store_ctx, "all", expected[-1].key if expected else None, 500)):
            expected += page
        assert listing._ladder == tuple(r.key for r in expected[::128])
        for target in (listing.total - 70, listing.total // 2 + 3, 700):
            page = target // PAGE
            request = listing._request_for(page)
            assert request is not None and request.mode == "at" and request.hint is not None
            assert abs(request.hint[0] - page * PAGE) <= 64  # a rung (or a row held) within half a step
            listing.move_cursor(target)
            await until(pilot, lambda: listing.current is not None, "the page under the cursor")
            assert listing.current == expected[target]
        assert not app.unexpected_errors


async def test_a_jump_asks_for_the_cursors_page_first(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        listing = screen.query_one(InquiryList)
        asked: list[PageRequest] = []
        post = listing.post_message

        def record(message: Message) -> bool:
            if isinstance(message, InquiryList.PagesRequested):
                asked.extend(message.requests)
            return post(message)

        listing.post_message = record  # type: ignore[method-assign]
        # Down to a row whose page follows the page the viewport starts on (the cursor shows on the last row).
        target = 9 * PAGE + 10
        listing.move_cursor(target)
        top = int(listing.scroll_offset.y)
        assert top // PAGE < target // PAGE
        await until(pilot, lambda: listing.current is not None and listing.item_at(top) is not None, "the rows")
        assert asked and asked[0].page == target // PAGE and asked[0].cursor == target
        assert not app.unexpected_errors
