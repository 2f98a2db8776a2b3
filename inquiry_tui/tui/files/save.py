"""SaveAttachmentScreen (`w` in the inbox): write one of the inquiry's attachments to a path; asks before overwriting."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from inquiry_tui.domain.filenames import safe_filename, user_path
from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files.attachments import (
    AttachmentRow,
    FileExists,
    SavedFile,
    list_attachments,
    save_attachment,
)
from inquiry_tui.tui.common.confirm import ConfirmScreen
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import KeyLine
from inquiry_tui.tui.files import FILES_CSS
from inquiry_tui.tui.files.labels import attachment_line


def default_folder() -> Path:
    downloads = Path.home() / "Downloads"
    return downloads if downloads.is_dir() else Path.cwd()


class SaveAttachmentScreen(Dialog[SavedFile | None], WorkerErrors):
    """Dismisses with the saved file, or None."""

    CSS_PATH = FILES_CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save-cancel")]

    @dataclass
    class Listed(Message):
        rows: list[AttachmentRow]

    @dataclass
    class Saved(Message):
        saved: SavedFile

    @dataclass
    class Exists(Message):
        attachment_id: int
        path: Path

    def __init__(self, ctx: Ctx, inquiry_id: int, folder: Path | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.inquiry_id = inquiry_id
        self.folder = folder or default_folder()
        self.rows: list[AttachmentRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide-dialog", id="save-dialog"):
            yield Label(Content(f"Save an attachment of inquiry #{self.inquiry_id}"), classes="dialog-title")
            yield OptionList(id="save-list")
            yield Input(id="save-path", compact=True, placeholder="Save to this path")
            yield KeyLine("enter saves · tab between list and path · escape closes")

    def on_mount(self) -> None:
        self._list()

    @work(thread=True, exclusive=True, group="save-list", exit_on_error=False)
    def _list(self) -> None:
        self.post_message(self.Listed(list_attachments(self.ctx, self.inquiry_id)))

    @on(Listed)
    def _listed(self, event: Listed) -> None:
        self.rows = event.rows
        options = self.query_one(OptionList)
        for r in event.rows:
            label = attachment_line(r.name, r.size, r.mime)
            label.rstrip()
            options.add_option(Option(label, id=str(r.id)))
        if not event.rows:
            options.add_option(Option(Text("This inquiry has no attachments", style="dim"), disabled=True))
            return
        options.highlighted = 0
        options.focus()
        self._suggest(event.rows[0])

    def _suggest(self, row: AttachmentRow) -> None:
        self.query_one("#save-path", Input).value = str(self.folder / safe_filename(row.name))

    def _row(self) -> AttachmentRow | None:
        index = self.query_one(OptionList).highlighted
        return self.rows[index] if index is not None and index < len(self.rows) else None

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        if (row := self._row()) is not None:
            self._suggest(row)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#save-path", Input).focus()

    @on(Input.Submitted, "#save-path")
    def _submitted(self, event: Input.Submitted) -> None:
        row = self._row()
        if row is None or not event.value.strip():
            return
        self._save(row.id, user_path(event.value.strip()), False)

    @work(thread=True, exclusive=True, group="save-write", exit_on_error=False)
    def _save(self, attachment_id: int, path: Path, force: bool) -> None:
        try:
            self.post_message(self.Saved(save_attachment(self.ctx, attachment_id, path, force=force)))
        except FileExists:
            self.post_message(self.Exists(attachment_id, path))

    @on(Exists)
    def _exists(self, event: Exists) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._save(event.attachment_id, event.path, True)

        self.app.push_screen(
            ConfirmScreen("Overwrite", Text(f"{event.path} exists. Overwrite it?"), yes="Overwrite", danger=True),
            answered,
        )

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self.notify(f"Saved {safe_line(event.saved.name)} to {event.saved.path}", markup=False)
        self.dismiss(event.saved)

    def action_cancel(self) -> None:
        self.dismiss(None)
