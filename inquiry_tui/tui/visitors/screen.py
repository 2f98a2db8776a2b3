"""VisitorsScreen (`9`): every visitor of the store, customer or not, most page views (or the latest visit) first.

The marketplace's "Visitor details": page views, region, common search terms, store pages,
products and sellers viewed across the site, the last visit. Filters: a search term (`/`), the
visits' region (`g`), customers or not (`c`); `o` switches the order. From the list a visitor
is added as a customer (`n`) or written to (`w`, outreach); `enter` opens the profile. The
list pages by keyset (`common.paged_list`); every service call runs in a thread worker.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

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
from inquiry_tui.services.customers.listing import CustomerRow
from inquiry_tui.services.customers.profile import BuyerProfile, buyer_profile
from inquiry_tui.services.customers.recommendations import OutreachStarted
from inquiry_tui.services.visitors.listing import COUNT_CAP, VisitorQuery, VisitorRow, count_visitors, visitor_page
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.common.paged_list import PagedList
from inquiry_tui.tui.customers.form import CustomerFormScreen
from inquiry_tui.tui.customers.outreach import OutreachScreen
from inquiry_tui.tui.customers.profile import ProfileScreen
from inquiry_tui.tui.customers.profile_pane import ProfilePane
from inquiry_tui.tui.visitors import VISITORS_CSS
from inquiry_tui.tui.visitors.columns import NARROW, NARROW_BELOW, WIDE, narrow_cells, wide_cells

PAGE = 100
PROFILE_FROM = 140  # the profile pane shows from this many columns (p toggles it)
SORT_NAMES = {"views": "most page views first", "recent": "latest visit first"}
CUSTOMER_NAMES = {None: "", True: "customers only", False: "not yet customers"}


def describe(query: VisitorQuery, total: int) -> Text:
    shown = f"{COUNT_CAP:,}+" if total > COUNT_CAP else f"{total:,}"
    text = Text(f"{shown} visitor{'s' if total != 1 else ''}", style="bold")
    text.append(f" · {SORT_NAMES[query.sort]}")
    parts = [CUSTOMER_NAMES[query.customer]] if query.customer is not None else []
    if query.country:
        parts.append(f"region {query.country}")
    if query.term:
        parts.append(f"searched {query.term}")
    if parts:
        text.append(" · ")
        text.append(truncate(safe_line(", ".join(parts)), 70), style="italic")  # typed values: literal
    return text


class VisitorsScreen(Screen[None], WorkerErrors):
    # The list takes the focus as the screen is built (Textual's first focusable is the search field above it):
    # keys typed while it opens go to the list, not into the field.
    AUTO_FOCUS = "#visitors-list"
    CSS_PATH = VISITORS_CSS
    BINDINGS = [
        Binding("slash", "focus_term", "Search term", id="visitors-term"),
        Binding("g", "focus_region", "Region", id="visitors-region"),
        Binding("c", "cycle_customers", "Customers?", id="visitors-customers", tooltip="all, customers, not yet"),
        Binding("o", "cycle_sort", "Sort", id="visitors-sort", tooltip="page views or the latest visit"),
        Binding("enter", "open_profile", "Profile", id="visitors-open"),
        Binding("n", "add_customer", "Add customer", id="visitors-add"),
        Binding("w", "start_outreach", "Outreach", id="visitors-outreach", tooltip="write to this visitor"),
        Binding("p", "toggle_profile", "Pane", show=False, id="visitors-pane", tooltip="show / hide the profile"),
        Binding("escape", "leave_filter", "List", show=False, id="visitors-leave-filter"),
    ]

    @dataclass
    class FirstLoaded(Message):
        generation: int
        total: int
        rows: list[VisitorRow]
        next_key: tuple[Any, int] | None

    @dataclass
    class MoreLoaded(Message):
        generation: int
        start: tuple[Any, int]
        rows: list[VisitorRow]
        next_key: tuple[Any, int] | None

    @dataclass
    class ProfileLoaded(Message):
        buyer_id: int
        profile: BuyerProfile | None

    @dataclass
    class Refused(Message):
        message: str

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.query_state = VisitorQuery()
        self.generation = 0
        self.total = 0
        self.next_key: tuple[Any, int] | None = None
        self.pane_wanted: bool | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="visitors-body"):
            with Vertical(id="visitors-main"):
                with Horizontal(id="visitors-filters"):
                    yield Input(placeholder="/ search term", id="visitors-term", compact=True, max_length=40)
                    yield Input(placeholder="g region (DE)", id="visitors-region", compact=True, max_length=2)
                yield Static("", id="visitors-status")
                yield PagedList(WIDE, wide_cells, empty="No visitor matches", id="visitors-list")
            yield ProfilePane(id="visitors-profile")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._fit()
        self.run_query()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        wanted = self.size.width >= PROFILE_FROM if self.pane_wanted is None else self.pane_wanted
        self.set_class(not wanted, "-hide-profile")
        listing = self.query_one(PagedList)
        narrow = self.size.width < NARROW_BELOW
        listing.columns, listing.cells = (NARROW, narrow_cells) if narrow else (WIDE, wide_cells)
        listing.refresh()

    def action_toggle_profile(self) -> None:
        self.pane_wanted = self.has_class("-hide-profile")
        self._fit()

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

    @work(thread=True, exclusive=True, group="visitors-query", exit_on_error=False)
    def _first_page(self, query: VisitorQuery, generation: int) -> None:
        clock.load(self.ctx)  # the times are the reader's
        try:
            total = count_visitors(self.ctx, query)
            page = visitor_page(self.ctx, query, None, PAGE)
        except InquiryError as exc:
            self.post_message(self.Refused(str(exc)))
            return
        self.post_message(self.FirstLoaded(generation, total, list(page.rows), page.next_key))

    @on(FirstLoaded)
    def _show_first(self, event: FirstLoaded) -> None:
        if event.generation != self.generation:
            return
        self.next_key = event.next_key
        self.total = event.total
        listing = self.query_one(PagedList)
        listing.reset(min(event.total, COUNT_CAP) if event.next_key else event.total)
        listing.add_rows(event.rows, event.next_key is None)
        self.query_one("#visitors-status", Static).update(describe(self.query_state, self.total))

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self.notify(safe_line(event.message), severity="warning", markup=False)

    @on(PagedList.RowsWanted)
    def _rows_wanted(self, event: PagedList.RowsWanted) -> None:
        if self.next_key is not None:
            wanted = event.upto - len(self.query_one(PagedList).rows)
            self._more(self.query_state, self.generation, self.next_key, wanted)

    @work(thread=True, exclusive=True, group="visitors-more", exit_on_error=False)
    def _more(self, query: VisitorQuery, generation: int, key: tuple[Any, int], wanted: int) -> None:
        page = visitor_page(self.ctx, query, key, max(PAGE, wanted))
        self.post_message(self.MoreLoaded(generation, key, list(page.rows), page.next_key))

    @on(MoreLoaded)
    def _show_more(self, event: MoreLoaded) -> None:
        if event.generation == self.generation and event.start == self.next_key:
            self.next_key = event.next_key
            self.query_one(PagedList).add_rows(event.rows, event.next_key is None)

    # --- the highlighted visitor ---------------------------------------------------------------

    @on(PagedList.RowHighlighted)
    def _highlighted(self, event: PagedList.RowHighlighted) -> None:
        if event.row is None:
            self.query_one(ProfilePane).profile = None
        elif not self.has_class("-hide-profile"):
            self._load_profile(event.row.buyer_id)

    @work(thread=True, exclusive=True, group="visitors-profile", exit_on_error=False)
    def _load_profile(self, buyer_id: int) -> None:
        try:
            profile = buyer_profile(self.ctx, buyer_id)
        except InquiryError:
            profile = None
        self.post_message(self.ProfileLoaded(buyer_id, profile))

    @on(ProfileLoaded)
    def _show_profile(self, event: ProfileLoaded) -> None:
        current = self.query_one(PagedList).current
        if current is not None and current.buyer_id == event.buyer_id:
            self.query_one(ProfilePane).profile = event.profile

    def _current(self) -> VisitorRow | None:
        row = self.query_one(PagedList).current
        if row is None:
            self.notify("No visitor selected.", severity="warning")
        return row if isinstance(row, VisitorRow) else None

    # --- filters and order -------------------------------------------------------------------------

    @on(Input.Changed)
    def _filter_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.3, self._apply_filters)

    @on(Input.Submitted)
    def _filter_submitted(self) -> None:
        self._apply_filters()
        self.query_one(PagedList).focus()

    def _apply_filters(self) -> None:
        term = self.query_one("#visitors-term", Input).value.strip() or None
        region = self.query_one("#visitors-region", Input).value.strip().upper() or None
        if region is not None and len(region) < 2:
            return  # still typing the code
        query = replace(self.query_state, term=term, country=region)
        if query != self.query_state:
            self.query_state = query
            self.run_query()

    def action_focus_term(self) -> None:
        self.query_one("#visitors-term", Input).focus()

    def action_focus_region(self) -> None:
        self.query_one("#visitors-region", Input).focus()

    def action_leave_filter(self) -> None:
        self.query_one(PagedList).focus()

    def action_cycle_customers(self) -> None:
        following = {None: True, True: False, False: None}[self.query_state.customer]
        self.query_state = replace(self.query_state, customer=following)
        self.run_query()

    def action_cycle_sort(self) -> None:
        sort = "recent" if self.query_state.sort == "views" else "views"
        self.query_state = replace(self.query_state, sort=sort)
        self.notify(f"Sorted by {SORT_NAMES[sort]}", timeout=2)
        self.run_query()

    # --- actions -------------------------------------------------------------------------------------

    def action_open_profile(self) -> None:
        if (row := self._current()) is not None:
            self.app.push_screen(ProfileScreen(self.ctx, row.buyer_id), self._after_change)

    def action_add_customer(self) -> None:
        row = self._current()
        if row is None:
            return
        if row.customer:
            self.notify(f"{safe_line(row.email)} is a customer already.", severity="warning", markup=False)
            return
        self.app.push_screen(CustomerFormScreen(self.ctx, buyer_id=row.buyer_id), self._after_change)

    def _after_change(self, row: CustomerRow | None) -> None:
        if row is not None:
            self.notify(f"Saved customer {safe_line(row.email)}", markup=False)
            listing = self.query_one(PagedList)
            current = listing.current
            if isinstance(current, VisitorRow) and current.buyer_id == row.buyer_id:
                updated = replace(current, customer=True, owner_login=row.owner_login)
                listing.replace_row(lambda old: isinstance(old, VisitorRow) and old.buyer_id == row.buyer_id, updated)

    def action_start_outreach(self) -> None:
        row = self._current()
        if row is None:
            return
        terms = ", ".join(row.search_terms[:3])
        reason = f"{row.page_views} page views, last visit {clock.day(row.last_visit)}" + (
            f", searched {terms}" if terms else ""
        )

        def done(started: OutreachStarted | None) -> None:
            if started is not None:
                self.notify(f"Started thread #{started.inquiry_id} (in Sent), owner {started.owner_login}")

        self.app.push_screen(OutreachScreen(self.ctx, row.buyer_id, row.name or row.email, reason), done)
