"""DealsScreen (`3`): all orders, letters of intent and contract templates, each a virtual list.

O orders (with filters and the totals per currency of everything they match), L letters of
intent, T contract templates. n starts a new LOI (pick the customer) or template, enter opens
the row. A salesperson sees their own customers' deals; the admin everyone's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Header, Static

from inquiry_tui.domain import money
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals import lois, orders, templates
from inquiry_tui.services.deals.views import LoiRow, OrderKey, OrderQuery, OrderRow, OrderTotals, TemplateInfo
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.confirm import ConfirmScreen
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.deals import DEALS_CSS
from inquiry_tui.tui.deals.deal_list import DealList
from inquiry_tui.tui.deals.dialogs import CustomerPickerScreen, OrderFilter, OrderFilterScreen
from inquiry_tui.tui.deals.loi_editor import LoiEditorScreen
from inquiry_tui.tui.deals.loi_screen import LoiScreen
from inquiry_tui.tui.deals.order_screen import OrderScreen
from inquiry_tui.tui.deals.template_editor import TemplateEditorScreen

PAGE = 100
VIEWS = {"orders": "Orders", "lois": "Letters of intent", "templates": "Contract templates"}
ORDER_COLUMNS = (
    ("Number", 16, False),
    ("Placed", 10, False),
    ("Status", 9, False),
    ("Kind", 7, False),
    ("Customer", 0, False),
    ("Total", 16, True),
    ("Owner", 6, False),
)
LOI_COLUMNS = (
    ("LOI", 5, True),
    ("Status", 9, False),
    ("Customer", 22, False),
    ("Subject", 0, False),
    ("Total", 16, True),
    ("Owner", 6, False),
    ("Updated", 10, False),
)
TEMPLATE_COLUMNS = (
    ("Name", 26, False),
    ("Cur", 3, False),
    ("Subject", 0, False),
    ("By", 6, False),
    ("Updated", 10, False),
)


def order_cells(r: OrderRow) -> list[str]:
    return [
        r.number,
        clock.day(r.placed_at),
        r.status,
        r.kind,
        r.buyer_company or r.buyer_name or r.email,
        money.shown(r.total, r.currency),
        r.owner_login or "-",
    ]


def loi_cells(r: LoiRow) -> list[str]:
    return [
        str(r.id),
        r.status,
        r.buyer_company or r.email,
        r.subject,
        money.shown(r.total, r.currency),
        r.owner_login or "-",
        clock.day(r.updated_at),
    ]


def template_cells(t: TemplateInfo) -> list[str]:
    return [t.name, t.doc.currency, t.doc.subject, t.owner_login or "-", clock.day(t.updated_at)]


def describe(chosen: OrderFilter, totals: OrderTotals) -> Text:
    text = Text(f"{totals.orders:,} order{'s' if totals.orders != 1 else ''}", style="bold")
    sums = "; ".join(f"{money.shown(t.total, t.currency)} ({t.orders})" for t in totals.by_currency)
    if sums:
        text.append(" · totals ")
        text.append(sums, style="green")
    parts = [
        f"{k}={v}" for k, v in (("status", chosen.status), ("customer", chosen.customer), ("owner", chosen.owner)) if v
    ]
    if chosen.period:
        parts.append(f"placed {chosen.period}")  # the reader's days: the header names their zone
    if parts:
        text.append(" · filters: ")
        text.append(truncate(safe_line(", ".join(parts)), 60), style="italic")
    return text


class DealsScreen(Screen[None], WorkerErrors):
    CSS_PATH = DEALS_CSS
    BINDINGS = [
        Binding("O", "show_view('orders')", "Orders", id="deals-view-orders"),
        Binding("L", "show_view('lois')", "LOIs", id="deals-view-lois", tooltip="letters of intent"),
        Binding("T", "show_view('templates')", "Templates", id="deals-view-templates", tooltip="contract templates"),
        Binding("n", "new", "New", id="deals-new", tooltip="a new LOI (pick the customer), or a new template"),
        Binding("f", "filter_orders", "Filter", id="deals-filter", tooltip="orders by status, customer, owner, period"),
        Binding("c", "copy_template", "Copy", id="deals-copy", tooltip="copy the template under the cursor"),
        Binding("d", "delete_template", "Delete", id="deals-delete", tooltip="delete the template under the cursor"),
        Binding("r", "refresh", "Refresh", id="deals-refresh"),
    ]

    @dataclass
    class OrdersLoaded(Message):
        generation: int
        chosen: OrderFilter
        query: OrderQuery  # the filter's query in the zone the worker read
        rows: list[OrderRow]
        next_key: OrderKey | None
        totals: OrderTotals | None

    @dataclass
    class MoreOrders(Message):
        generation: int
        start: OrderKey
        rows: list[OrderRow]
        next_key: OrderKey | None

    @dataclass
    class LoisLoaded(Message):
        rows: list[LoiRow]
        more: bool
        first: bool

    @dataclass
    class TemplatesLoaded(Message):
        rows: list[TemplateInfo]

    @dataclass
    class TemplateChanged(Message):
        note: str

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.view = "orders"
        self.order_filter = OrderFilter()  # as the reader chose it (the period in their days)
        self.order_query = OrderQuery()  # what the list shows: the filter in the zone its rows were read in
        self.generation = 0
        self.next_key: OrderKey | None = None
        self.totals: OrderTotals | None = None
        self._loi_more = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="deals-tabs")
        yield Static("", id="deals-status")
        with ContentSwitcher(initial="orders", id="deals-views"):
            with Vertical(id="orders"):
                yield DealList(ORDER_COLUMNS, order_cells, narrow_hide=("Kind", "Owner"), id="order-list")
            with Vertical(id="lois"):
                yield DealList(LOI_COLUMNS, loi_cells, narrow_hide=("Owner", "Updated"), id="loi-list")
            with Vertical(id="templates"):
                yield DealList(TEMPLATE_COLUMNS, template_cells, narrow_hide=("By", "Updated"), id="template-list")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = clock.titled("Deals")
        self.query_one("#order-list", DealList).empty_text = "No orders match"
        self.query_one("#loi-list", DealList).empty_text = "No letters of intent yet: n drafts one (or L on an inquiry)"
        self.query_one("#template-list", DealList).empty_text = "No contract templates yet: n makes one"
        self.action_show_view("orders")

    def on_screen_resume(self) -> None:
        # Back from an LOI or order, or from another mode: what changed there shows here.
        if self.is_mounted:
            self.sub_title = clock.titled("Deals")
            self.action_refresh()

    @on(clock.ZoneChanged)
    def _zone_changed(self) -> None:
        """The reader chose another zone (`Z`): the times again."""
        self.on_screen_resume()

    def _list(self, view: str | None = None) -> DealList:
        return self.query_one(
            {"orders": "#order-list", "lois": "#loi-list", "templates": "#template-list"}[view or self.view], DealList
        )

    # --- views ---------------------------------------------------------------------------------

    def action_show_view(self, view: str) -> None:
        self.view = view
        self.query_one(ContentSwitcher).current = view
        tabs = Text()
        for name, title in VIEWS.items():
            key = {"orders": "O", "lois": "L", "templates": "T"}[name]
            tabs.append(f" {key} {title} ", style="bold reverse" if name == view else "dim")
            tabs.append(" ")
        self.query_one("#deals-tabs", Static).update(tabs)
        self._list().focus()
        self.refresh_bindings()
        self.action_refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter_orders":
            return self.view == "orders" or None
        if action in ("copy_template", "delete_template"):
            return self.view == "templates" or None
        return True

    def action_refresh(self) -> None:
        if self.view == "orders":
            self.generation += 1
            self._orders(self.order_filter, self.generation)
        elif self.view == "lois":
            self._lois(None)
        else:
            self._templates()

    # --- orders --------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="deals-orders", exit_on_error=False)
    def _orders(self, chosen: OrderFilter, generation: int) -> None:
        # The dates shown and the period filtered are the reader's days: the period's bounds in the zone read now.
        query = chosen.query(clock.load(self.ctx))
        page = orders.order_page(self.ctx, query, None, PAGE)
        self.post_message(self.OrdersLoaded(generation, chosen, query, list(page.rows), page.next_key, None))
        # The totals read every matching order: after the first page is on screen.
        totals = orders.order_totals(self.ctx, query)
        self.post_message(self.OrdersLoaded(generation, chosen, query, [], None, totals))

    @on(OrdersLoaded)
    def _show_orders(self, event: OrdersLoaded) -> None:
        if event.generation != self.generation:
            return
        self.sub_title = clock.titled("Deals")  # the zone the worker read (the dates are in it)
        self.order_query = event.query  # the next pages are read with the same bounds
        listing = self.query_one("#order-list", DealList)
        if event.totals is None:
            self.next_key = event.next_key
            listing.reset(len(event.rows) + (PAGE if event.next_key else 0), event.rows, event.next_key is None)
            self.query_one("#deals-status", Static).update(Text("Counting…", style="dim"))
            return
        self.totals = event.totals
        if not listing.complete:
            listing.total = event.totals.orders
            listing.on_resize()
        if self.view == "orders":
            self.query_one("#deals-status", Static).update(describe(event.chosen, event.totals))

    @on(DealList.RowsWanted, "#order-list")
    def _more_wanted(self, event: DealList.RowsWanted) -> None:
        if self.next_key is not None:
            self._more(self.order_query, self.generation, self.next_key, event.upto - len(event.deal_list.rows))

    @work(thread=True, exclusive=True, group="deals-more", exit_on_error=False)
    def _more(self, query: OrderQuery, generation: int, key: OrderKey, wanted: int) -> None:
        page = orders.order_page(self.ctx, query, key, max(PAGE, wanted))
        self.post_message(self.MoreOrders(generation, key, list(page.rows), page.next_key))

    @on(MoreOrders)
    def _add_orders(self, event: MoreOrders) -> None:
        if event.generation == self.generation and event.start == self.next_key:
            self.next_key = event.next_key
            self.query_one("#order-list", DealList).add_rows(event.rows, event.next_key is None)

    def action_filter_orders(self) -> None:
        def done(chosen: OrderFilter | None) -> None:
            if chosen is not None:
                self.order_filter = chosen
                self.action_refresh()

        self.app.push_screen(OrderFilterScreen(self.ctx, self.order_filter), done)

    # --- letters of intent and templates -------------------------------------------------------

    @work(thread=True, exclusive=True, group="deals-lois", exit_on_error=False)
    def _lois(self, before: int | None) -> None:
        clock.load(self.ctx)
        rows = lois.list_lois(self.ctx, before_id=before, limit=PAGE)
        self.post_message(self.LoisLoaded(rows, len(rows) == PAGE, before is None))

    @on(LoisLoaded)
    def _show_lois(self, event: LoisLoaded) -> None:
        self.sub_title = clock.titled("Deals")
        listing = self.query_one("#loi-list", DealList)
        self._loi_more = event.more
        if event.first:
            listing.reset(len(event.rows) + (PAGE if event.more else 0), event.rows, not event.more)
        else:
            listing.add_rows(event.rows, not event.more)
        if self.view == "lois":
            count = f"{listing.total:,}{'+' if event.more else ''}"
            self.query_one("#deals-status", Static).update(
                Text(f"{count} letters of intent · enter opens, n drafts one")
            )

    @on(DealList.RowsWanted, "#loi-list")
    def _more_lois(self, event: DealList.RowsWanted) -> None:
        rows = event.deal_list.rows
        if self._loi_more and rows:
            self._lois(rows[-1].id)

    @work(thread=True, exclusive=True, group="deals-templates", exit_on_error=False)
    def _templates(self) -> None:
        self.post_message(self.TemplatesLoaded(templates.list_templates(self.ctx)))

    @on(TemplatesLoaded)
    def _show_templates(self, event: TemplatesLoaded) -> None:
        self.query_one("#template-list", DealList).reset(len(event.rows), event.rows, True)
        if self.view == "templates":
            self.query_one("#deals-status", Static).update(
                Text(f"{len(event.rows)} contract templates · enter edits, n new, c copy, d delete")
            )

    # --- opening and making --------------------------------------------------------------------

    @on(DealList.RowOpened)
    def _opened(self, event: DealList.RowOpened) -> None:
        row: Any = event.row
        if isinstance(row, OrderRow):
            self.app.push_screen(OrderScreen(self.ctx, row.id), lambda _: self.action_refresh())
        elif isinstance(row, LoiRow):
            self.app.push_screen(LoiScreen(self.ctx, row.id), lambda _: self.action_refresh())
        elif isinstance(row, TemplateInfo):
            self.app.push_screen(TemplateEditorScreen(self.ctx, row.id), lambda _: self.action_refresh())

    def action_new(self) -> None:
        if self.view == "templates":
            self.app.push_screen(TemplateEditorScreen(self.ctx), lambda _: self.action_refresh())
            return

        def picked(buyer_id: int | None) -> None:
            if buyer_id:
                self.app.push_screen(LoiEditorScreen(self.ctx, buyer_id=buyer_id), self._drafted)

        self.app.push_screen(CustomerPickerScreen(self.ctx), picked)

    def _drafted(self, loi_id: int | None) -> None:
        if loi_id is not None:
            self.action_show_view("lois")
            self.app.push_screen(LoiScreen(self.ctx, loi_id), lambda _: self.action_refresh())

    def _template(self) -> TemplateInfo | None:
        row = self.query_one("#template-list", DealList).current
        if not isinstance(row, TemplateInfo):
            self.notify("No template selected.", severity="warning")
            return None
        return row

    def action_copy_template(self) -> None:
        if (t := self._template()) is not None:
            self._copy(t)

    @work(thread=True, exclusive=True, group="deals-template-change", exit_on_error=False)
    def _copy(self, t: TemplateInfo) -> None:
        taken = {x.name for x in templates.list_templates(self.ctx)}
        name = next(
            f"{t.name} (copy{'' if n == 1 else f' {n}'})"
            for n in range(1, 1000)
            if f"{t.name} (copy{'' if n == 1 else f' {n}'})" not in taken
        )
        copied = templates.copy_template(self.ctx, t.id, name)
        self.post_message(self.TemplateChanged(f"Copied to {copied.name}."))

    def action_delete_template(self) -> None:
        if (t := self._template()) is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(t)

        self.app.push_screen(
            ConfirmScreen(
                "Delete this template?", Text(f"{t.name}: LOIs drafted from it keep their text."), danger=True
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="deals-template-change", exit_on_error=False)
    def _delete(self, t: TemplateInfo) -> None:
        name = templates.delete_template(self.ctx, t.id, expected_version=t.version)
        self.post_message(self.TemplateChanged(f"Deleted {name}."))

    @on(TemplateChanged)
    def _template_changed(self, event: TemplateChanged) -> None:
        self.notify(event.note, markup=False)
        self.action_refresh()
