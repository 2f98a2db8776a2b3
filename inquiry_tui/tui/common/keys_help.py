"""KeysHelpScreen (`?` or F1): every key in force where it was opened, read from the bindings themselves.

The app's keys, then the screen's, then those of the focused widget, by category ("Inbox",
"Folder", ...); the same entries as the command palette (`common.keys`), so neither can drift
from what the keys do. A screen's `HELP` text (a legend, such as the inbox's badges) follows.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.forms import KeyLine
from inquiry_tui.tui.common.keys import KeyEntry, key_entries


def _table(title: str, entries: list[KeyEntry]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(style="dim")
    for entry in entries:
        table.add_row(Text(entry.key_text), Text(entry.name.partition(": ")[2]), Text(entry.tooltip))
    return table


class KeysHelpScreen(Dialog[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="keys-close")]

    def __init__(self, origin: Screen[object]) -> None:
        super().__init__()
        self.origin = origin
        self.entries = key_entries(origin)  # read now: the origin's focus decides what is in force

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="keys-dialog"):
            yield Label("Keys", classes="dialog-title")
            categories: dict[str, list[KeyEntry]] = {}
            for entry in self.entries:
                categories.setdefault(entry.category, []).append(entry)
            for category, entries in categories.items():
                yield Static(_table(category, entries))
            if self.origin.HELP:
                yield Static(Text(self.origin.HELP, style="dim"))
            yield KeyLine("escape or ? closes this")
