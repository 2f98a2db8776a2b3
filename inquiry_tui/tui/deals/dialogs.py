"""Small dialogs of the deals: where to save a PDF, which customer (search and pick), filters of the orders list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from inquiry_tui.domain.deals import OrderStatus
from inquiry_tui.domain.errors import InquiryError, ValidationError
from inquiry_tui.domain.filenames import user_path
from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.listing import CustomerQuery, CustomerRow, customer_page
from inquiry_tui.services.deals import orders
from inquiry_tui.services.deals.views import OrderQuery
from inquiry_tui.services.team.accounts import list_accounts
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import DiscardGuard, KeyLine
from inquiry_tui.tui.deals import DEALS_CSS


class SavePdfScreen(Dialog[Path | None]):
    """Dismisses with the PDF file to write (an existing one only after a second enter), or None."""

    CSS_PATH = DEALS_CSS
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="pdf-cancel")]

    def __init__(self, what: str, default_name: str) -> None:
        super().__init__()
        self.what = what
        self.default_name = default_name
        self._overwrite: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pdf-dialog"):
            yield Label(Content(f"Save {self.what} as PDF"), classes="dialog-title")
            yield KeyLine("File name · enter saves · escape cancels")
            yield Input(self.default_name, id="pdf-path")
            yield Static("", id="pdf-problem")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.query_one("#pdf-problem", Static)
        raw = event.value.strip()
        if not raw:
            problem.update(Text("Give a file name.", style="bold red"))
            return
        path = user_path(raw)
        path = path if path.is_absolute() else Path.cwd() / path
        if path.is_dir() or not path.parent.is_dir():
            problem.update(Text(f"{path.parent} is not a folder one can write a file into.", style="bold red"))
            return
        if path.exists() and self._overwrite != path:
            self._overwrite = path
            problem.update(Text(f"{path.name} exists; enter again to replace it.", style="bold yellow"))
            return
        self.dismiss(path)


class CustomerPickerScreen(Dialog[int | None], WorkerErrors):
    """ "Select customer": type part of a name, company or e-mail; enter picks (dismisses with the buyer id)."""

    CSS_PATH = DEALS_CSS
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="picker-cancel"),
        Binding("down", "to_list", "Results", show=False, id="picker-results"),
    ]

    @dataclass
    class Found(Message):
        search: str
        rows: list[CustomerRow]

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self._timer: Timer | None = None
        self.rows: list[CustomerRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker-dialog"):
            yield Label(Content("Select customer"), classes="dialog-title")
            yield Input(placeholder="name, company or e-mail", id="picker-search")
            yield OptionList(id="picker-results")
            yield KeyLine("enter picks · down to the list · escape cancels")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._search("")

    @on(Input.Changed, "#picker-search")
    def _changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        value = event.value
        self._timer = self.set_timer(0.15, lambda: self._search(value))

    @work(thread=True, exclusive=True, group="deals-picker", exit_on_error=False)
    def _search(self, text: str) -> None:
        page = customer_page(self.ctx, CustomerQuery(search=text, sort="name"), None, 50)
        self.post_message(self.Found(text, list(page.rows)))

    @on(Found)
    def _found(self, event: Found) -> None:
        if event.search != self.query_one("#picker-search", Input).value:
            return
        self.rows = event.rows
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            [
                Option(
                    Content(
                        f"{safe_line(r.name) or '—'} · {safe_line(r.company) or '—'} · {safe_line(r.email)} · {r.country or '??'}"
                    ),
                    id=str(r.buyer_id),
                )
                for r in event.rows
            ]
        )
        if event.rows:
            options.highlighted = 0

    @on(Input.Submitted, "#picker-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is not None and self.rows:
            option = options.get_option_at_index(options.highlighted)
            self.dismiss(int(option.id or 0))

    @on(OptionList.OptionSelected, "#picker-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    def action_to_list(self) -> None:
        self.query_one(OptionList).focus()


@dataclass(frozen=True)
class OrderFilter:
    """The orders list's filters as the reader gave them: the period in days (or months) of their clock.

    The period becomes UTC bounds only when the list is read (`query`), in the zone then in force: after `Z`
    the same days mean the reader's new days."""

    status: str | None = None
    customer: str | None = None
    owner: str | None = None
    since: str | None = None  # YYYY-MM-DD or YYYY-MM, inclusive
    until: str | None = None  # YYYY-MM-DD or YYYY-MM, inclusive

    def query(self, zone: tzinfo) -> OrderQuery:
        """The service's query: the period's UTC bounds in ZONE (one computation, not one per row)."""
        start, end = orders.period(self.since, self.until, zone)
        return OrderQuery(status=self.status, customer=self.customer, owner=self.owner, since=start, until=end)

    @property
    def period(self) -> str:
        """ "2026-11-01 to 2026-11-30", "from 2026-11", "to 2026-11-30", or "" for no period."""
        if self.since and self.until:
            return self.since if self.since == self.until else f"{self.since} to {self.until}"
        if self.since:
            return f"from {self.since}"
        return f"to {self.until}" if self.until else ""


class OrderFilterScreen(DiscardGuard, Dialog[OrderFilter | None], WorkerErrors):
    """Filter the orders list: status, customer, owner (admin), period (days or months of the reader's clock).

    Dismisses with the new filter."""

    CSS_PATH = DEALS_CSS
    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply", id="order-filter-apply"),
        Binding("ctrl+r", "clear", "Clear", id="order-filter-clear"),
        Binding("escape", "close_form", "Cancel", id="order-filter-cancel"),
    ]

    @dataclass
    class OwnersLoaded(Message):
        logins: list[str]

    def __init__(self, ctx: Ctx, current: OrderFilter) -> None:
        super().__init__()
        self.ctx = ctx
        self.query_in = current

    def compose(self) -> ComposeResult:
        q = self.query_in
        with Vertical(classes="dialog", id="order-filter-dialog"):
            yield Label(Content("Filter orders"), classes="dialog-title")
            with Horizontal(classes="form-row"):
                yield Label("Status", classes="form-label")
                yield Select(
                    [(s.value, s.value) for s in OrderStatus],
                    prompt="any",
                    id="of-status",
                    value=q.status or Select.NULL,
                )
            with Horizontal(classes="form-row"):
                yield Label("Customer", classes="form-label")
                yield Input(q.customer or "", placeholder="e-mail", id="of-customer", compact=True)
            with Horizontal(classes="form-row"):
                yield Label("Owner", classes="form-label")
                current = [(q.owner, q.owner)] if q.owner else []
                yield Select(
                    current,
                    prompt="any",
                    id="of-owner",
                    value=q.owner or Select.NULL,
                    disabled=not self.ctx.actor.is_admin,
                )
            with Horizontal(classes="form-row"):
                yield Label("Placed", classes="form-label")
                yield Input(q.since or "", placeholder="from YYYY-MM-DD or YYYY-MM", id="of-since", compact=True)
                yield Input(q.until or "", placeholder="to YYYY-MM-DD or YYYY-MM", id="of-until", compact=True)
            yield Static(Text(f"Days of your clock ({clock.zone_name()}), both included.", style="dim"))
            yield Static("", id="of-problem")
            yield KeyLine("ctrl+s apply · ctrl+r clear all · escape cancel")

    def on_mount(self) -> None:
        self.query_one("#of-status", Select).focus()
        if self.ctx.actor.is_admin:
            self._owners()

    @work(thread=True, exclusive=True, group="deals-owners", exit_on_error=False)
    def _owners(self) -> None:
        self.post_message(self.OwnersLoaded([a.login for a in list_accounts(self.ctx) if a.active]))

    @on(OwnersLoaded)
    def _show_owners(self, event: OwnersLoaded) -> None:
        select = self.query_one("#of-owner", Select)
        changed = self.form_changed()  # by the user, before the owners came
        current = select.value
        select.set_options([(login, login) for login in event.logins])
        if current is not Select.NULL and current in event.logins:
            select.value = current
        if not changed:
            self.mark_unchanged()

    def action_apply(self) -> None:
        status = self.query_one("#of-status", Select).value
        owner = self.query_one("#of-owner", Select).value
        since = self.query_one("#of-since", Input).value.strip()
        until = self.query_one("#of-until", Input).value.strip()
        chosen = OrderFilter(
            status=None if status is Select.NULL else str(status),
            customer=self.query_one("#of-customer", Input).value.strip() or None,
            owner=None if owner is Select.NULL else str(owner),
            since=since or None,
            until=until or None,
        )
        try:
            query = chosen.query(clock.zone())  # checked now: a bad date or an empty period is said here
            if query.since and query.until and query.since >= query.until:
                raise ValidationError("period: the start must be before the end")
        except InquiryError as exc:
            self.query_one("#of-problem", Static).update(Text(str(exc), style="bold red"))
            return
        self.dismiss(chosen)

    def action_clear(self) -> None:
        self.dismiss(OrderFilter())
