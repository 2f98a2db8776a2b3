"""The chat manager (`5`): conversations with unread counts, sending a line, finding; snapshots at both sizes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import text
from textual.pilot import Pilot

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.chats.chat_view import ChatView
from inquiry_tui.tui.chats.screen import ChatsScreen
from inquiry_tui.tui.common.paged_rows import PagedRows
from tests.tui.conftest import settle

WIDE = (160, 48)
SMALL = (80, 24)


def _steps(*keys: str) -> Callable[[Pilot[object]], Awaitable[None]]:
    async def run(pilot: Pilot[object]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


class TestSnapshots:
    def test_chats_wide(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(store_ctx), terminal_size=WIDE, run_before=_steps("5", "j"))

    def test_chats_small(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(store_ctx), terminal_size=SMALL, run_before=_steps("5", "j"))


async def test_send_a_chat_line(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChatsScreen)
        listing = screen.query_one("#chats-list", PagedRows)
        assert listing.total > 100 and screen.open_buyer is not None
        buyer = screen.open_buyer
        await pilot.press("i")
        await pilot.press(*"Hello, the price list follows")
        await pilot.press("enter")
        await settle(pilot)
        assert "Hello, the price list follows" in screen.query_one(ChatView).plain
        assert listing.rows[0].buyer_id == buyer and listing.rows[0].last_direction == "out"
    with store_ctx.read() as session:
        row = session.execute(
            text(
                "SELECT i.channel, m.direction, m.author_id, i.replied, i.unread FROM message m "
                "JOIN inquiry i ON i.id = m.inquiry_id WHERE m.body = 'Hello, the price list follows'"
            )
        ).one()
    assert tuple(row) == ("tm", "out", store_ctx.actor.id, 1, 0)


async def test_opening_a_conversation_reads_it_and_find_steps_through_lines(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChatsScreen)
        listing = screen.query_one("#chats-list", PagedRows)
        unread_at = next(i for i, r in enumerate(listing.rows) if r.unread)
        unread_before = screen.counts.unread if screen.counts else 0
        for _ in range(unread_at):
            await pilot.press("j")
        await settle(pilot)
        assert listing.rows[unread_at].unread == 0
        assert screen.counts is not None and screen.counts.unread == unread_before - 1
        await pilot.press("f")
        await pilot.press(*"price")
        await pilot.press("enter")
        await settle(pilot)
        view = screen.query_one(ChatView)
        if view.matches:
            assert view.step(1)[1] == len(view.matches)
        await pilot.press("escape")
        await settle(pilot)
        assert screen.focused is listing
