"""OutreachScreen: write the first message of a new outgoing thread to a recommended buyer (`o`)."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.recommendations import OutreachStarted, start_outreach


class OutreachScreen(ModalScreen[OutreachStarted | None]):
    """Dismisses with the started thread, or None."""

    DEFAULT_CSS = """
    OutreachScreen { align: center middle; }
    OutreachScreen > #outreach-box { width: 80; height: auto; border: thick $accent; background: $surface; padding: 0 1; }
    OutreachScreen #outreach-title { text-style: bold; padding: 0 0 1 0; }
    OutreachScreen #outreach-reason { color: $text-muted; padding: 0 0 1 0; }
    OutreachScreen TextArea { height: 10; }
    OutreachScreen #outreach-error { color: $error; height: auto; }
    OutreachScreen #outreach-help { color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+s", "send_outreach", "Send", id="outreach-send"),
        Binding("escape", "cancel_outreach", "Cancel", id="outreach-cancel"),
    ]

    def __init__(self, ctx: Ctx, buyer_id: int, who: str, reason: str = "") -> None:
        super().__init__()
        self.ctx = ctx
        self.buyer_id = buyer_id
        self.who = who
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(id="outreach-box"):
            title = Text("New message to ")
            title.append(truncate(safe_line(self.who), 50))
            yield Static(title, id="outreach-title")
            if self.reason:
                yield Static(Text(safe_line(self.reason)), id="outreach-reason")
            yield Input(placeholder="Subject (optional)", id="outreach-subject", compact=True, max_length=200)
            yield TextArea(id="outreach-body")
            yield Static("", id="outreach-error")
            yield Static("ctrl+s send · escape cancel · starts a new thread in Sent", id="outreach-help")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_send_outreach(self) -> None:
        subject = self.query_one("#outreach-subject", Input).value
        body = self.query_one(TextArea).text
        if not body.strip():
            self.query_one("#outreach-error", Static).update(Text("Write a message first; nothing was sent."))
            return
        self._send(subject, body)

    @work(thread=True, exclusive=True, group="outreach")
    def _send(self, subject: str, body: str) -> None:
        try:
            started = start_outreach(self.ctx, self.buyer_id, body, subject)
        except InquiryError as exc:
            self.app.call_from_thread(self.query_one("#outreach-error", Static).update, Text(safe_line(str(exc))))
            return
        self.app.call_from_thread(self.dismiss, started)

    def action_cancel_outreach(self) -> None:
        self.dismiss(None)
