"""PromptScreen: one line of input (a path, a name, a folder), dismissed with the text or None."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label

from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.forms import KeyLine


class PromptScreen(Dialog[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt-cancel")]

    def __init__(self, title: str, hint: str, value: str = "") -> None:
        super().__init__()
        self.prompt_title = title
        self.hint = hint
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="prompt-dialog"):
            yield Label(Content(self.prompt_title), classes="dialog-title")
            yield Input(self.value, id="prompt-input")
            yield KeyLine(self.hint + " · enter confirms · escape cancels")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
