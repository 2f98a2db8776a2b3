"""What the pane workers read and lay out ahead: the neighbours' and the page keys' landing rows arrive
as ready strips, so the next key paints both panes from memory without laying anything out on the
event loop; a change another session makes still shows after the store is read again."""

from __future__ import annotations

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.customers.profile_pane import ProfilePane
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.screen import InboxScreen
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.tui.conftest import settle, until


def _screen(app: InquiryApp) -> InboxScreen:
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    return screen


def _shows(screen: InboxScreen, inquiry_id: int) -> bool:
    panes = screen.panes
    return panes is not None and panes.shown is not None and panes.shown[0] == inquiry_id


async def test_a_move_to_a_prefetched_neighbour_lays_nothing_out_on_the_event_loop(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        listing, thread = screen.query_one(InquiryList), screen.query_one(ThreadView)
        profile = screen.query_one(ProfilePane)
        await until(pilot, lambda: thread.shown_id is not None, "the first thread")
        builds = thread.builds
        for _ in range(3):
            await pilot.press("j")
            item = listing.current
            assert item is not None
            assert _shows(screen, item.id)  # painted with the key, from memory
            assert f"#{item.id} ·" in thread.plain
            assert profile.profile is not None and profile.profile.buyer_id == item.inquiry.buyer_id
            await settle(pilot)
        assert thread.builds == builds  # every thread was laid out by a worker
        assert not app.unexpected_errors


async def test_after_a_page_key_the_next_page_keys_landing_rows_are_read_ahead(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        listing, thread = screen.query_one(InquiryList), screen.query_one(ThreadView)
        await until(pilot, lambda: thread.shown_id is not None, "the first thread")
        step = listing.page_step
        assert step > 1
        await pilot.press("pagedown")
        await settle(pilot)
        assert listing.cursor == step
        builds = thread.builds
        for expected in (2 * step, 3 * step, 2 * step):
            key = "pagedown" if expected > listing.cursor else "pageup"
            await pilot.press(key)
            assert listing.cursor == expected
            item = listing.current
            assert item is not None
            assert _shows(screen, item.id)  # the landing row was read and laid out ahead: painted with the key
            assert f"#{item.id} ·" in thread.plain
            await settle(pilot)
            assert _shows(screen, item.id)
        assert thread.builds == builds
        assert not app.unexpected_errors


async def test_single_steps_do_not_read_the_page_keys_landing_rows(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        listing = screen.query_one(InquiryList)
        await until(pilot, lambda: screen.query_one(ThreadView).shown_id is not None, "the first thread")
        await pilot.press("j", "j")
        await settle(pilot)
        panes = screen.panes
        assert panes is not None
        landing = listing.item_at(listing.cursor + listing.page_step)
        assert landing is not None and landing.id not in panes.details  # held j pays for no page read-ahead
        assert not app.unexpected_errors


async def test_a_page_key_whose_landing_rows_page_came_late_reads_it_ahead_when_it_comes(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = _screen(app)
        listing, thread = screen.query_one(InquiryList), screen.query_one(ThreadView)
        await until(pilot, lambda: thread.shown_id is not None, "the first thread")
        await pilot.press("pagedown")
        await settle(pilot)
        panes = screen.panes
        assert panes is not None
        landing = listing.item_at(listing.cursor + listing.page_step)
        assert landing is not None
        panes.details.pop(landing.id, None)  # as if its page had come after the read-ahead was planned
        panes.page_arrived()
        await settle(pilot)
        assert landing.id in panes.details
        await pilot.press("pagedown")
        assert _shows(screen, landing.id)  # painted with the key
        assert not app.unexpected_errors
