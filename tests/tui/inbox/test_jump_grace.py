"""A jump's grace (inquiry_list.JUMP_GRACE): a move onto rows not held keeps the viewport as it was drawn while
their page is read; a page that comes within the grace is drawn at once with its rows, cursor and panes (no
frame of placeholders before it), a page held back shows the placeholders once the grace has passed, and
keys pressed during the grace move from where the cursor went, never drawing the old rows with the new cursor."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from rich.segment import Segment
from textual.strip import Strip

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as listing_service
from inquiry_tui.services.inbox.listing import ListItem
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.inbox import inquiry_list
from inquiry_tui.tui.inbox.inquiry_list import PAGE, InquiryList
from inquiry_tui.tui.inbox.screen import InboxScreen
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.tui.conftest import settle, until, until_in_own_frames

PLACEHOLDER = "…"


@dataclass
class Frame:
    """What one frame drew of the list (its lines by row, as segments), and what the thread pane showed."""

    lines: dict[int, tuple[Segment, ...]]
    thread: int | None

    @property
    def placeholders(self) -> int:
        return sum("".join(s.text for s in line).strip() == PLACEHOLDER for line in self.lines.values())


def _inbox(app: InquiryApp) -> InboxScreen:
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    return screen


def _record_frames(screen: InboxScreen, monkeypatch: pytest.MonkeyPatch) -> list[Frame]:
    """Every frame the screen draws from now on."""
    listing, thread = screen.query_one(InquiryList), screen.query_one(ThreadView)
    frames: list[Frame] = []
    drawing: dict[int, tuple[Segment, ...]] = {}
    render_line: Callable[[int], Strip] = listing.render_line
    draw: Callable[[], None] = screen._compositor_refresh

    def recorded_line(y: int) -> Strip:
        strip = render_line(y)
        drawing[y] = tuple(strip)
        return strip

    def recorded_draw() -> None:
        drawing.clear()
        draw()
        if drawing:
            frames.append(Frame(dict(drawing), thread.shown_id))

    monkeypatch.setattr(listing, "render_line", recorded_line)
    monkeypatch.setattr(screen, "_compositor_refresh", recorded_draw)
    return frames


def _hold_back_jumps(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The store's jump reads (`page_at`) wait until the returned event is set (a slow store)."""
    go = threading.Event()
    page_at: Callable[..., list[ListItem]] = listing_service.page_at

    def slow(*args: Any, **kwargs: Any) -> list[ListItem]:
        go.wait(10)
        return page_at(*args, **kwargs)

    monkeypatch.setattr(listing_service, "page_at", slow)
    return go


def _shown(listing: InquiryList, thread: ThreadView) -> bool:
    """The cursor's row, every row of the viewport and the cursor's thread are there."""
    top = int(listing.scroll_offset.y)
    bottom = min(listing.total, top + listing.scrollable_content_region.height)
    item = listing.current
    held = all(listing.item_at(p) is not None for p in range(top, bottom))
    return held and item is not None and thread.shown_id == item.id


async def _viewport_drawn_again(listing: InquiryList, frames: list[Frame]) -> Frame:
    """The whole viewport drawn once more as it stands (what the reader sees once everything came)."""
    count = len(frames)
    listing.refresh()
    await until_in_own_frames(lambda: len(frames) > count, "a frame of the whole list")
    return frames[-1]


async def _started(pilot: Any, app: InquiryApp) -> tuple[InboxScreen, InquiryList, ThreadView]:
    await settle(pilot)
    screen = _inbox(app)
    listing, thread = screen.query_one(InquiryList), screen.query_one(ThreadView)
    await until(pilot, lambda: thread.shown_id is not None, "the first thread")
    assert listing.total > 12 * PAGE  # the sample folder: a jump lands past the rows held
    return screen, listing, thread


@pytest.mark.parametrize("target", [9 * PAGE + 10, -1])  # a jump down; G (the last row)
async def test_a_page_within_the_grace_is_the_first_frame_after_the_key(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch, target: int
) -> None:
    monkeypatch.setattr(inquiry_list, "JUMP_GRACE", 30.0)  # (whatever the machine's speed: the page comes within it)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        screen, listing, thread = await _started(pilot, app)
        target = target % listing.total
        assert listing.item_at(target) is None
        frames = _record_frames(screen, monkeypatch)
        listing.move_cursor(target)
        await until_in_own_frames(lambda: _shown(listing, thread) and bool(frames), "the jump's rows and thread")
        item = listing.current
        assert item is not None and listing.cursor == target
        whole = await _viewport_drawn_again(listing, frames)
        first = frames[0]
        assert first.lines == whole.lines  # every row of the new viewport, its cursor too, in the first frame
        assert first.thread == item.id  # and the cursor's thread
        assert not any(frame.placeholders for frame in frames), [frame.placeholders for frame in frames]
        assert not app.unexpected_errors


async def test_a_page_held_back_shows_the_placeholders_after_the_grace(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        screen, listing, thread = await _started(pilot, app)
        before = await _viewport_drawn_again(listing, _record_frames(screen, monkeypatch))
        go = _hold_back_jumps(monkeypatch)
        frames = _record_frames(screen, monkeypatch)
        target = listing.total // 2
        listing.move_cursor(target)
        await until_in_own_frames(lambda: any(frame.placeholders for frame in frames), "the placeholders")
        # Until the grace passed, the viewport as it was (or nothing drawn); then every row a placeholder.
        shown = [frame for frame in frames if frame.placeholders]
        assert all(frame.lines.items() <= before.lines.items() for frame in frames[: frames.index(shown[0])])
        height = listing.scrollable_content_region.height
        assert shown[0].placeholders == height and listing.current is None
        go.set()
        await until_in_own_frames(lambda: _shown(listing, thread), "the jump's rows and thread")
        whole = await _viewport_drawn_again(listing, frames)
        assert whole.placeholders == 0 and listing.cursor == target
        assert not app.unexpected_errors


async def test_a_row_key_during_the_grace_moves_from_the_jumps_row(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inquiry_list, "JUMP_GRACE", 30.0)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        screen, listing, thread = await _started(pilot, app)
        go = _hold_back_jumps(monkeypatch)
        frames = _record_frames(screen, monkeypatch)
        target = listing.total // 2
        listing.move_cursor(target)
        listing.action_cursor_up()  # k before the page came
        await pilot.pause()
        assert not frames  # the viewport as it was: nothing to draw again, no cursor moved on the old rows
        go.set()
        await until_in_own_frames(lambda: _shown(listing, thread) and bool(frames), "the rows and thread")
        # The rows with the cursor one up, in the first frame (its thread was not read with the page: it follows).
        assert listing.cursor == target - 1
        assert frames[0].lines == (await _viewport_drawn_again(listing, frames)).lines
        assert not any(frame.placeholders for frame in frames)
        assert not app.unexpected_errors


async def test_a_second_jump_during_the_grace_lands_on_its_own_rows(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inquiry_list, "JUMP_GRACE", 30.0)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        screen, listing, thread = await _started(pilot, app)
        go = _hold_back_jumps(monkeypatch)
        frames = _record_frames(screen, monkeypatch)
        first, second = listing.total // 2, listing.total // 3
        listing.move_cursor(first)
        listing.move_cursor(second)  # another jump before the first one's page came
        go.set()
        await until_in_own_frames(lambda: _shown(listing, thread) and bool(frames), "the second jump's rows and thread")
        item = listing.current
        assert listing.cursor == second and item is not None
        assert item == listing_service.page_at(store_ctx, "all", second, 1, listing.total, None)[0]
        assert frames[0].thread == item.id and not any(frame.placeholders for frame in frames)
        assert frames[0].lines == (await _viewport_drawn_again(listing, frames)).lines
        assert not app.unexpected_errors


async def test_back_to_the_rows_held_during_the_grace_drops_the_jump(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inquiry_list, "JUMP_GRACE", 30.0)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        screen, listing, thread = await _started(pilot, app)
        go = _hold_back_jumps(monkeypatch)
        frames = _record_frames(screen, monkeypatch)
        listing.move_cursor(listing.total - 1)  # G
        listing.move_cursor(3)  # then back among the rows held, before G's page came
        await until_in_own_frames(lambda: _shown(listing, thread), "the rows held and their thread")
        top_rows = await _viewport_drawn_again(listing, frames)
        go.set()
        await settle(pilot)  # G's page comes, late: the list does not jump there, nor lose the rows it shows
        assert listing.cursor == 3 and _shown(listing, thread) and not listing._pending
        assert (await _viewport_drawn_again(listing, frames)).lines == top_rows.lines
        assert not any(frame.placeholders for frame in frames)
        assert not app.unexpected_errors


async def test_a_search_during_the_grace_shows_its_hits(store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inquiry_list, "JUMP_GRACE", 30.0)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        screen, listing, _ = await _started(pilot, app)
        go = _hold_back_jumps(monkeypatch)
        listing.move_cursor(listing.total // 2)
        screen.run_search("steel")  # the hits replace the folder's rows (a new epoch): the jump's page is stale
        await until(pilot, lambda: screen.search_terms is not None and listing.show_folder, "the hits")
        assert listing._held is None  # the hits are drawn, not the folder's viewport
        hits = listing.loaded_items()
        go.set()
        await settle(pilot)
        assert listing.loaded_items() == hits and listing.show_folder
        assert not app.unexpected_errors
