"""The inbox's zone and first page read while the app loads (tui/inbox/first_page.py).

Opening the TUI from the command line starts that read right after `connect`; the inbox takes it
when it mounts and shows the page in its first frame. What it shows is what it shows without it, and
when the read is not there to take (not done, failed, another context, another folder or page size)
the inbox reads in its workers as always.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

import inquiry_tui.tui.app as tui_app
import inquiry_tui.tui.inbox.screen as inbox_screen
from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.inbox import first_page
from inquiry_tui.tui.inbox.inquiry_list import PAGE, InquiryList
from inquiry_tui.tui.inbox.screen import InboxScreen
from tests.tui.conftest import settle, until


@pytest.fixture(autouse=True)
def _nothing_ahead() -> None:
    first_page.take(None, first_page.FOLDER, first_page.ROWS)  # type: ignore[arg-type]  # drop what a test left


def read_ahead(ctx: Ctx) -> None:
    """As `open_tui` does, and wait for the read: the app's imports take far longer than it in a real start."""
    first_page.start(ctx)
    ahead = first_page._ahead
    assert ahead is not None
    ahead.thread.join(30)


async def first_screen(ctx: Ctx) -> tuple[list[str], list[str], str]:
    """The first screen once the inbox is Ready and settled: its lines, the zone and page reads made in the app
    before the first page was on screen (the background reads the zone after it), the zone."""
    worker_reads: list[str] = []
    real_load, real_window = inbox_screen.clock.load, inbox_screen.inbox.window
    apps: list[InquiryApp] = []

    def before_the_page() -> bool:
        screen = apps[0].screen if apps else None
        return not (isinstance(screen, InboxScreen) and screen._first_page_painted)

    def load(*args, **kwargs):  # type: ignore[no-untyped-def]
        if before_the_page():
            worker_reads.append("zone")
        return real_load(*args, **kwargs)

    def window(*args, **kwargs):  # type: ignore[no-untyped-def]
        if before_the_page():
            worker_reads.append("window")
        return real_window(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        # The background work (it reads the zone too) starts with Ready, or this long after mount: never before
        # the page here, however loaded the machine.
        patch.setattr(tui_app, "BACKGROUND_AT_THE_LATEST", 600.0)
        patch.setattr(inbox_screen.clock, "load", load)
        patch.setattr(inbox_screen.inbox, "window", window)
        app = InquiryApp(ctx)
        apps.append(app)
        async with app.run_test(size=(160, 48)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, InboxScreen) and app.screen._first_page_painted, "Ready")
            await settle_panes(pilot)
            lines = [strip.text for strip in app.screen._compositor.render_strips()]
        return lines, worker_reads, clock.zone_name()


async def settle_panes(pilot: Pilot[object]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, InboxScreen)
    listing = screen.query_one(InquiryList)
    await until(pilot, lambda: screen.counts is not None and listing.current is not None, "the counts")
    await settle(pilot)


def test_the_read_is_the_inbox_s_first_folder_and_page() -> None:
    assert first_page.ROWS == PAGE
    screen = object.__new__(InboxScreen)
    InboxScreen.__init__(screen, None)  # type: ignore[arg-type]
    assert screen.folder == first_page.FOLDER


async def test_the_first_screen_is_the_same_read_ahead_or_not(store_ctx: Ctx) -> None:
    plain, plain_reads, plain_zone = await first_screen(store_ctx)
    assert plain_reads == ["zone", "window"]
    clock.reset()
    read_ahead(store_ctx)
    ahead, ahead_reads, ahead_zone = await first_screen(store_ctx)
    assert ahead_reads == []  # both came from the read ahead
    assert ahead_zone == plain_zone
    assert ahead == plain


async def test_a_read_that_failed_is_read_again_in_the_workers(store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_ctx: Ctx) -> first_page.FirstPage:
        raise RuntimeError("the store went away")

    plain, _reads, _zone = await first_screen(store_ctx)
    clock.reset()
    monkeypatch.setattr(first_page, "read_first_page", broken)
    read_ahead(store_ctx)
    lines, reads, _zone = await first_screen(store_ctx)
    assert reads == ["zone", "window"]
    assert lines == plain


def test_taken_once_and_only_as_read(store_ctx: Ctx) -> None:
    read_ahead(store_ctx)
    assert first_page.take(store_ctx, "unread", PAGE) is None  # another folder: and the read is dropped
    assert first_page.take(store_ctx, first_page.FOLDER, PAGE) is None
    read_ahead(store_ctx)
    assert first_page.take(store_ctx, first_page.FOLDER, PAGE + 1) is None  # another page size
    read_ahead(store_ctx)
    other = store_ctx.as_actor(store_ctx.actor)
    assert first_page.take(other, first_page.FOLDER, PAGE) is None  # another context
    read_ahead(store_ctx)
    taken = first_page.take(store_ctx, first_page.FOLDER, PAGE)
    assert taken is not None and len(taken.window.rows) == PAGE and taken.window.first_position == 0
    assert first_page.take(store_ctx, first_page.FOLDER, PAGE) is None  # once


def test_a_read_not_done_is_not_waited_for(store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    release = threading.Event()
    real = first_page.read_first_page

    def slow(ctx: Ctx) -> first_page.FirstPage:
        release.wait(30)
        return real(ctx)

    monkeypatch.setattr(first_page, "read_first_page", slow)
    first_page.start(store_ctx)
    try:
        assert first_page.take(store_ctx, first_page.FOLDER, PAGE) is None
    finally:
        release.set()
