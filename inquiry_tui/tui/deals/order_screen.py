"""OrderScreen: one order as a document, with its dated status history; move it on, cancel it, save a PDF.

m moves it to the next status (confirmed -> paid -> shipped -> completed), x cancels it (asked
first), p saves a PDF. Each change carries the version shown: a change someone made meanwhile
is refused and the order reloaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from inquiry_tui.domain import money
from inquiry_tui.domain.deals import OrderStatus, next_status
from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals import orders
from inquiry_tui.services.deals.views import OrderView
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.confirm import ConfirmScreen
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.deals import DEALS_CSS
from inquiry_tui.tui.deals.dialogs import SavePdfScreen


def history_text(view: OrderView) -> Text:
    text = Text("History\n", style="bold")
    for e in view.events:
        text.append(f"  {clock.stamp(e.at)}  ", style="dim")
        text.append(f"{e.from_status} → {e.to_status}" if e.from_status else f"placed ({e.to_status})")
        text.append(f"  by {e.actor}", style="dim")
        if e.note:
            text.append(f"  {safe_line(e.note)}", style="dim")
        text.append("\n")
    return text


class OrderScreen(Screen[None], WorkerErrors):
    CSS_PATH = DEALS_CSS
    BINDINGS = [
        Binding("m", "advance", "Next status", id="order-next", tooltip="confirmed → paid → shipped → completed"),
        Binding("x", "cancel_order", "Cancel order", id="order-cancel"),
        Binding("p", "export_pdf", "PDF", id="order-pdf", tooltip="save as a PDF file"),
        Binding("escape", "app.pop_screen", "Back", id="order-back"),
    ]

    @dataclass
    class Loaded(Message):
        view: OrderView
        text: str

    @dataclass
    class PdfSaved(Message):
        path: Path
        size: int

    def __init__(self, ctx: Ctx, order_id: int) -> None:
        super().__init__()
        self.ctx = ctx
        self.order_id = order_id
        self.view: OrderView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="order-head")
        with VerticalScroll(id="order-body"):
            yield Static("", id="order-text")
            yield Static("", id="order-history")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = clock.titled("Order")
        self._load()

    @work(thread=True, exclusive=True, group="order-view", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(
            self.Loaded(orders.order_detail(self.ctx, self.order_id), orders.order_text(self.ctx, self.order_id))
        )

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        v = self.view = event.view
        head = Text(f"Order {v.number} · {v.status.upper()} · {v.kind} · {v.source} · ", style="bold")
        head.append(money.shown(v.total, v.doc.currency), style="bold green")
        nxt = next_status(v.status)
        head.append(f"\nnext: {nxt} (m)" if nxt else "\nno further status", style="dim")
        self.query_one("#order-head", Static).update(head)
        self.query_one("#order-text", Static).update(Text(event.text))
        self.query_one("#order-history", Static).update(history_text(v))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.view is None or action not in ("advance", "cancel_order"):
            return True
        return next_status(self.view.status) is not None or None

    def action_advance(self) -> None:
        if self.view is not None and (nxt := next_status(self.view.status)) is not None:
            self._move(nxt.value, self.view.version)

    def action_cancel_order(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes and self.view is not None:
                self._move(OrderStatus.CANCELLED.value, self.view.version)

        self.app.push_screen(
            ConfirmScreen("Cancel this order?", "A cancelled order cannot change any more.", danger=True), answered
        )

    @work(thread=True, exclusive=True, group="order-move", exit_on_error=False)
    def _move(self, status: str, version: int) -> None:
        try:
            orders.set_order_status(self.ctx, self.order_id, status, expected_version=version)
        finally:
            self.post_message(
                self.Loaded(orders.order_detail(self.ctx, self.order_id), orders.order_text(self.ctx, self.order_id))
            )

    def action_export_pdf(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                self._pdf(path)

        name = self.view.number if self.view else str(self.order_id)
        self.app.push_screen(SavePdfScreen(f"order {name}", f"{name}.pdf"), chosen)

    @work(thread=True, exclusive=True, group="order-pdf", exit_on_error=False)
    def _pdf(self, path: Path) -> None:
        data = orders.order_pdf(self.ctx, self.order_id)
        path.write_bytes(data)
        self.post_message(self.PdfSaved(path, len(data)))

    @on(PdfSaved)
    def _pdf_saved(self, event: PdfSaved) -> None:
        self.notify(f"Saved {event.path} ({event.size:,} bytes).", markup=False)
