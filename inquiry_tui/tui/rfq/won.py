"""WonScreen (`w` on a quote): the order that won it (its number or reference)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.rfq.quotes import QuoteRow
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.forms import DiscardGuard, KeyLine
from inquiry_tui.tui.rfq import RFQ_CSS


class WonScreen(DiscardGuard, Dialog[str | None]):
    """Dismisses with the order reference typed, or None."""

    CSS_PATH = RFQ_CSS
    BINDINGS = [Binding("escape", "close_form", "Cancel", id="won-cancel")]

    def __init__(self, quote: QuoteRow) -> None:
        super().__init__()
        self.quote = quote

    def compose(self) -> ComposeResult:
        title = Text("Won by an order: ", style="bold")
        title.append(truncate(safe_line(self.quote.title), 50))
        with Vertical(id="won-box"):
            yield Static(title)
            yield Input(placeholder="the order's number or reference", id="won-order", max_length=100)
            yield Static("", id="won-error")
            yield KeyLine("enter save · escape cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.query_one("#won-error", Static).update(Text("Give the order's number.", style="bold red"))
            return
        self.dismiss(event.value.strip())
