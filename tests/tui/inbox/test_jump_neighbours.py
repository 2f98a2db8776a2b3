"""A jump whose viewport needs the page before or after the cursor's: the same worker reads those pages by
keyset from the cursor's page's edge rows, and the list adds them with it, so the frame that shows the
cursor's row shows every row of the viewport and both panes; no page is read twice, a page the worker did
not read is asked for again, and a short page above means a resync, as for a chained page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.message import Message

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as listing_service
from inquiry_tui.services.inbox.listing import ListItem
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.inbox.inquiry_list import PAGE, InquiryList, PageRequest
from inquiry_tui.tui.inbox.screen import InboxScreen
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.tui.conftest import settle, until, until_in_own_frames


def _inbox(app: InquiryApp) -> InboxScreen:
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    return screen


def _viewport_held(listing: InquiryList) -> bool:
    top = int(listing.scroll_offset.y)
    height = listing.scrollable_content_region.height
    return all(listing.item_at(y) is not None for y in range(top, min(top + height, listing.total)))


def _record_reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    """Every page the store is asked for from now on, as the ids of its rows."""
    reads: list[tuple[int, ...]] = []
    for name in ("page_at", "page_before", "page_after"):
        read: Callable[..., list[ListItem]] = getattr(listing_service, name)

        def recorded(*args: Any, _read: Callable[..., list[ListItem]] = read, **kwargs: Any) -> list[ListItem]:
            rows = _read(*args, **kwargs)
            reads.append(tuple(row.id for row in rows))
            return rows

        monkeypatch.setattr(listing_service, name, recorded)
    return reads


def _record_requests(listing: InquiryList) -> list[Message]:
    """The list's messages from now on (its page requests, a resync)."""
    posted: list[Message] = []
    post = listing.post_message

    def record(message: Message) -> bool:
        posted.append(message)
        return post(message)

    listing.post_message = record  # type: ignore[method-assign]
    return posted


# Down: the cursor shows on the viewport's last row, on the page after the viewport's first (a page above
# is needed). Up from the end: on its first row, 40 rows into its page (a page below is needed).
@pytest.mark.parametrize(("target", "start_at_end"), [(9 * PAGE + 10, False), (5 * PAGE + 40, True)])
async def test_a_jump_fills_the_viewport_in_the_frame_of_the_cursors_page(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch, target: int, start_at_end: bool
) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _inbox(app)
        listing, thread = screen.query_one(InquiryList), screen.query_one(ThreadView)
        await until(pilot, lambda: thread.shown_id is not None, "the first thread")
        assert listing.total > 12 * PAGE  # the sample folder: a jump lands past the rows held
        if start_at_end:
            listing.move_cursor(listing.total - 1)
            await until(pilot, lambda: listing.current is not None and _viewport_held(listing), "the last rows")
        assert listing.item_at(target) is None
        reads = _record_reads(monkeypatch)
        posted = _record_requests(listing)
        frames: list[tuple[bool, bool, bool]] = []  # (the cursor's row held, every viewport row held, its thread)
        draw: Callable[[], None] = screen._compositor_refresh

        def recording_draw() -> None:
            item = listing.current
            frames.append((item is not None, _viewport_held(listing), item is not None and thread.shown_id == item.id))
            draw()

        monkeypatch.setattr(screen, "_compositor_refresh", recording_draw)
        listing.move_cursor(target)
        top = int(listing.scroll_offset.y)
        bottom = top + listing.scrollable_content_region.height - 1
        assert top // PAGE != bottom // PAGE  # the viewport spans the cursor's page and another
        await until_in_own_frames(lambda: (True, True, True) in frames, "a frame of the viewport's rows")
        landed = [frame for frame in frames if frame[0]]
        assert landed and landed[0] == (True, True, True), frames  # rows, cursor and panes in one frame
        jumps = [r for m in posted if isinstance(m, InquiryList.PagesRequested) for r in m.requests if r.mode == "at"]
        assert len(jumps) == 1 and jumps[0].neighbours == (
            (top // PAGE,) if not start_at_end else (target // PAGE + 1,)
        )
        await settle(pilot)  # and the pages read ahead of a page key
        assert len(reads) == len(set(reads)) and all(reads), reads  # no page read twice
        assert not app.unexpected_errors


async def test_a_neighbour_the_worker_did_not_read_is_asked_for_again(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_neighbours = InboxScreen._read_neighbours

    def none_read(self: InboxScreen, *args: Any) -> tuple[tuple[PageRequest, list[ListItem]], ...]:
        read_neighbours(self, *args)  # (read, then lost: as if the walk had stopped)
        return ()

    monkeypatch.setattr(InboxScreen, "_read_neighbours", none_read)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _inbox(app)
        listing = screen.query_one(InquiryList)
        posted = _record_requests(listing)
        target = 9 * PAGE + 10
        listing.move_cursor(target)
        top = int(listing.scroll_offset.y)
        await until(pilot, lambda: listing.current is not None and _viewport_held(listing), "the viewport's rows")
        requests = [r for m in posted if isinstance(m, InquiryList.PagesRequested) for r in m.requests]
        assert [(r.page, r.mode) for r in requests[:2]] == [(target // PAGE, "at"), (top // PAGE, "before")]
        await settle(pilot)
        assert not listing._pending  # nothing left waiting for a read that never comes
        assert not app.unexpected_errors


async def test_a_short_page_above_a_jump_asks_for_a_resync(store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _inbox(app)
        listing = screen.query_one(InquiryList)
        page_before = listing_service.page_before
        short: list[list[ListItem]] = []

        def once_short(*args: Any) -> list[ListItem]:
            # Rows left the folder above the cursor's page: the page above comes back short (once).
            rows = page_before(*args)
            if not short:
                short.append(rows := rows[1:])
            return rows

        monkeypatch.setattr(listing_service, "page_before", once_short)
        posted = _record_requests(listing)
        reload = screen.reload
        reloaded: list[tuple[Any, ...]] = []

        def recorded_reload(*args: Any) -> None:
            reloaded.append(args)
            reload(*args)

        monkeypatch.setattr(screen, "reload", recorded_reload)
        target = 9 * PAGE + 10
        listing.move_cursor(target)
        await until(pilot, lambda: bool(reloaded), "a resync")
        resyncs = [m for m in posted if isinstance(m, InquiryList.ResyncRequested)]
        assert short and len(resyncs) == 1 and resyncs[0].position == target
        await until(pilot, lambda: listing.current is not None and _viewport_held(listing), "the rows again")
        assert listing.current == listing_service.page_at(store_ctx, "all", target, 1, listing.total, None)[0]
        assert not app.unexpected_errors
