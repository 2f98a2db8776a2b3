"""CustomersScreen (`2`): the virtual customer list with search, filters, sorts and actions.

The salesperson's own customers, all for the admin. The highlighted customer's profile sits
on the right. Every service call runs in a thread worker; results come back to the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Static

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.activity import warm
from inquiry_tui.services.customers.listing import (
    SORTS,
    CustomerQuery,
    CustomerRow,
    PageKey,
    count_customers,
    customer_page,
)
from inquiry_tui.services.customers.manage import TransferResult, transfer_customer
from inquiry_tui.services.customers.profile import BuyerProfile, buyer_profile
from inquiry_tui.services.notes.notes import NoteRow
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.customers import CUSTOMERS_CSS
from inquiry_tui.tui.customers.customer_list import CustomerList
from inquiry_tui.tui.customers.filters import FilterScreen
from inquiry_tui.tui.customers.form import CustomerFormScreen
from inquiry_tui.tui.customers.profile import ProfileScreen
from inquiry_tui.tui.customers.profile_pane import ProfilePane
from inquiry_tui.tui.customers.recommendations import RecommendationsScreen
from inquiry_tui.tui.customers.tags import TagEditScreen
from inquiry_tui.tui.customers.transfer import TransferScreen
from inquiry_tui.tui.notes.note_dialog import NoteDialog

PAGE = 100
SORT_NAMES = {"last_contact": "last contact", "activity": "activity", "stars": "stars", "name": "name"}


def describe(query: CustomerQuery, total: int) -> Text:
    """The status line: count, order and filters (filter values are buyer-ish text: literal)."""
    text = Text(f"{total:,} customer{'s' if total != 1 else ''}", style="bold")
    text.append(f" · sorted by {SORT_NAMES[query.sort]}")
    parts = [f"{k}={v}" for k, v in (("group", query.group), ("type", query.type), ("source", query.source)) if v]
    if query.stars is not None:
        parts.append(f"stars={query.stars}")
    if query.stage:
        parts.append(f"stage={query.stage}")
    parts += [f"tag={t}" for t in query.tags]
    if parts:
        text.append(" · filters: ")
        text.append(truncate(safe_line(", ".join(parts)), 80), style="italic")
    return text


NARROW = 110  # below this many columns the profile pane is folded away (p shows it)


class CustomersScreen(Screen[None], WorkerErrors):
    # The list takes the focus as the screen is built (Textual's first focusable is the search field above it):
    # keys typed while it opens go to the list, not into the field.
    AUTO_FOCUS = "#customer-list"
    CSS_PATH = CUSTOMERS_CSS
    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="customers-search"),
        Binding("f", "edit_filters", "Filter", id="customers-filter"),
        Binding("o", "cycle_sort", "Sort", id="customers-sort"),
        Binding("n", "add_customer", "Add", id="customers-add"),
        Binding("e", "edit_customer", "Edit", id="customers-edit"),
        Binding("t", "edit_tags", "Tags", id="customers-tags"),
        Binding("x", "transfer_customer", "Transfer", id="customers-transfer"),
        Binding(
            "N", "leave_note", "Note", show=False, id="customers-note", tooltip="leave a note for its owner (admin)"
        ),
        Binding("r", "open_recommendations", "Recommended", id="customers-recommended"),
        Binding("p", "toggle_profile", "Profile", id="customers-profile", tooltip="show / hide the buyer profile"),
        Binding("escape", "leave_search", "List", show=False, id="customers-leave-search"),
    ]

    @dataclass
    class FirstPageLoaded(Message):
        query: CustomerQuery
        generation: int
        total: int
        rows: list[CustomerRow]
        next_key: PageKey | None

    @dataclass
    class MoreLoaded(Message):
        generation: int
        start: PageKey
        rows: list[CustomerRow]
        next_key: PageKey | None

    @dataclass
    class RollupWarmed(Message):
        """Every buyer's activity level is up to date: the list is read again."""

    @dataclass
    class ProfileLoaded(Message):
        buyer_id: int
        profile: BuyerProfile | None

    @dataclass
    class Transferred(Message):
        result: TransferResult

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.query_state = CustomerQuery()
        self.generation = 0
        self.next_key: PageKey | None = None
        self._search_timer: Timer | None = None
        self.profile_wanted: bool | None = None  # None: shown when the terminal is wide enough

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="customers-body"):
            with Vertical(id="customers-main"):
                yield Input(placeholder="/ search name, company or e-mail", id="customer-search", compact=True)
                yield Static("", id="customers-status")
                yield CustomerList(id="customer-list")
            yield ProfilePane(id="customer-profile")
        yield KeysFooter()

    def on_resize(self) -> None:
        self._fold_profile()

    def _fold_profile(self) -> None:
        wanted = self.size.width >= NARROW if self.profile_wanted is None else self.profile_wanted
        self.set_class(not wanted, "-hide-profile")

    def action_toggle_profile(self) -> None:
        self.profile_wanted = self.has_class("-hide-profile")
        self._fold_profile()

    def on_mount(self) -> None:
        self._fold_profile()
        self.run_query()
        self._warm_rollup()

    # --- querying --------------------------------------------------------------------------

    @on(clock.ZoneChanged)
    def _zone_changed(self) -> None:
        """The reader chose another zone (`Z`): the times again."""
        for pane in self.query(ProfilePane):
            pane.times_changed()
        self.run_query()

    def run_query(self) -> None:
        self.generation += 1
        self._first_page(self.query_state, self.generation)

    @work(thread=True, exclusive=True, group="customers-query", exit_on_error=False)
    def _first_page(self, query: CustomerQuery, generation: int) -> None:
        clock.load(self.ctx)  # the times are the reader's
        total = count_customers(self.ctx, query)
        page = customer_page(self.ctx, query, None, PAGE)
        self.post_message(self.FirstPageLoaded(query, generation, total, list(page.rows), page.next_key))

    @on(FirstPageLoaded)
    def _show_first(self, event: FirstPageLoaded) -> None:
        if event.generation != self.generation:
            return  # a newer query is on its way
        query, rows, key = event.query, event.rows, event.next_key
        self.next_key = key
        listing = self.query_one(CustomerList)
        listing.reset(event.total)
        listing.add_rows(rows, key is None)
        self.query_one("#customers-status", Static).update(describe(query, listing.total))
        if not rows:
            self.query_one(ProfilePane).profile = None

    @on(CustomerList.RowsWanted)
    def _rows_wanted(self, event: CustomerList.RowsWanted) -> None:
        listing = self.query_one(CustomerList)
        if self.next_key is not None:
            self._more(self.query_state, self.generation, self.next_key, event.upto - len(listing.rows))

    @work(thread=True, exclusive=True, group="customers-more", exit_on_error=False)
    def _more(self, query: CustomerQuery, generation: int, key: PageKey, wanted: int) -> None:
        # One keyset query however far the jump: the limit grows instead of the query count.
        page = customer_page(self.ctx, query, key, max(PAGE, wanted))
        self.post_message(self.MoreLoaded(generation, key, list(page.rows), page.next_key))

    @on(MoreLoaded)
    def _show_more(self, event: MoreLoaded) -> None:
        # A superseded worker may still finish (threads are not interrupted): only the page
        # that continues from where the list ends is taken.
        if event.generation == self.generation and event.start == self.next_key:
            self.next_key = event.next_key
            self.query_one(CustomerList).add_rows(event.rows, event.next_key is None)

    @work(thread=True, exclusive=True, group="customers-rollup", exit_on_error=False)
    def _warm_rollup(self) -> None:
        # Activity levels of every buyer: seconds on a big store, so in the background.
        try:
            warm(self.ctx)
        except InquiryError:
            return  # the levels stay as they were; the list is already shown
        self.post_message(self.RollupWarmed())

    @on(RollupWarmed)
    def _rollup_warmed(self) -> None:
        self.run_query()

    # --- search, filters, sort ----------------------------------------------------------

    @on(Input.Changed, "#customer-search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        value = event.value
        self._search_timer = self.set_timer(0.2, lambda: self._apply_search(value))

    def _apply_search(self, value: str) -> None:
        if value != self.query_state.search:
            self.query_state = CustomerQuery(**{**self.query_state.__dict__, "search": value})
            self.run_query()

    @on(Input.Submitted, "#customer-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._apply_search(event.value)
        self.query_one(CustomerList).focus()

    def action_focus_search(self) -> None:
        self.query_one("#customer-search", Input).focus()

    def action_leave_search(self) -> None:
        self.query_one(CustomerList).focus()

    def action_edit_filters(self) -> None:
        def done(query: CustomerQuery | None) -> None:
            if query is not None:
                self.query_state = query
                self.run_query()

        self.app.push_screen(FilterScreen(self.ctx, self.query_state), done)

    def action_cycle_sort(self) -> None:
        sort = SORTS[(SORTS.index(self.query_state.sort) + 1) % len(SORTS)]
        self.query_state = CustomerQuery(**{**self.query_state.__dict__, "sort": sort})
        self.notify(f"Sorted by {SORT_NAMES[sort]}", timeout=2)
        self.run_query()

    # --- the highlighted customer ----------------------------------------------------------

    @on(CustomerList.RowHighlighted)
    def _highlighted(self, event: CustomerList.RowHighlighted) -> None:
        if event.row is not None:
            self._load_profile(event.row.buyer_id)

    @work(thread=True, exclusive=True, group="customers-profile", exit_on_error=False)
    def _load_profile(self, buyer_id: int) -> None:
        try:
            profile = buyer_profile(self.ctx, buyer_id)
        except InquiryError:
            profile = None  # gone meanwhile: the pane shows no buyer
        self.post_message(self.ProfileLoaded(buyer_id, profile))

    @on(ProfileLoaded)
    def _show_profile(self, event: ProfileLoaded) -> None:
        current = self.query_one(CustomerList).current
        if current is not None and current.buyer_id == event.buyer_id:  # not a late answer for an old row
            self.query_one(ProfilePane).profile = event.profile

    @on(CustomerList.RowOpened)
    def _opened(self, event: CustomerList.RowOpened) -> None:
        self.app.push_screen(ProfileScreen(self.ctx, event.row.buyer_id), self._after_edit)

    def _after_edit(self, row: CustomerRow | None) -> None:
        if row is not None:
            self.query_one(CustomerList).replace_row(row)

    def _current(self) -> CustomerRow | None:
        row = self.query_one(CustomerList).current
        if row is None:
            self.notify("No customer selected.", severity="warning")
        return row

    def action_add_customer(self) -> None:
        def done(row: CustomerRow | None) -> None:
            if row is not None:
                self.notify(f"Saved customer {safe_line(row.email)}", markup=False)
                self.run_query()

        self.app.push_screen(CustomerFormScreen(self.ctx), done)

    def action_edit_customer(self) -> None:
        if (row := self._current()) is not None:
            self.app.push_screen(CustomerFormScreen(self.ctx, buyer_id=row.buyer_id), self._after_edit)

    def action_edit_tags(self) -> None:
        if (row := self._current()) is not None:
            self.app.push_screen(TagEditScreen(self.ctx, row), self._after_edit)

    def action_transfer_customer(self) -> None:
        if not self.ctx.actor.is_admin:
            self.notify("Only the admin (main account) can transfer customers.", severity="warning")
            return
        if (row := self._current()) is None:
            return

        def chosen(login: str | None) -> None:
            if login:
                self._transfer(row, login)

        self.app.push_screen(TransferScreen(self.ctx, row), chosen)

    def action_leave_note(self) -> None:
        """N: the admin leaves a note on the customer for its owner; ✎ marks it until they open it."""
        if not self.ctx.actor.is_admin:
            self.notify("Only the admin (main account) leaves notes.", severity="warning")
            return
        if (row := self._current()) is None:
            return
        if row.owner_login is None:
            self.notify("This customer has no owner yet: transfer it first (x).", severity="warning")
            return

        def left(note: NoteRow | None) -> None:
            if note is not None:
                self.notify(f"Note left for {note.to}.", markup=False)
                self.run_query()

        self.app.push_screen(
            NoteDialog(self.ctx, owner=row.owner_login, about=row.company or row.email, buyer_email=row.email), left
        )

    @work(thread=True, exclusive=True, group="customers-transfer", exit_on_error=False)
    def _transfer(self, row: CustomerRow, login: str) -> None:
        self.post_message(self.Transferred(transfer_customer(self.ctx, row.buyer_id, login)))

    @on(Transferred)
    def _transferred(self, event: Transferred) -> None:
        result = event.result
        self.notify(
            f"Transferred {safe_line(result.email)} from {result.from_login or 'nobody'} to {result.to_login}",
            markup=False,
        )
        self.run_query()

    def action_open_recommendations(self) -> None:
        self.app.push_screen(RecommendationsScreen(self.ctx))
