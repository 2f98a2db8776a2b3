"""A screen closed leaves nothing behind on the app: its header's watchers of the app's title go with it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, Static

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp, drop_closed_watchers
from tests.tui.conftest import settle


class HeaderedScreen(Screen[None]):
    """A pushed screen with a header, as a customer's profile or an order has."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("pushed")


def title_watchers(app: InquiryApp) -> list[tuple[object, object]]:
    watchers: dict[str, list[tuple[object, object]]] = getattr(app, "__watchers", {})
    return [entry for name in ("title", "sub_title") for entry in watchers.get(name, [])]


async def test_screens_opened_and_closed_leave_no_watchers_on_the_app(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = len(title_watchers(app))
        for _ in range(5):
            await app.push_screen(HeaderedScreen())
            await settle(pilot)
            assert len(title_watchers(app)) > before  # the pushed screen's header watches the title
            await app.pop_screen()
            await settle(pilot)
        await pilot.pause()
        watchers = title_watchers(app)
        assert len(watchers) == before
        assert not any(node._closing or node._closed for node, _ in watchers)  # type: ignore[attr-defined]
        assert "pushed" not in str(app.screen.query(Static))


async def test_dropping_closed_watchers_keeps_the_live_ones(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        live = title_watchers(app)
        assert live  # the inbox's header
        assert drop_closed_watchers(app) == 0
        assert title_watchers(app) == live
        app.title = "renamed"  # the live header still follows the title
        await pilot.pause()
        assert "renamed" in str(app.screen.query_one(Header).screen_title)
