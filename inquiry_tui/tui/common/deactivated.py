"""DeactivatedScreen: the acting account was deactivated while the app was open; it can only quit now."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, Static

from inquiry_tui.domain.errors import AccountDeactivated
from inquiry_tui.tui.common.footer import KeysFooter


class DeactivatedScreen(Screen[None]):
    """Covers everything: the app takes no more actions (`InquiryApp.check_action`), only `q` quits."""

    BINDINGS = [Binding("q", "app.quit", "Quit", id="deactivated-quit", priority=True)]

    def __init__(self, error: AccountDeactivated) -> None:
        super().__init__(id="deactivated")
        self.error = error

    def compose(self) -> ComposeResult:
        by = f" by {self.error.by}" if self.error.by else ""
        when = f" on {self.error.at}" if self.error.at else ""
        message = Text()
        message.append(f"Your account ({self.error.login}) was deactivated{by}{when}.\n\n", style="bold")
        message.append(
            "This session can no longer act: nothing more is shown or changed as this account. "
            "Your open inquiries, buyers, products and countries went to your successor.\n\n"
        )
        message.append("Press q to quit.", style="bold")
        with Vertical(classes="dialog", id="deactivated-dialog"):
            yield Label(Content("Account deactivated"), classes="dialog-title")
            yield Static(message, id="deactivated-message")
        yield KeysFooter()
