"""The thread and profile panes show the inquiry under the cursor after moves, a page down, a search and a resize."""

from __future__ import annotations

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.customers.profile_pane import ProfilePane
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.screen import InboxScreen
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.tui.conftest import settle, until


async def test_panes_follow_the_cursor(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        listing = screen.query_one(InquiryList)
        thread, profile = screen.query_one(ThreadView), screen.query_one(ProfilePane)

        def follows() -> bool:
            item = listing.current
            return (
                item is not None
                and thread.shown_id == item.id
                and profile.profile is not None
                and profile.profile.buyer_id == item.inquiry.buyer_id
                and profile.plain.strip() != "No buyer selected"
            )

        await until(pilot, follows, "the first inquiry")
        for key in ("j", "j", "k", "pagedown", "pagedown", "pageup"):
            await pilot.press(key)
            await until(pilot, follows, f"the panes after {key}")
        first_strips = profile._strips
        # A search: the list, its count and the first hit's panes together.
        screen.run_search("led")
        await settle(pilot)
        await until(pilot, follows, "the first hit's panes")
        assert "hit" in str(listing.border_title)
        assert not screen.has_class("-searching") and screen.searching  # the field's own style, not the screen's
        # A resize lays both panes out again for the new width (the strip caches follow the width).
        width = profile._width
        await pilot.resize_terminal(120, 40)  # narrow: `p` shows the profile at the thread's width
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await until(pilot, follows, "the panes after a resize")
        assert profile._width != width and all(s.cell_length == profile._width for s in profile._strips)
        assert profile._strips is not first_strips
