"""AskDialog: one line of input for an Admin action (an away account's return date, a capacity limit)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.forms import DiscardGuard, KeyLine


class AskDialog(DiscardGuard, Dialog[str | None]):
    """Dismisses with the text typed (enter; it may be empty), or None (escape). The caller checks it."""

    BINDINGS = [Binding("escape", "close_form", "Cancel", id="ask-cancel")]

    def __init__(
        self, title: str, note: str, *, value: str = "", placeholder: str = "", restrict: str | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.note = note
        self.value = value
        self.placeholder = placeholder
        self.restrict = restrict

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="ask-dialog"):
            yield Label(Content(self.title_text), classes="dialog-title")
            yield Static(Text(self.note, style="dim"))
            yield Input(
                self.value, placeholder=self.placeholder, restrict=self.restrict, id="ask-input", select_on_focus=False
            )
            yield KeyLine("enter OK · escape cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())
