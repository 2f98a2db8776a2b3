"""The inbox's search field: it takes the header's line and moves nothing else; the hits, their
count and the first hit's panes reach the screen in one frame; only a slow search says "searching…".
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual import events
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Header

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.customers.profile_pane import ProfilePane
from inquiry_tui.tui.inbox import screen as inbox_screen
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.screen import InboxScreen
from inquiry_tui.tui.inbox.search import SearchBox
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.tui.conftest import settle, turns, until, until_in_own_frames


def _inbox(app: InquiryApp) -> InboxScreen:
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    return screen


def _held_search(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, Callable[..., inbox.SearchPage]]:
    """Make the inbox's searches wait until the returned event is set (a slow search); also the real search."""
    release = threading.Event()
    search = inbox.search

    def slow_search(*args: Any, **kwargs: Any) -> inbox.SearchPage:
        release.wait(30)
        return search(*args, **kwargs)

    monkeypatch.setattr(inbox, "search", slow_search)
    return release, search


def _regions(screen: InboxScreen) -> dict[Widget, Region]:
    """Where every widget but the search field is, and how big (the footer is one widget: its keys follow the
    focus inside it)."""
    return {w: w.region for w in screen.query("*") if not isinstance(w, SearchBox) and w.display}


@pytest.mark.parametrize("size", [(160, 48), (80, 24)])
async def test_the_field_takes_the_header_line_and_moves_nothing(store_ctx: Ctx, size: tuple[int, int]) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = _inbox(app)
        box, listing = screen.query_one(SearchBox), screen.query_one(InquiryList)
        before = _regions(screen)
        list_region = listing.region
        await pilot.press("slash")
        await settle(pilot)
        assert app.focused is box and screen.searching
        assert box.region == screen.query_one(Header).region == Region(0, 0, size[0], 1)
        assert _regions(screen) == before
        await pilot.press(*"solar", "enter")
        await settle(pilot)
        assert screen.search_terms == "solar" and app.focused is listing
        assert box.display and box.value == "solar"  # the terms stay in view while the hits are browsed
        assert listing.region == list_region and _regions(screen) == before
        await pilot.press("escape")
        await settle(pilot)
        assert screen.search_terms is None and not screen.searching
        assert listing.region == list_region and _regions(screen) == before
        assert not app.unexpected_errors


async def test_hits_count_and_panes_reach_the_screen_in_one_frame(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox_screen, "SEARCHING_AFTER", 60.0)  # no "searching…" title in this test
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _inbox(app)
        listing = screen.query_one(InquiryList)
        thread, profile = screen.query_one(ThreadView), screen.query_one(ProfilePane)
        first_hit = inbox.search(store_ctx, "solar", limit=1).rows[0]
        assert listing.item_at(0) != first_hit  # the folder's first row is another inquiry
        frames: list[tuple[Any, ...]] = []
        draw: Callable[[], None] = screen._compositor_refresh

        def recording_draw() -> None:
            buyer = profile.profile.buyer_id if profile.profile is not None else None
            frames.append((listing.item_at(0), str(listing.border_title), thread.shown_id, buyer, app.focused))
            draw()

        monkeypatch.setattr(screen, "_compositor_refresh", recording_draw)
        await pilot.press("slash")
        await until(pilot, lambda: app.focused is screen.search_box, "the field has the focus")
        await pilot.press(*"solar", "enter")
        # The hits' frame, not only their data: the condition can hold a moment before the frame is drawn.
        await until_in_own_frames(
            lambda: thread.shown_id == first_hit.id and any(f[0] == first_hit for f in frames), "the hits' frame"
        )
        with_hits = [f for f in frames if f[0] == first_hit]
        assert with_hits, "no frame showed the hits"
        for _row, title, shown_id, buyer, focused in with_hits:
            assert "hit" in title and shown_id == first_hit.id and buyer == first_hit.inquiry.buyer_id
            assert focused is listing  # enter hands the focus to the list with the hits, not a frame before
        assert not any("searching" in f[1] for f in frames)
        assert not app.unexpected_errors


async def test_a_slow_search_says_searching_until_its_hits_come(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, search = _held_search(monkeypatch)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _inbox(app)
        listing = screen.query_one(InquiryList)
        folder_first = listing.item_at(0)
        await pilot.press("slash")
        await until(pilot, lambda: app.focused is screen.search_box, "the field has the focus")
        await pilot.press(*"solar", "enter")
        for _ in turns():  # (not `until`: it waits for the workers, and this one waits for the test)
            if "searching…" in str(listing.border_title):
                break
            await pilot.pause()
        assert "searching…" in str(listing.border_title)
        assert listing.item_at(0) == folder_first  # the rows shown stay until the hits replace them
        release.set()
        await until(pilot, lambda: "hit" in str(listing.border_title), "the hits and their count")
        assert "searching" not in str(listing.border_title)
        assert listing.item_at(0) == search(store_ctx, "solar", limit=1).rows[0]
        assert not app.unexpected_errors


async def test_a_quick_search_is_not_said_to_be_searching_afterwards(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox_screen, "SEARCHING_AFTER", 0.3)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _inbox(app)
        listing = screen.query_one(InquiryList)
        await pilot.press("slash")
        await until(pilot, lambda: app.focused is screen.search_box, "the field has the focus")
        await pilot.press(*"solar", "enter")
        await until(pilot, lambda: "hit" in str(listing.border_title), "the hits and their count")
        await pilot.pause(0.5)  # past SEARCHING_AFTER: the timer of the search that answered says nothing
        assert "hit" in str(listing.border_title) and "searching" not in str(listing.border_title)
        assert not app.unexpected_errors


async def test_a_key_pressed_after_enter_before_the_hits_is_the_lists(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, search = _held_search(monkeypatch)
    monkeypatch.setattr(inbox_screen, "SEARCHING_AFTER", 60.0)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _inbox(app)
        listing, box = screen.query_one(InquiryList), screen.search_box
        await pilot.press("slash")
        await until(pilot, lambda: app.focused is box, "the field has the focus")
        await pilot.press(*"solar", "enter")
        assert app.focused is box and box.handing_over  # the hits are not there yet
        await pilot.press("j")  # not typed into the field: the list's key (the cursor moves)
        for _ in turns():
            if listing.cursor == 1:
                break
            await pilot.pause()
        assert app.focused is listing and listing.cursor == 1 and box.value == "solar"
        release.set()
        await until(pilot, lambda: "hit" in str(listing.border_title), "the hits and their count")
        assert app.focused is listing and box.value == "solar" and screen.search_terms == "solar"
        assert listing.item_at(0) == search(store_ctx, "solar", limit=1).rows[0]
        assert not app.unexpected_errors


async def test_keys_in_one_burst_after_enter_are_not_typed(store_ctx: Ctx) -> None:
    """`solar⏎j` arriving together (a fast typist, tmux send-keys): j reaches the field before the screen sees enter."""
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _inbox(app)
        listing, box = screen.query_one(InquiryList), screen.search_box
        await pilot.press("slash")
        await until(pilot, lambda: app.focused is box, "the field has the focus")
        for key in (*"solar", "enter", "j"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))  # no pause between them
        await until(pilot, lambda: "hit" in str(listing.border_title), "the hits and their count")
        assert box.value == "solar" and screen.search_terms == "solar" and app.focused is listing
        assert not box.handing_over
        assert not app.unexpected_errors


async def test_keys_in_one_burst_after_slash_are_typed_not_run_on_the_list(store_ctx: Ctx) -> None:
    """`/solar` arriving together (a fast typist, keys batched over a slow SSH link): every letter is typed into the
    field; none of them reaches the list, where s marks junk, a assigns and r replies."""
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _inbox(app)
        listing, box = screen.query_one(InquiryList), screen.search_box
        row = listing.current
        assert row is not None
        before = inbox.folder_counts(store_ctx)
        for key in ("slash", *"solar"):
            app.post_message(events.Key(key, "/" if key == "slash" else key))  # no pause between them
        await until(pilot, lambda: "hit" in str(listing.border_title), "the hits and their count")
        assert box.value == "solar" and screen.search_terms == "solar"
        assert app.screen is screen  # no assign or reply dialog opened
        assert inbox.folder_counts(store_ctx) == before  # nothing marked junk
        assert app.focused is box  # no enter yet: still typing
        await pilot.press("end", "space", "1", "slash", "2")
        assert box.value == "solar 1/2"  # in the field, `/` is typed
        assert not app.unexpected_errors


async def test_the_footer_gives_the_lists_keys_back_in_the_frame_of_the_hits(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    """enter: the footer's letter keys come back with the hits, not in frames after them (the screen's last change
    in a terminal was the footer, 40-150 ms after the hits)."""
    monkeypatch.setattr(inbox_screen, "SEARCHING_AFTER", 60.0)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _inbox(app)
        listing = screen.query_one(InquiryList)
        first_hit = inbox.search(store_ctx, "solar", limit=1).rows[0]
        footer = screen.query_one(KeysFooter)
        list_keys = [k.description for k in footer.placed]
        assert "Reply" in list_keys
        frames: list[tuple[Any, list[str]]] = []
        draw: Callable[[], None] = screen._compositor_refresh

        def recording_draw() -> None:
            frames.append((listing.item_at(0), [k.description for k in footer.placed]))
            draw()

        monkeypatch.setattr(screen, "_compositor_refresh", recording_draw)
        await pilot.press("slash")
        await until(pilot, lambda: app.focused is screen.search_box, "the field has the focus")
        assert [k.description for k in footer.placed] == ["Search", "palette"]
        await pilot.press(*"solar", "enter")
        await until_in_own_frames(lambda: any(row == first_hit for row, _ in frames), "the hits' frame")
        with_hits = [keys for row, keys in frames if row == first_hit]
        assert with_hits and all(keys == list_keys for keys in with_hits), with_hits
        assert not app.unexpected_errors


async def test_a_search_from_deep_in_the_folder_lays_nothing_out(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hits are fewer rows than the folder, but the scrollbar stays: the list's new length moves only its
    thumb, so the hits' frame draws the rows and panes that changed, with no layout of the whole screen; the
    bar and the viewport follow the new length (the cursor on the first hit, at the top)."""
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _inbox(app)
        listing = screen.inquiry_list
        listing.move_cursor(listing.total - 1)  # the folder's end: scrolled past where the hits end
        await settle(pilot)
        assert listing.scroll_offset.y > 100
        await pilot.press("slash", *"solar")
        await settle(pilot)
        layouts: list[bool] = []
        layout: Callable[..., None] = screen._refresh_layout
        monkeypatch.setattr(screen, "_refresh_layout", lambda *a, **k: (layouts.append(True), layout(*a, **k)))
        hits = inbox.search(store_ctx, "solar", limit=1)
        await pilot.press("enter")
        await until(pilot, lambda: listing.item_at(0) == hits.rows[0], "the hits")
        await settle(pilot)
        assert not layouts
        assert listing.show_vertical_scrollbar and listing.total > listing.scrollable_content_region.height
        assert listing.cursor == 0 and listing.scroll_offset.y == 0
        assert listing.virtual_size.height == listing.total == listing.vertical_scrollbar.window_virtual_size
        assert not app.unexpected_errors
