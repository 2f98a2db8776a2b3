"""Widening the terminal past the narrow breakpoint re-renders the panes: the buyer shows, the thread fits the new width."""

from __future__ import annotations

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.customers.profile_pane import ProfilePane
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.tui.conftest import settle, until


async def test_widening_shows_the_buyer_and_rewraps_the_thread(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        thread = app.screen.query_one(ThreadView)
        profile = app.screen.query_one(ProfilePane)
        await until(pilot, lambda: thread.shown_id is not None, "the first thread")
        assert profile.profile is None  # folded away at 80 columns: not read
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        await until(pilot, lambda: profile.profile is not None, "the buyer's profile after widening")
        assert thread._built is not None and thread._built[3] == thread.size.width  # built for the new width
