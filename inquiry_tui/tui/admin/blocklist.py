"""Admin › Block list: e-mails, member ids and countries whose arrivals go straight to Deleted.

`n` blocks (a small dialog; the service checks and normalises the value, and a refusal is shown
in the dialog, which stays open), `x` / `delete` unblocks after a confirmation. Every change is
audited by the service. Values and notes are typed by buyers or admins: shown through safe_line
as Text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Select, Static

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.blocklist import KINDS, BlockInfo, add_block, list_blocks, remove_block
from inquiry_tui.tui.admin.panel import AdminPanel
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.confirm import ConfirmScreen
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import DiscardGuard, KeyLine
from inquiry_tui.tui.common.table import Table

KIND_LABELS = {"email": "e-mail", "member_id": "member id", "country": "country"}
PLACEHOLDERS = {
    "email": "e.g. promo@spam.example (any case)",
    "member_id": "e.g. sp-0000666 (exactly as the platform sends it)",
    "country": "code or name, e.g. CN or China",
}
CELL = 60  # characters of a value or note shown in the table (the whole value is at most 200)


def _key(kind: str, value: str) -> str:
    return f"{kind}:{value}"


def _shown(kind: str, value: str) -> Text:
    """'e-mail promo@x.example' as Text: the kind, then the value made safe (never markup)."""
    text = Text(f"{KIND_LABELS.get(kind, kind)} ")
    text.append(truncate(safe_line(value), CELL), style="bold")
    return text


class AddBlockDialog(DiscardGuard, Dialog[BlockInfo | None], WorkerErrors):
    """Kind, value and note; ctrl+s asks the service, which may refuse (shown here, nothing saved).

    Dismisses with the stored entry, or None on escape.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Block", id="block-add-ok"),
        Binding("escape", "close_form", "Cancel", id="block-add-cancel"),
    ]

    @dataclass
    class Blocked(Message):
        info: BlockInfo

    @dataclass
    class Refused(Message):
        message: str

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="block-dialog"):
            yield Label(Content("Block an e-mail, member id or country"), classes="dialog-title")
            yield Label("Kind")
            yield Select([(KIND_LABELS[k], k) for k in KINDS], allow_blank=False, value="email", id="block-kind")
            yield Label("Value")
            yield Input(placeholder=PLACEHOLDERS["email"], id="block-value", select_on_focus=False)
            yield Label("Note (why; shown in the list)")
            yield Input(placeholder="e.g. SEO spam", id="block-note", select_on_focus=False)
            yield Static("", id="block-error")
            yield KeyLine("ctrl+s (or enter in the note) blocks · escape cancels")

    def on_mount(self) -> None:
        self.query_one("#block-kind", Select).focus()

    @on(Select.Changed, "#block-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.query_one("#block-value", Input).placeholder = PLACEHOLDERS.get(str(event.value), "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "block-value":
            self.query_one("#block-note", Input).focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        if self._saving:
            return
        self._saving = True
        self._save(
            str(self.query_one("#block-kind", Select).value),
            self.query_one("#block-value", Input).value,
            self.query_one("#block-note", Input).value,
        )

    @work(thread=True, exclusive=True, group="admin-block-add", exit_on_error=False)
    def _save(self, kind: str, value: str, note: str) -> None:
        try:
            info = add_block(self.ctx, kind, value, note)
        except InquiryError as exc:
            self.post_message(self.Refused(str(exc)))
            return
        self.post_message(self.Blocked(info))

    @on(Blocked)
    def _blocked(self, event: Blocked) -> None:
        self.dismiss(event.info)

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self._saving = False
        text = Text(f"Not blocked: {safe_line(event.message)}", style="bold red")
        self.query_one("#block-error", Static).update(text)
        self.query_one("#block-value", Input).focus()


class BlockListPanel(AdminPanel):
    FOCUS = "#blocks-table"
    SHOWS_TIMES = True
    BINDINGS = [
        Binding("n", "add_block", "Block", id="blocks-add"),
        Binding("x,delete", "remove_block", "Unblock", id="blocks-remove"),
        Binding("r", "refresh_blocks", "Refresh", id="blocks-refresh"),
    ]

    @dataclass
    class Loaded(Message):
        zone: tzinfo
        blocks: list[BlockInfo]
        keep: str | None

    @dataclass
    class Unblocked(Message):
        info: BlockInfo

    @dataclass
    class UnblockRefused(Message):
        message: str

    def __init__(self, ctx: Ctx, *, id: str | None = None) -> None:
        super().__init__(ctx, id=id)
        self.blocks: list[BlockInfo] = []

    def compose(self) -> ComposeResult:
        yield Static(
            Text(
                "Arrivals from a blocked e-mail, member id or country go straight to Deleted, with no auto-reply. "
                "n: block   x: unblock (inquiries already deleted stay there)",
                style="dim",
            ),
            classes="section-help",
        )
        yield Table(cursor_type="row", zebra_stripes=True, id="blocks-table")
        yield Static("", classes="status", id="blocks-status")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Kind", "Value", "Note", "Since")

    def reload(self) -> None:
        self._load()

    def action_refresh_blocks(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="admin-blocks", exit_on_error=False)
    def _load(self, keep: str | None = None) -> None:
        zone = clock.load(self.ctx)
        self.post_message(self.Loaded(zone, list_blocks(self.ctx), keep))

    @on(Loaded)
    def _fill(self, event: Loaded) -> None:
        self.zone, blocks, keep = event.zone, event.blocks, event.keep
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.blocks = blocks
        for b in blocks:
            table.add_row(
                KIND_LABELS.get(b.kind, b.kind),
                Text(truncate(safe_line(b.value), CELL)),
                Text(truncate(safe_line(b.note), CELL)) if b.note else Text("—", style="dim"),
                self.when(b.created_at),
                key=_key(b.kind, b.value),
            )
        if keep is not None:
            row = next((i for i, b in enumerate(blocks) if _key(b.kind, b.value) == keep), row)
        if blocks:
            table.move_cursor(row=min(row, len(blocks) - 1))

    def _current(self) -> BlockInfo | None:
        table = self.query_one(DataTable)
        if not self.blocks or table.cursor_row >= len(self.blocks):
            return None
        return self.blocks[table.cursor_row]

    def _done(self, message: Text, keep: str | None = None) -> None:
        self.query_one("#blocks-status", Static).update(message)
        self._load(keep)

    def _failed(self, message: str) -> None:
        self.set_status(safe_line(message), error=True, selector="#blocks-status")

    # --- block ----------------------------------------------------------------------------

    def action_add_block(self) -> None:
        def added(info: BlockInfo | None) -> None:
            if info is not None:
                self._done(
                    Text.assemble(
                        "Blocked ", _shown(info.kind, info.value), ". Its next arrivals go to Deleted.", style="green"
                    ),
                    _key(info.kind, info.value),
                )

        self.app.push_screen(AddBlockDialog(self.ctx), added)

    # --- unblock --------------------------------------------------------------------------

    def action_remove_block(self) -> None:
        block = self._current()
        if block is None:
            return
        message = Text.assemble(
            "Unblock ",
            _shown(block.kind, block.value),
            "? ",
            "Its next arrivals are judged normally again; inquiries already in Deleted stay there. This is recorded.",
        )

        def answered(ok: bool | None) -> None:
            if ok:
                self._remove(block.kind, block.value)

        self.app.push_screen(ConfirmScreen("Unblock", message, yes="Unblock", danger=True), answered)

    @work(thread=True, exclusive=True, group="admin-blocks-write", exit_on_error=False)
    def _remove(self, kind: str, value: str) -> None:
        try:
            info = remove_block(self.ctx, kind, value)
        except InquiryError as exc:
            self.post_message(self.UnblockRefused(f"Not unblocked: {exc}"))
            return
        self.post_message(self.Unblocked(info))

    @on(Unblocked)
    def _unblocked(self, event: Unblocked) -> None:
        info = event.info
        self._done(Text.assemble("Unblocked ", _shown(info.kind, info.value), ".", style="green"))

    @on(UnblockRefused)
    def _unblock_refused(self, event: UnblockRefused) -> None:
        self._failed(event.message)
        self._load()
