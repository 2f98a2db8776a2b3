"""AttachScreen: choose files for a reply or a chat line, from the cloud disk (found by name) or a local path.

Dismisses with the chosen files (`Chosen`), or None when cancelled. The disk is searched in a
worker, at most 100 names at a time; names are literal text.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from inquiry_tui.domain.filenames import safe_filename, user_path
from inquiry_tui.domain.files import size_text
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files.attachments import AttachmentSource, FromDisk, FromPath
from inquiry_tui.services.files.disk import DiskEntry, find_files
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import KeyLine
from inquiry_tui.tui.files import FILES_CSS
from inquiry_tui.tui.files.labels import kind_of


@dataclass(frozen=True)
class Chosen:
    """A file chosen to attach: what to show and where it comes from."""

    label: str
    source: AttachmentSource


def chosen_text(files: list[Chosen] | tuple[Chosen, ...]) -> Text:
    if not files:
        return Text("No files attached (ctrl+o attaches)", style="dim")
    text = Text("📎 ", style="cyan")
    text.append(", ".join(truncate(safe_line(f.label), 40) for f in files))
    return text


class AttachScreen(Dialog[tuple[Chosen, ...] | None], WorkerErrors):
    CSS_PATH = FILES_CSS
    BINDINGS = [
        Binding("ctrl+s", "done", "Done", id="attach-done"),
        Binding("escape", "cancel", "Cancel", id="attach-cancel"),
        Binding("ctrl+x", "drop_last", "Remove last", id="attach-drop"),
    ]

    @dataclass
    class Found(Message):
        words: str
        entries: list[DiskEntry]

    def __init__(self, ctx: Ctx, chosen: tuple[Chosen, ...] = ()) -> None:
        super().__init__()
        self.ctx = ctx
        self.chosen = list(chosen)
        self.entries: list[DiskEntry] = []
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide-dialog", id="attach-dialog"):
            yield Label(Content("Attach files"), classes="dialog-title")
            yield Input(placeholder="Find on the cloud disk by name", id="attach-find", compact=True)
            yield OptionList(id="attach-disk")
            yield Input(placeholder="…or a local file: type its path and press enter", id="attach-path", compact=True)
            yield Static(chosen_text(self.chosen), id="attach-chosen")
            yield KeyLine("enter adds · ctrl+x removes the last · ctrl+s done · escape cancels", id="attach-keys")

    def on_mount(self) -> None:
        self.query_one("#attach-find", Input).focus()
        self._find("")

    @on(Input.Changed, "#attach-find")
    def _find_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        words = event.value
        self._timer = self.set_timer(0.2, lambda: self._find(words))

    @on(Input.Submitted, "#attach-find")
    def _find_submitted(self) -> None:
        self.query_one("#attach-disk", OptionList).focus()

    @work(thread=True, exclusive=True, group="attach-find", exit_on_error=False)
    def _find(self, words: str) -> None:
        self.post_message(self.Found(words, find_files(self.ctx, words)))

    @on(Found)
    def _found(self, event: Found) -> None:
        self.entries = event.entries
        options = self.query_one("#attach-disk", OptionList)
        options.clear_options()
        for e in event.entries:
            label = Text(truncate(safe_line(e.name), 44), style="bold")
            label.append(f"  {size_text(e.size)} · {kind_of(e.mime)} · ", style="dim")
            label.append(truncate(safe_line(e.folder), 30), style="dim italic")
            options.add_option(Option(label, id=str(e.id)))
        if not event.entries:
            options.add_option(Option(Text("No files on the disk match", style="dim"), disabled=True))
        elif options.highlighted is None:
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#attach-disk")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = next((e for e in self.entries if str(e.id) == event.option.id), None)
        if entry is None:
            return
        if any(isinstance(c.source, FromDisk) and c.source.entry_id == entry.id for c in self.chosen):
            self.notify("Already attached.", timeout=2)
            return
        self._add(Chosen(entry.name, FromDisk(entry.id)))

    @on(Input.Submitted, "#attach-path")
    def _path_given(self, event: Input.Submitted) -> None:
        raw = event.value.strip()
        if not raw:
            return
        path = user_path(raw)
        if not path.is_file():
            self.notify(
                f"{safe_line(raw)}: no such file (a folder cannot be attached)", severity="warning", markup=False
            )
            return
        event.input.value = ""
        self._add(Chosen(safe_filename(path.name), FromPath(path)))

    def _add(self, chosen: Chosen) -> None:
        self.chosen.append(chosen)
        self.query_one("#attach-chosen", Static).update(chosen_text(self.chosen))

    def action_drop_last(self) -> None:
        if self.chosen:
            self.chosen.pop()
            self.query_one("#attach-chosen", Static).update(chosen_text(self.chosen))

    def action_done(self) -> None:
        self.dismiss(tuple(self.chosen))

    def action_cancel(self) -> None:
        self.dismiss(None)
