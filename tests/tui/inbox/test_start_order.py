"""Opening the inbox: the first page's frame comes before the panes' and the counts' workers start.

Both read the store in a thread; the panes' first read also loads the ORM and the models. Run
beside the first page's frame they share the GIL (and the disk) with it and delay the first row
(docs/performance.md, "Start at 1M, session 9"). They start once the first page is on screen
(`InboxScreen.Ready`), and then the panes and the counts show as before.
"""

from __future__ import annotations

import pytest

import inquiry_tui.tui.inbox.panes as panes
import inquiry_tui.tui.inbox.screen as inbox_screen
from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.customers.profile_pane import ProfilePane
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.screen import InboxScreen
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.tui.conftest import settle, until


async def test_the_panes_and_counts_are_read_after_the_first_page_is_on_screen(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready: list[bool] = []  # set on InboxScreen.Ready, posted after the first page's frame
    read_before_ready: list[str] = []
    apps: list[InquiryApp] = []

    def watched(name: str, read):  # type: ignore[no-untyped-def]
        def reading(*args, **kwargs):  # type: ignore[no-untyped-def]
            # Before the first page's frame: the screen sets this flag as it posts Ready, in that frame's
            # callback, and only then starts the panes' and the counts' workers. (Whether the app has
            # handled Ready yet is a race with those workers' threads, not the order checked here.)
            screen = apps[0].screen
            if not (isinstance(screen, InboxScreen) and screen._first_page_painted):
                read_before_ready.append(name)
            return read(*args, **kwargs)

        return reading

    monkeypatch.setattr(panes, "thread_detail", watched("thread", panes.thread_detail))
    monkeypatch.setattr(panes, "buyer_profile", watched("profile", panes.buyer_profile))
    monkeypatch.setattr(inbox_screen.inbox, "folder_counts", watched("counts", inbox_screen.inbox.folder_counts))

    class Probe(InquiryApp):
        def on_inbox_screen_ready(self, message: InboxScreen.Ready) -> None:
            ready.append(True)
            super().on_inbox_screen_ready(message)

    app = Probe(store_ctx)
    apps.append(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        listing = screen.query_one(InquiryList)
        thread, profile = screen.query_one(ThreadView), screen.query_one(ProfilePane)

        def panes_show_the_first_row() -> bool:
            item = listing.current
            return (
                item is not None
                and thread.shown_id == item.id
                and profile.profile is not None
                and profile.profile.buyer_id == item.inquiry.buyer_id
            )

        await until(pilot, panes_show_the_first_row, "the first inquiry's panes")
        await until(pilot, lambda: screen.counts is not None, "the folder counts")
        assert ready and read_before_ready == []
        assert f"{screen.counts.of('all'):,}" in str(listing.border_title)  # type: ignore[union-attr]
