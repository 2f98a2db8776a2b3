"""Escape from a search puts the folder's list back as it was (the row the cursor was on, from memory),
draws it with that row's panes in one frame, and still shows what changed in the store meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.inbox import triage
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.customers.profile_pane import ProfilePane
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.screen import InboxScreen
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.conftest import ctx_as
from tests.tui.conftest import settle, until_in_own_frames


def _inbox(app: InquiryApp) -> InboxScreen:
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    return screen


async def _search_from_row(pilot: Any, app: InquiryApp, rows_down: int) -> tuple[InquiryList, int, int]:
    """The cursor ROWS_DOWN rows into the folder, then `/solar⏎`: (the list, the cursor, its inquiry)."""
    await settle(pilot)
    listing = _inbox(app).inquiry_list
    for _ in range(rows_down):
        await pilot.press("j")
    await settle(pilot)
    cursor = listing.cursor
    item = listing.current
    assert item is not None and cursor == rows_down
    await pilot.press("slash", *"solar", "enter")
    await settle(pilot)
    assert _inbox(app).search_terms == "solar" and listing.show_folder
    return listing, cursor, item.id


async def test_escape_returns_to_the_row_the_cursor_was_on_before_reading_the_folder(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        listing, cursor, inquiry_id = await _search_from_row(pilot, app, 5)
        release, reads = threading.Event(), []
        window: Callable[..., inbox.Window] = inbox.window

        def held(*args: Any, **kwargs: Any) -> inbox.Window:
            reads.append("window")
            release.wait(30)
            return window(*args, **kwargs)

        monkeypatch.setattr(inbox, "window", held)
        screen = _inbox(app)
        await pilot.press("escape")
        await pilot.pause()
        # Before any read has come back: the folder's rows, the cursor on its row, the row's panes from memory.
        assert screen.search_terms is None and not listing.show_folder
        assert listing.cursor == cursor and listing.current is not None and listing.current.id == inquiry_id
        assert screen.panes is not None and screen.panes.shown is not None and screen.panes.shown[0] == inquiry_id
        assert app.focused is listing
        release.set()
        await settle(pilot)
        # Then the rows around the cursor were read again (shown only if they changed: here they did not).
        assert reads == ["window"]
        assert listing.cursor == cursor and listing.current is not None and listing.current.id == inquiry_id
        assert [listing.item_at(i) for i in range(20)] == inbox.page_after(store_ctx, "all", None, 20)
        assert not app.unexpected_errors


async def test_a_row_changed_during_the_search_shows_after_escape(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        listing, cursor, inquiry_id = await _search_from_row(pilot, app, 3)
        # Another session tags the row above the cursor while the search is shown.
        row = inbox.page_after(store_ctx, "all", None, cursor)[cursor - 1].inquiry
        triage.set_tagged(ctx_as(store_ctx, "boss"), row.id, not row.tagged, row.version)
        await pilot.press("escape")
        await settle(pilot)
        shown = listing.item_at(cursor - 1)
        assert shown is not None and shown.id == row.id and shown.inquiry.tagged != row.tagged
        assert listing.current is not None and listing.current.id == inquiry_id
        assert not app.unexpected_errors


async def test_escape_draws_the_folder_and_its_rows_panes_in_one_frame(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        listing, _cursor, inquiry_id = await _search_from_row(pilot, app, 4)
        screen = _inbox(app)
        thread, profile = screen.query_one(ThreadView), screen.query_one(ProfilePane)
        frames: list[tuple[bool, set[object]]] = []
        draw: Callable[[], None] = screen._compositor_refresh

        def recording_draw() -> None:
            frames.append((listing.show_folder, set(screen._dirty_widgets)))  # what this frame draws
            draw()

        monkeypatch.setattr(screen, "_compositor_refresh", recording_draw)
        await pilot.press("escape")
        await until_in_own_frames(
            lambda: thread.shown_id == inquiry_id and any(not shown for shown, _ in frames), "the folder's frame"
        )
        folder_frames = [drawn for search_shown, drawn in frames if not search_shown]
        assert folder_frames, "no frame showed the folder"
        # The first frame of the folder draws the row's thread and profile too, not a frame after it.
        assert {listing, thread, profile} <= folder_frames[0], folder_frames
        assert profile.profile is not None and profile.profile.buyer_id == listing.current.inquiry.buyer_id  # type: ignore[union-attr]
        assert not app.unexpected_errors


async def test_a_searchs_hits_and_their_panes_are_drawn_in_one_frame(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The hits are shown by a handler of the screen (the search worker's message): the frame drawn at once
    # after it waits for what the list and both panes have to tell the screen (tui/common/pending_updates.py).
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _inbox(app)
        listing = screen.inquiry_list
        thread, profile = screen.query_one(ThreadView), screen.query_one(ProfilePane)
        first_hit = inbox.search(store_ctx, "solar", limit=1).rows[0]
        frames: list[tuple[bool, set[object]]] = []
        draw: Callable[[], None] = screen._compositor_refresh

        def recording_draw() -> None:
            frames.append((listing.show_folder, set(screen._dirty_widgets)))
            draw()

        await pilot.press("slash", *"solar")
        await settle(pilot)
        monkeypatch.setattr(screen, "_compositor_refresh", recording_draw)
        await pilot.press("enter")
        await until_in_own_frames(
            lambda: thread.shown_id == first_hit.id and any(shown for shown, _ in frames), "the hits' frame"
        )
        hit_frames = [drawn for hits_shown, drawn in frames if hits_shown]
        assert hit_frames, "no frame showed the hits"
        assert {listing, thread, profile} <= hit_frames[0], hit_frames
        assert app.focused is listing
        assert not app.unexpected_errors
