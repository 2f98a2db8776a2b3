"""NoteDialog: the main account writes a note on an inquiry or a customer for its owner (ctrl+s leaves it)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, Static, TextArea

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notes.notes import NoteRow, add_note
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import DiscardGuard, KeyLine
from inquiry_tui.tui.notes import NOTES_CSS


class NoteDialog(DiscardGuard, Dialog[NoteRow | None], WorkerErrors):
    """Dismisses with the note left, or None (escape). The service checks the text and the role."""

    CSS_PATH = NOTES_CSS
    BINDINGS = [
        Binding("ctrl+s", "leave_note", "Leave note", id="note-save"),
        Binding("escape", "close_form", "Cancel", id="note-cancel"),
    ]

    @dataclass
    class Left(Message):
        note: NoteRow

    @dataclass
    class Refused(Message):
        message: str

    def __init__(
        self, ctx: Ctx, *, owner: str, about: str, inquiry_id: int | None = None, buyer_email: str | None = None
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.owner = owner
        self.about = about  # untrusted: a subject or a company
        self.inquiry_id = inquiry_id
        self.buyer_email = buyer_email

    def compose(self) -> ComposeResult:
        on_what = f"#{self.inquiry_id}" if self.inquiry_id is not None else "this customer"
        with Vertical(classes="dialog", id="note-dialog"):
            yield Label(Content(f"Note on {on_what} for {self.owner}"), classes="dialog-title")
            yield Static(Text(truncate(safe_line(self.about), 70), style="dim"))
            yield TextArea("", soft_wrap=True, tab_behavior="focus", id="note-text")
            yield Static("", id="note-status")
            yield KeyLine(
                f"{self.owner} gets a notice and sees it marked ✎ until read · ctrl+s leaves it · escape cancels"
            )

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_leave_note(self) -> None:
        self._leave(self.query_one(TextArea).text)

    @work(thread=True, exclusive=True, group="note-add", exit_on_error=False)
    def _leave(self, text: str) -> None:
        try:
            note = add_note(self.ctx, text=text, inquiry_id=self.inquiry_id, buyer_email=self.buyer_email)
        except InquiryError as exc:
            self.post_message(self.Refused(str(exc)))
            return
        self.post_message(self.Left(note))

    @on(Left)
    def _left(self, event: Left) -> None:
        self.dismiss(event.note)

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self.query_one("#note-status", Static).update(Text(f"Not left: {event.message}", style="bold red"))
