"""OutreachScreen: write the first message of a new outgoing thread to a recommended buyer (`o`)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static, TextArea

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.recommendations import OutreachStarted, start_outreach
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import DiscardGuard, KeyLine
from inquiry_tui.tui.customers import CUSTOMERS_CSS


class OutreachScreen(DiscardGuard, Dialog[OutreachStarted | None], WorkerErrors):
    """Dismisses with the started thread, or None."""

    CSS_PATH = CUSTOMERS_CSS
    BINDINGS = [
        Binding("ctrl+s", "send_outreach", "Send", id="outreach-send"),
        Binding("escape", "close_form", "Cancel", id="outreach-cancel"),
    ]

    @dataclass
    class Started(Message):
        started: OutreachStarted

    @dataclass
    class Refused(Message):
        message: str

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
            yield KeyLine("ctrl+s send · escape cancel · starts a new thread in Sent", id="outreach-help")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_send_outreach(self) -> None:
        subject = self.query_one("#outreach-subject", Input).value
        body = self.query_one(TextArea).text
        if not body.strip():
            self.query_one("#outreach-error", Static).update(Text("Write a message first; nothing was sent."))
            return
        self._send(subject, body)

    @work(thread=True, exclusive=True, group="outreach", exit_on_error=False)
    def _send(self, subject: str, body: str) -> None:
        try:
            started = start_outreach(self.ctx, self.buyer_id, body, subject)
        except InquiryError as exc:
            self.post_message(self.Refused(str(exc)))
            return
        self.post_message(self.Started(started))

    @on(Started)
    def _started(self, event: Started) -> None:
        self.dismiss(event.started)

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self.query_one("#outreach-error", Static).update(Text(safe_line(event.message)))
