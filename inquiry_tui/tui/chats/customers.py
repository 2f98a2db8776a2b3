"""CustomersFromChatsScreen (`c` in the chat manager): "Import from TM", choosing which chat buyers become customers.

Lists the chat buyers who are not customers yet (the newest 500; a salesperson's own chats),
filtered by typing; space ticks, `a` ticks all shown, enter makes the ticked ones customers.
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
from textual.widgets import Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.chats.customers import ChatBuyer, chat_buyers, make_customers
from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.chats import CHATS_CSS
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import KeyLine

SHOWN = 500


def buyer_label(b: ChatBuyer) -> Text:
    text = Text(truncate(safe_line(b.name) or "(no name)", 24), style="bold")
    text.append("  " + truncate(safe_line(b.email), 36), style="dim")
    if b.company:
        text.append("  " + truncate(safe_line(b.company), 28))
    text.append(f"  {b.chats} chat{'s' if b.chats != 1 else ''}", style="dim")
    return text


class CustomersFromChatsScreen(Dialog[int | None], WorkerErrors):
    """Dismisses with how many buyers became customers, or None."""

    CSS_PATH = CHATS_CSS
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Make customers", id="tm-customers-confirm"),
        Binding("ctrl+a", "tick_all", "Tick all shown", id="tm-customers-all"),
        Binding("escape", "cancel", "Cancel", id="tm-customers-cancel"),
    ]

    @dataclass
    class Listed(Message):
        buyers: list[ChatBuyer]

    @dataclass
    class Made(Message):
        added: int

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.buyers: list[ChatBuyer] = []
        self.ticked: set[int] = set()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide-dialog", id="tm-customers-dialog"):
            yield Label(Content("Import from TM: which chat buyers become customers?"), classes="dialog-title")
            yield Input(placeholder="Filter by name, e-mail or company", id="tm-customers-filter", compact=True)
            yield SelectionList[int](id="tm-customers-list")
            yield Static("", id="tm-customers-count")
            yield KeyLine("space ticks · ctrl+a ticks all shown · ctrl+s makes them customers · escape cancels")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()
        self._list()

    @work(thread=True, exclusive=True, group="tm-customers", exit_on_error=False)
    def _list(self) -> None:
        self.post_message(self.Listed(chat_buyers(self.ctx, only_new=True)))

    @on(Listed)
    def _listed(self, event: Listed) -> None:
        self.buyers = event.buyers
        self._fill("")

    def _fill(self, words: str) -> None:
        needle = words.strip().lower()
        shown = [b for b in self.buyers if not needle or needle in f"{b.name} {b.email} {b.company}".lower()][:SHOWN]
        selection = self.query_one(SelectionList)
        selection.clear_options()
        selection.add_options([Selection(buyer_label(b), b.buyer_id, b.buyer_id in self.ticked) for b in shown])
        self._count()

    def _count(self) -> None:
        more = f" (the newest {SHOWN} shown)" if len(self.buyers) > SHOWN else ""
        self.query_one("#tm-customers-count", Static).update(
            Text(f"{len(self.ticked)} ticked of {len(self.buyers)} chat buyers not yet customers{more}", style="dim")
        )

    @on(Input.Changed, "#tm-customers-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(SelectionList.SelectionToggled)
    def _toggled(self, event: SelectionList.SelectionToggled[int]) -> None:
        value = event.selection.value
        self.ticked.symmetric_difference_update({value})
        self._count()

    def action_tick_all(self) -> None:
        selection = self.query_one(SelectionList)
        selection.select_all()
        self.ticked.update(selection.selected)
        self._count()

    def action_confirm(self) -> None:
        if not self.ticked:
            self.notify("Tick the buyers to add first (space).", severity="warning")
            return
        self._make(sorted(self.ticked))

    @work(thread=True, exclusive=True, group="tm-customers-make", exit_on_error=False)
    def _make(self, ids: list[int]) -> None:
        self.post_message(self.Made(make_customers(self.ctx, ids)))

    @on(Made)
    def _made(self, event: Made) -> None:
        self.dismiss(event.added)

    def action_cancel(self) -> None:
        self.dismiss(None)
