"""RfqFilterScreen (`f`): category, destination, quantity range and open only for the market list."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select, Static

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.rfq.market import RfqQuery, categories
from inquiry_tui.tui.common.check import Check
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import DiscardGuard, KeyLine
from inquiry_tui.tui.rfq import RFQ_CSS


def _number(text: str) -> float | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    return float(text)  # ValueError: the caller names the field


class RfqFilterScreen(DiscardGuard, Dialog[RfqQuery | None], WorkerErrors):
    """Dismisses with the query carrying the chosen filters (keywords kept), or None."""

    CSS_PATH = RFQ_CSS
    BINDINGS = [
        Binding("ctrl+s", "apply_filters", "Apply", id="rfq-filters-apply"),
        Binding("ctrl+r", "clear_filters", "Clear", id="rfq-filters-clear"),
        Binding("escape", "close_form", "Cancel", id="rfq-filters-cancel"),
    ]

    @dataclass
    class CategoriesLoaded(Message):
        names: tuple[str, ...]

    def __init__(self, ctx: Ctx, query: RfqQuery) -> None:
        super().__init__()
        self.ctx = ctx
        self.query_in = query

    def compose(self) -> ComposeResult:
        q = self.query_in
        with Vertical(id="rfq-filter-box"):
            yield Static("Filter the RFQ market", id="rfq-filter-title")
            with Horizontal(classes="field"):
                yield Label("Category", classes="field-label")
                options = [(safe_line(q.category), q.category)] if q.category else []
                yield Select(options, id="rf-category", prompt="any", value=q.category or Select.NULL, compact=True)
            with Horizontal(classes="field"):
                yield Label("To", classes="field-label")
                yield Input(q.destination or "", placeholder="destination: code or name, e.g. DE", id="rf-destination")
            with Horizontal(classes="field"):
                yield Label("Quantity", classes="field-label")
                yield Input(_shown(q.min_quantity), placeholder="at least", id="rf-min", classes="half")
                yield Input(_shown(q.max_quantity), placeholder="at most", id="rf-max", classes="half")
            yield Check("Open RFQs only", q.open_only, id="rf-open")
            yield Static("", id="rf-error")
            yield KeyLine("ctrl+s apply · ctrl+r clear all · escape cancel", id="rfq-filter-help")

    def on_mount(self) -> None:
        self.query_one("#rf-category", Select).focus()
        self._load_categories()

    @work(thread=True, exclusive=True, group="rfq-categories", exit_on_error=False)
    def _load_categories(self) -> None:
        try:
            names = categories(self.ctx)
        except InquiryError:
            return  # the picker keeps its current value; filtering still works
        self.post_message(self.CategoriesLoaded(names))

    @on(CategoriesLoaded)
    def _show_categories(self, event: CategoriesLoaded) -> None:
        select = self.query_one("#rf-category", Select)
        current = select.value
        select.set_options([(safe_line(n), n) for n in event.names])
        if current is not Select.NULL and current in event.names:
            select.value = current

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_apply_filters()

    def action_apply_filters(self) -> None:
        category = self.query_one("#rf-category", Select).value
        values: dict[str, float | None] = {}
        for name, widget in (("minimum quantity", "#rf-min"), ("maximum quantity", "#rf-max")):
            try:
                values[name] = _number(self.query_one(widget, Input).value)
            except ValueError:
                self._error(f"{name}: give a number")
                return
        query = replace(
            self.query_in,
            category=None if category is Select.NULL else str(category),
            destination=self.query_one("#rf-destination", Input).value.strip() or None,
            min_quantity=values["minimum quantity"],
            max_quantity=values["maximum quantity"],
            open_only=self.query_one("#rf-open", Checkbox).value,
        )
        try:
            query.checked()
        except InquiryError as exc:
            self._error(str(exc))
            return
        self.dismiss(query)

    def _error(self, message: str) -> None:
        self.query_one("#rf-error", Static).update(Text(safe_line(message), style="bold red"))

    def action_clear_filters(self) -> None:
        self.dismiss(RfqQuery(words=self.query_in.words, junk=self.query_in.junk))


def _shown(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
