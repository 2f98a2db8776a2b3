"""The FAQ list of the reception settings (at most 5 entries, enforced here and by domain.settings) and its editor."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from inquiry_tui.domain.settings import MAX_FAQ, FaqEntry
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.forms import DiscardGuard, KeyLine


class FaqDialog(DiscardGuard, Dialog[FaqEntry | None]):
    """Question and answer; enter in the answer (or ctrl+s) keeps it, escape cancels."""

    BINDINGS = [
        Binding("ctrl+s", "keep", "Keep", id="reception-faq-keep"),
        Binding("escape", "close_form", "Cancel", id="reception-faq-cancel"),
    ]

    def __init__(self, entry: FaqEntry | None) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="faq-dialog"):
            yield Label(Content("Edit FAQ entry" if self.entry else "New FAQ entry"), classes="dialog-title")
            yield Label("Question")
            yield Input(self.entry.q if self.entry else "", id="faq-question", select_on_focus=False)
            yield Label("Answer")
            yield Input(self.entry.a if self.entry else "", id="faq-answer", select_on_focus=False)
            yield Static("", id="faq-problem")
            yield KeyLine("enter in the answer or ctrl+s keeps · escape cancels")

    def on_mount(self) -> None:
        self.query_one("#faq-question", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "faq-question":
            self.query_one("#faq-answer", Input).focus()
        else:
            self.action_keep()

    def action_keep(self) -> None:
        q = self.query_one("#faq-question", Input).value.strip()
        a = self.query_one("#faq-answer", Input).value.strip()
        if not q or not a:
            self.query_one("#faq-problem", Static).update(Text("Give both a question and an answer.", style="bold red"))
            return
        self.dismiss(FaqEntry(q, a))


class FaqList(OptionList):
    """Entries in send order: n adds (refused past MAX_FAQ), enter edits, x removes, shift+up/down moves."""

    BINDINGS = [
        Binding("n", "add_entry", "New FAQ", id="reception-faq-new"),
        Binding("x", "remove_entry", "Remove FAQ", id="reception-faq-remove"),
        Binding("shift+up", "move_entry(-1)", "Move up", id="reception-faq-up"),
        Binding("shift+down", "move_entry(1)", "Move down", id="reception-faq-down"),
    ]

    @dataclass
    class Changed(Message):
        entries: tuple[FaqEntry, ...]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[FaqEntry] = []

    def set_entries(self, entries: tuple[FaqEntry, ...], *, keep: int | None = None) -> None:
        self.entries = list(entries)
        self.clear_options()
        for n, e in enumerate(self.entries, 1):
            label = Text(f"{n}. ", style="bold")
            label.append(truncate(safe_line(e.q), 40))
            label.append("  " + truncate(safe_line(e.a), 60), style="dim")
            self.add_option(Option(label))
        if not self.entries:
            self.add_option(Option(Text("No FAQ entries: n adds one", style="dim"), disabled=True))
        elif keep is not None:
            self.highlighted = max(0, min(keep, len(self.entries) - 1))

    def _changed(self, keep: int | None) -> None:
        self.set_entries(tuple(self.entries), keep=keep)
        self.post_message(self.Changed(tuple(self.entries)))

    def action_add_entry(self) -> None:
        if len(self.entries) >= MAX_FAQ:
            self.notify(f"At most {MAX_FAQ} FAQ entries: remove one (x) before adding another.", severity="warning")
            return

        def added(entry: FaqEntry | None) -> None:
            if entry is not None:
                self.entries.append(entry)
                self._changed(len(self.entries) - 1)

        self.app.push_screen(FaqDialog(None), added)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if index >= len(self.entries):
            return

        def edited(entry: FaqEntry | None) -> None:
            if entry is not None:
                self.entries[index] = entry
                self._changed(index)

        self.app.push_screen(FaqDialog(self.entries[index]), edited)

    def action_remove_entry(self) -> None:
        index = self.highlighted
        if index is None or index >= len(self.entries):
            return
        del self.entries[index]
        self._changed(index)

    def action_move_entry(self, step: int) -> None:
        index = self.highlighted
        if index is None or index >= len(self.entries):
            return
        other = index + step
        if 0 <= other < len(self.entries):
            self.entries[index], self.entries[other] = self.entries[other], self.entries[index]
            self._changed(other)
