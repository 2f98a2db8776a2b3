"""InboxScreen (being built; replaced by the owner of this screen)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from inquiry_tui.services.context import Ctx


class InboxScreen(Screen[None]):
    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("inbox")
        yield Footer()
