"""A small host app for the customer screens' tests (the real app's mode `2` builds the same screen)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.profile import BuyerProfile
from inquiry_tui.tui.customers.profile_pane import ProfilePane


class ScreenHost(App[None]):
    """Shows SCREEN (built from the context) as the only screen."""

    TITLE = "inquiry-tui"

    def __init__(self, ctx: Ctx, make_screen) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.ctx = ctx
        self.make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(self.ctx))


class PaneHost(App[None]):
    """The profile pane beside a stand-in thread, as the inbox places it."""

    CSS = "#thread { width: 1fr; }  Horizontal { height: 1fr; }"

    def __init__(self, profile: BuyerProfile | None) -> None:
        super().__init__()
        self.profile = profile

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static("thread", id="thread")
            yield ProfilePane()

    def on_mount(self) -> None:
        self.query_one(ProfilePane).profile = self.profile
