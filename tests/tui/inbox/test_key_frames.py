"""A key's frame and the rows read ahead for the next one: the frame that shows the cursor's row (and the
panes that follow it) is drawn as soon as the screen is idle, not on Textual's next 60 fps tick; after
single steps the cursor's load reads the rows ahead itself, one more the way the cursor goes; two
read-aheads running at once read a row once."""

from __future__ import annotations

from typing import Any

import pytest

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.inbox import panes as panes_module
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.screen import InboxScreen
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.tui.conftest import settle, until


def _screen(app: InquiryApp) -> InboxScreen:
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    return screen


async def test_a_keys_frame_is_drawn_without_waiting_for_the_update_timer(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        listing, thread = screen.query_one(InquiryList), screen.query_one(ThreadView)
        await until(pilot, lambda: thread.shown_id is not None, "the first thread")
        frames: list[int] = []
        draw = screen._compositor_refresh

        def counted() -> None:
            frames.append(listing.cursor)
            draw()

        screen._compositor_refresh = counted  # type: ignore[method-assign]
        timer = screen._update_timer
        timer.pause()
        timer.resume = lambda: None  # type: ignore[method-assign]  # Textual's tick never comes now
        await pilot.press("j")
        await pilot.pause()
        assert frames and frames[-1] == 1  # drawn on idle, with the cursor on its new row
        item = listing.current
        assert item is not None and thread.shown_id == item.id  # the panes from memory, in that frame
        screen._compositor_refresh = draw  # type: ignore[method-assign]
        assert not app.unexpected_errors


async def test_single_steps_read_the_rows_ahead_the_way_the_cursor_goes(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        listing = screen.query_one(InquiryList)
        await until(pilot, lambda: screen.query_one(ThreadView).shown_id is not None, "the first thread")
        panes = screen.panes
        assert panes is not None
        await pilot.press("j", "j", "j", "j", "j")
        await settle(pilot)
        for offset in (1, 2, 3, -1):  # down: three rows ahead, one behind
            row = listing.item_at(listing.cursor + offset)
            assert row is not None and row.id in panes.details, offset
        await pilot.press("k", "k")
        await settle(pilot)
        assert listing.cursor == 3
        for offset in (-1, -2, -3, 1):  # and up
            row = listing.item_at(listing.cursor + offset)
            assert row is not None and row.id in panes.details, offset
        assert not app.unexpected_errors


async def test_a_row_another_read_ahead_is_reading_is_not_read_again(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        listing = screen.query_one(InquiryList)
        await until(pilot, lambda: screen.query_one(ThreadView).shown_id is not None, "the first thread")
        panes = screen.panes
        assert panes is not None
        reads: list[int] = []
        read = panes_module.thread_detail

        def counted(ctx: Ctx, inquiry_id: int) -> Any:
            reads.append(inquiry_id)
            return read(ctx, inquiry_id)

        monkeypatch.setattr(panes_module, "thread_detail", counted)
        ahead = [listing.item_at(p) for p in (5, 6)]
        assert ahead[0] is not None and ahead[1] is not None
        panes._claimed[ahead[0].id] = object()  # another read-ahead is reading it
        layouts = panes.layouts()
        panes._prefetch([(ahead[0], False), (ahead[1], False)], panes.target_position, layouts)
        assert reads == [ahead[1].id]
        assert not app.unexpected_errors


async def test_a_read_ahead_stops_when_a_newer_load_starts(store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        listing = screen.query_one(InquiryList)
        await until(pilot, lambda: screen.query_one(ThreadView).shown_id is not None, "the first thread")
        panes = screen.panes
        assert panes is not None
        reads: list[int] = []
        read = panes_module.thread_detail

        def counted(ctx: Ctx, inquiry_id: int) -> Any:
            reads.append(inquiry_id)
            return read(ctx, inquiry_id)

        monkeypatch.setattr(panes_module, "thread_detail", counted)
        rows = [listing.item_at(p) for p in (5, 6)]
        assert rows[0] is not None and rows[1] is not None
        todo = [(rows[0], False), (rows[1], False)]
        panes._prefetch(todo, panes.target_position, panes.layouts(), panes._loads - 1)  # an older load's
        assert reads == []  # keys faster than the reads: only the newest load reads ahead
        panes._prefetch(todo, panes.target_position, panes.layouts(), panes._loads)
        assert reads == [rows[0].id, rows[1].id]
        assert not app.unexpected_errors


async def test_a_cursor_on_a_row_a_read_ahead_is_reading_waits_for_that_read(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys faster than the reads: the row under the cursor is not read a second time beside the read-ahead
    already reading it; that read paints it (or, if it fails, the cursor's own load does)."""
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        listing, thread = screen.query_one(InquiryList), screen.query_one(ThreadView)
        await until(pilot, lambda: thread.shown_id is not None, "the first thread")
        panes = screen.panes
        assert panes is not None
        reads: list[int] = []
        read = panes_module.thread_detail

        def counted(ctx: Ctx, inquiry_id: int) -> Any:
            reads.append(inquiry_id)
            return read(ctx, inquiry_id)

        monkeypatch.setattr(panes_module, "thread_detail", counted)
        for position, outcome in ((8, "read"), (12, "failed")):
            row = listing.item_at(position)
            assert row is not None and row.id not in panes.details
            claim = object()
            panes._claimed[row.id] = claim  # a read-ahead is reading it (in a worker of its own)
            listing.move_cursor(position)
            await pilot.pause()
            assert panes.target is not None and panes.target.id == row.id
            assert row.id not in reads and not panes.busy  # the cursor waits for that read
            if outcome == "read":
                detail = read(store_ctx, row.id)
                panes.handle(panes_module.NeighbourLoaded(row, detail, None, False))
                assert row.id not in reads
            else:
                panes.handle(panes_module.ReadAheadFailed(row))
            await until(pilot, lambda row=row: thread.shown_id == row.id, "the row under the cursor")
            await settle(pilot)
            assert reads.count(row.id) == 1  # the cursor's one re-read (or its own load, after a failure)
        assert not app.unexpected_errors
