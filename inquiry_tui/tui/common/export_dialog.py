"""ExportScreen (`e`): the file to export the current folder to; the format follows the extension."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from inquiry_tui.domain.filenames import user_path
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.forms import KeyLine


def export_format(path: Path) -> str:
    return "jsonl" if path.suffix.lower() in (".jsonl", ".json", ".ndjson") else "csv"


class ExportScreen(Dialog[tuple[Path, str] | None]):
    """Dismisses with (path, format) once the name is acceptable, or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="export-cancel")]

    def __init__(self, what: str, default_name: str, note: str = "") -> None:
        super().__init__()
        self.what = what
        self.default_name = default_name
        self.note = note
        self._confirmed_overwrite: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label(Content(f"Export {self.what}"), classes="dialog-title")
            yield KeyLine("File name (.csv, or .jsonl for JSON Lines) · enter exports · escape cancels")
            if self.note:
                yield Static(Text(self.note, style="dim"))
            yield Input(self.default_name, id="export-path")
            yield Static("", id="export-problem")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._confirmed_overwrite = None
        self.query_one("#export-problem", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.query_one("#export-problem", Static)
        raw = event.value.strip()
        if not raw:
            problem.update(Text("Give a file name.", style="bold red"))
            return
        path = user_path(raw)
        if not path.is_absolute():
            path = Path.cwd() / path
        if path.is_dir():
            problem.update(Text(f"{path} is a folder; give a file name.", style="bold red"))
            return
        if not path.parent.is_dir():
            problem.update(Text(f"The folder {path.parent} does not exist.", style="bold red"))
            return
        if path.exists() and self._confirmed_overwrite != path:
            self._confirmed_overwrite = path
            problem.update(Text(f"{path.name} exists; press enter again to overwrite it.", style="bold yellow"))
            return
        self.dismiss((path, export_format(path)))
