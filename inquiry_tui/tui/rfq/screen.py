"""RfqScreen (`4`): the RFQ market, newest first, with keywords, filters, recommendation, junk and my quotes.

Four views of one virtual list (`common.paged_list`): the market (open only by default,
expired RFQs dimmed when shown), the recommended RFQs with their reasons, the junk RFQs with
theirs, and my quotes with their status. The highlighted RFQ sits in full on the right (folded
away on narrow terminals; `p` shows it). `enter` quotes it (or changes our quote, once);
the company's quota is on the status line and in the quote form. Every service call runs in a
thread worker whose result comes back as a message.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Static
from textual.worker import get_current_worker

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.rfq.market import Quota
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.domain.vocabulary import QuoteStatus, RfqStatus
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.profile import buyer_profile
from inquiry_tui.services.rfq.market import (
    COUNT_CAP,
    QUICK_COUNT_CAP,
    RfqQuery,
    count_rfqs,
    first_rfq_page,
    rfq_detail,
    rfq_page,
)
from inquiry_tui.services.rfq.quotes import QuoteResult, QuoteRow, mark_won, my_quotes, quota, quote_of
from inquiry_tui.services.rfq.recommend import recommended_rfqs
from inquiry_tui.services.rfq.rows import RfqRow
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.common.paged_list import Columns, PagedList
from inquiry_tui.tui.rfq import RFQ_CSS
from inquiry_tui.tui.rfq import columns as cols
from inquiry_tui.tui.rfq.detail import RfqDetailPane, RfqPaneData
from inquiry_tui.tui.rfq.filters import RfqFilterScreen
from inquiry_tui.tui.rfq.quote_form import QuoteFormScreen
from inquiry_tui.tui.rfq.subscriptions import SubscriptionsScreen
from inquiry_tui.tui.rfq.won import WonScreen

PAGE = 100
NARROW = 110  # below this many columns the detail pane is folded away (p shows it)


class RfqView(StrEnum):
    MARKET = "market"
    RECOMMENDED = "recommended"
    JUNK = "junk"
    QUOTES = "quotes"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    RfqView.MARKET: "Market",
    RfqView.RECOMMENDED: "Recommended",
    RfqView.JUNK: "Junk",
    RfqView.QUOTES: "My quotes",
}
_KEYS = {RfqView.MARKET: "A", RfqView.RECOMMENDED: "R", RfqView.JUNK: "J", RfqView.QUOTES: "M"}
_SHAPES: dict[RfqView, tuple[Columns, Any, Any]] = {
    RfqView.MARKET: (cols.MARKET, cols.market_cells, cols.rfq_style),
    RfqView.RECOMMENDED: (cols.RECOMMENDED, cols.recommended_cells, cols.rfq_style),
    RfqView.JUNK: (cols.JUNK, cols.junk_cells, None),
    RfqView.QUOTES: (cols.QUOTES, cols.quote_cells, cols.quote_style),
}
_EMPTY = {
    RfqView.MARKET: "No RFQ matches these keywords and filters",
    RfqView.RECOMMENDED: "No open RFQ fits the catalogue (or all are quoted)",
    RfqView.JUNK: "No junk RFQs",
    RfqView.QUOTES: "No quotes yet: enter on an open RFQ quotes it",
}


def view_bar(current: RfqView) -> Content:
    """The views and their keys, the current one marked (our own words only)."""
    parts: list[tuple[str, str] | str] = []
    for view in RfqView:
        if parts:
            parts.append("  ")
        style = "bold reverse" if view is current else "dim"
        parts.append((f" {_KEYS[view]} {view.label} ", style))
    return Content.assemble(*parts)


def describe(view: RfqView, query: RfqQuery, total: int, quota_now: Quota | None, counted_to: int = COUNT_CAP) -> Text:
    """The status line: count (COUNTED_TO+ when it went past: the count stopped there), order, filters
    (literal: the filter values were typed), quota."""
    shown = f"{counted_to:,}+" if total > counted_to else f"{total:,}"
    noun = "quote" if view is RfqView.QUOTES else "RFQ"
    text = Text(f"{shown} {noun}{'s' if total != 1 else ''}", style="bold")
    order = {
        RfqView.MARKET: "newest first",
        RfqView.RECOMMENDED: "best fit first",
        RfqView.JUNK: "newest first",
        RfqView.QUOTES: "newest first",
    }[view]
    text.append(f" · {order}")
    if view is not RfqView.QUOTES:
        parts = []
        if query.open_only and view is RfqView.MARKET:
            parts.append("open only")
        if query.words:
            parts.append("keywords " + " ".join(query.words))
        if query.category:
            parts.append(f"category {query.category}")
        if query.destination:
            parts.append(f"to {query.destination}")
        if query.min_quantity is not None or query.max_quantity is not None:
            lo = "" if query.min_quantity is None else f"{query.min_quantity:g}"
            hi = "" if query.max_quantity is None else f"{query.max_quantity:g}"
            parts.append(f"quantity {lo}-{hi}")
        if parts:
            text.append(" · ")
            text.append(truncate(safe_line(", ".join(parts)), 70), style="italic")
    if quota_now is not None:
        text.append("  │  quota ")
        text.append(f"{quota_now.used}/{quota_now.limit}", style="bold")
        text.append(f" in {quota_now.month}, ")
        text.append(f"{quota_now.left} left", style="green" if quota_now.left else "bold red")
    return text


class RfqScreen(Screen[None], WorkerErrors):
    # The list takes the focus as the screen is built (Textual's first focusable is the search field above it):
    # keys typed while it opens go to the list, not into the field.
    AUTO_FOCUS = "#market-list"
    CSS_PATH = RFQ_CSS
    BINDINGS = [
        Binding("slash", "focus_keywords", "Keywords", id="market-keywords"),
        Binding("f", "edit_filters", "Filter", id="market-filter"),
        Binding("o", "toggle_open", "Open only", show=False, id="market-open", tooltip="show expired RFQs too, or not"),
        Binding("enter", "quote", "Quote", id="market-quote", tooltip="quote the RFQ, or change your quote once"),
        Binding("w", "mark_won", "Won", show=False, id="market-won", tooltip="your quote was won by an order"),
        Binding("s", "edit_subscriptions", "Follow", id="market-follow", tooltip="keywords that notify you"),
        Binding("p", "toggle_detail", "Detail", show=False, id="market-detail", tooltip="show / hide the RFQ"),
        Binding("A", "show_view('market')", "Market", show=False, id="view-market"),
        Binding("R", "show_view('recommended')", "Recommended", id="view-recommended"),
        Binding("J", "show_view('junk')", "Junk", show=False, id="view-junk"),
        Binding("M", "show_view('quotes')", "My quotes", id="view-quotes"),
        Binding("escape", "leave_keywords", "List", show=False, id="market-leave-keywords"),
    ]
    HELP = (
        "Views: A market (open RFQs; o shows expired ones too, dimmed), R recommended (fit to our catalogue "
        "and the buyer, with why), J junk (with why), M my quotes (sent, answered, won, expired)."
    )

    @dataclass
    class FirstLoaded(Message):
        generation: int
        total: int
        rows: list[Any]
        next_key: tuple[datetime, int] | None

    @dataclass
    class Counted(Message):
        """The exact count (up to COUNT_CAP) of a list first shown with a quick one."""

        generation: int
        total: int

    @dataclass
    class MoreLoaded(Message):
        generation: int
        start: tuple[datetime, int]
        rows: list[RfqRow]
        next_key: tuple[datetime, int] | None

    @dataclass
    class DetailLoaded(Message):
        rfq_id: int
        data: RfqPaneData | None

    @dataclass
    class QuotaLoaded(Message):
        quota: Quota

    @dataclass
    class Won(Message):
        quote: QuoteRow

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.view = RfqView.MARKET
        self.query_state = RfqQuery(open_only=True)
        self.generation = 0
        self.total = 0
        self.counted_to = COUNT_CAP  # the count stopped here (QUICK_COUNT_CAP until the exact one comes)
        self.next_key: tuple[datetime, int] | None = None
        self.quota_now: Quota | None = None
        self.pane_data: RfqPaneData | None = None
        self.detail_wanted: bool | None = None  # None: shown when the terminal is wide enough
        self._keyword_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="market-body"):
            with Vertical(id="market-main"):
                yield Input(placeholder="/ keywords in title or description", id="market-keywords", compact=True)
                yield Static(view_bar(self.view), id="market-views")
                yield Static("", id="market-status")
                columns, cells, style = _SHAPES[self.view]
                yield PagedList(columns, cells, row_style=style, empty=_EMPTY[self.view], id="market-list")
            yield RfqDetailPane(id="market-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._fold_detail()
        self.run_query()
        self._load_quota()

    def on_resize(self) -> None:
        self._fold_detail()

    def _fold_detail(self) -> None:
        wanted = self.size.width >= NARROW if self.detail_wanted is None else self.detail_wanted
        self.set_class(not wanted, "-hide-detail")

    def action_toggle_detail(self) -> None:
        self.detail_wanted = self.has_class("-hide-detail")
        self._fold_detail()

    # --- querying --------------------------------------------------------------------------

    @on(clock.ZoneChanged)
    def _zone_changed(self) -> None:
        """The reader chose another zone (`Z`): the times again."""
        self.run_query()

    def run_query(self) -> None:
        self.generation += 1
        self.query_one("#market-views", Static).update(view_bar(self.view))
        if self.view is RfqView.QUOTES:
            self._load_quotes(self.generation)
        elif self.view is RfqView.RECOMMENDED:
            self._load_recommended(self.query_state, self.generation)
        else:
            query = replace(self.query_state, junk=self.view is RfqView.JUNK)
            if query.junk:
                query = replace(query, open_only=False)
            self._first_page(query, self.generation)

    @work(thread=True, exclusive=True, group="market-query", exit_on_error=False)
    def _first_page(self, query: RfqQuery, generation: int) -> None:
        clock.load(self.ctx)  # the times are the reader's
        # The page first, with a count that stops early (a page not full is its own count), from one read
        # of a keyword's hits; the exact count of a long list follows: counting a common word's ten
        # thousand hits takes longer than the page.
        page, total = first_rfq_page(self.ctx, query, PAGE, cap=QUICK_COUNT_CAP)
        self.post_message(self.FirstLoaded(generation, total, list(page.rows), page.next_key))
        if total > QUICK_COUNT_CAP and not get_current_worker().is_cancelled:  # not when a newer query came
            self.post_message(self.Counted(generation, count_rfqs(self.ctx, query)))

    @work(thread=True, exclusive=True, group="market-query", exit_on_error=False)
    def _load_recommended(self, query: RfqQuery, generation: int) -> None:
        rows = recommended_rfqs(self.ctx, query)
        self.post_message(self.FirstLoaded(generation, len(rows), rows, None))

    @work(thread=True, exclusive=True, group="market-query", exit_on_error=False)
    def _load_quotes(self, generation: int) -> None:
        rows = my_quotes(self.ctx, everyone=self.ctx.actor.is_admin)
        self.post_message(self.FirstLoaded(generation, len(rows), rows, None))

    @on(FirstLoaded)
    def _show_first(self, event: FirstLoaded) -> None:
        if event.generation != self.generation:
            return  # a newer query is on its way
        self.next_key = event.next_key
        self.total = event.total
        self.counted_to = QUICK_COUNT_CAP if self.view in (RfqView.MARKET, RfqView.JUNK) else COUNT_CAP
        listing = self.query_one(PagedList)
        columns, cells, style = _SHAPES[self.view]
        listing.row_style = style
        listing.empty = _EMPTY[self.view]
        listing.reset(min(event.total, COUNT_CAP) if event.next_key else event.total, columns, cells)
        listing.add_rows(event.rows, event.next_key is None)
        self._describe()

    @on(Counted)
    def _show_count(self, event: Counted) -> None:
        if event.generation != self.generation:
            return
        self.total, self.counted_to = event.total, COUNT_CAP
        self.query_one(PagedList).set_total(min(event.total, COUNT_CAP))
        self._describe()

    def _describe(self) -> None:
        status = describe(self.view, self.query_state, self.total, self.quota_now, self.counted_to)
        self.query_one("#market-status", Static).update(status)

    @on(PagedList.RowsWanted)
    def _rows_wanted(self, event: PagedList.RowsWanted) -> None:
        if self.next_key is not None and self.view in (RfqView.MARKET, RfqView.JUNK):
            query = replace(self.query_state, junk=self.view is RfqView.JUNK)
            if query.junk:
                query = replace(query, open_only=False)
            wanted = event.upto - len(self.query_one(PagedList).rows)
            self._more(query, self.generation, self.next_key, wanted)

    @work(thread=True, exclusive=True, group="market-more", exit_on_error=False)
    def _more(self, query: RfqQuery, generation: int, key: tuple[datetime, int], wanted: int) -> None:
        page = rfq_page(self.ctx, query, key, max(PAGE, wanted))
        self.post_message(self.MoreLoaded(generation, key, list(page.rows), page.next_key))

    @on(MoreLoaded)
    def _show_more(self, event: MoreLoaded) -> None:
        if event.generation == self.generation and event.start == self.next_key:
            self.next_key = event.next_key
            self.query_one(PagedList).add_rows(event.rows, event.next_key is None)

    @work(thread=True, exclusive=True, group="market-quota", exit_on_error=False)
    def _load_quota(self) -> None:
        self.post_message(self.QuotaLoaded(quota(self.ctx)))

    @on(QuotaLoaded)
    def _quota_loaded(self, event: QuotaLoaded) -> None:
        self.quota_now = event.quota
        self._describe()

    # --- the highlighted RFQ -------------------------------------------------------------------

    @on(PagedList.RowHighlighted)
    def _highlighted(self, event: PagedList.RowHighlighted) -> None:
        row = event.row
        if row is None:
            self.pane_data = None
            self.query_one(RfqDetailPane).data = None
            return
        self._load_detail(row.rfq_id if isinstance(row, QuoteRow) else row.id)

    @work(thread=True, exclusive=True, group="market-detail", exit_on_error=False)
    def _load_detail(self, rfq_id: int) -> None:
        try:
            detail = rfq_detail(self.ctx, rfq_id)
        except InquiryError:
            self.post_message(self.DetailLoaded(rfq_id, None))  # gone meanwhile
            return
        try:
            profile = buyer_profile(self.ctx, detail.row.buyer_id)
        except InquiryError:
            profile = None  # another salesperson's buyer: the pane shows what the RFQ says
        quote = quote_of(self.ctx, rfq_id) if detail.row.quoted_by else None
        self.post_message(self.DetailLoaded(rfq_id, RfqPaneData(detail, profile, quote)))

    def _current_rfq_id(self) -> int | None:
        row = self.query_one(PagedList).current
        if row is None:
            return None
        return int(row.rfq_id if isinstance(row, QuoteRow) else row.id)

    @on(DetailLoaded)
    def _show_detail(self, event: DetailLoaded) -> None:
        if event.rfq_id == self._current_rfq_id():  # not a late answer for an old row
            self.pane_data = event.data
            self.query_one(RfqDetailPane).data = event.data

    # --- keywords, filters, views -----------------------------------------------------------

    @on(Input.Changed, "#market-keywords")
    def _keywords_changed(self, event: Input.Changed) -> None:
        if self._keyword_timer is not None:
            self._keyword_timer.stop()
        value = event.value
        self._keyword_timer = self.set_timer(0.3, lambda: self._apply_keywords(value))

    def _apply_keywords(self, value: str) -> None:
        words = tuple(value.split())
        if words != self.query_state.words:
            self.query_state = replace(self.query_state, words=words)
            if self.view is RfqView.QUOTES:
                self.view = RfqView.MARKET
            self.run_query()

    @on(Input.Submitted, "#market-keywords")
    def _keywords_submitted(self, event: Input.Submitted) -> None:
        self._apply_keywords(event.value)
        self.query_one(PagedList).focus()

    def action_focus_keywords(self) -> None:
        self.query_one("#market-keywords", Input).focus()

    def action_leave_keywords(self) -> None:
        self.query_one(PagedList).focus()

    def action_edit_filters(self) -> None:
        def done(query: RfqQuery | None) -> None:
            if query is not None:
                self.query_state = replace(query, junk=False)
                if self.view is RfqView.QUOTES:
                    self.view = RfqView.MARKET
                self.run_query()

        self.app.push_screen(RfqFilterScreen(self.ctx, self.query_state), done)

    def action_toggle_open(self) -> None:
        self.query_state = replace(self.query_state, open_only=not self.query_state.open_only)
        self.notify("Open RFQs only" if self.query_state.open_only else "Expired RFQs shown too (dimmed)", timeout=2)
        if self.view is RfqView.MARKET:
            self.run_query()

    def action_show_view(self, name: str) -> None:
        view = RfqView(name)
        if view is not self.view:
            self.view = view
            self.run_query()

    # --- quoting ----------------------------------------------------------------------------------

    def action_quote(self) -> None:
        row = self.query_one(PagedList).current
        if row is None:
            self.notify("No RFQ selected.", severity="warning")
            return
        data = self.pane_data
        rfq_id = self._current_rfq_id()
        loaded = data is not None and data.detail.row.id == rfq_id
        if isinstance(row, QuoteRow):
            if not loaded or data is None:
                self.notify("Still loading this quote; try again.", severity="warning")
                return
            self._open_form(data.detail.row, row)
            return
        if row.status is RfqStatus.JUNK:
            self.notify(f"RFQ {row.id} is junk; junk RFQs cannot be quoted.", severity="warning")
        elif row.status is RfqStatus.EXPIRED:
            self.notify(f"RFQ {row.id} has expired; it cannot be quoted.", severity="warning")
        elif row.quoted_by is None:
            self._open_form(row, None)
        elif loaded and data is not None and data.quote is not None:
            self._open_form(row, data.quote)
        else:
            self.notify(f"RFQ {row.id} was already quoted by {row.quoted_by}; one quote per RFQ.", severity="warning")

    def _open_form(self, row: RfqRow, quote: QuoteRow | None) -> None:
        if quote is not None and not quote.editable:
            why = "it was already edited once" if quote.edits else f"it is {quote.status}"
            self.notify(f"Your quote on RFQ {row.id} cannot be changed: {why}.", severity="warning")
            return
        if row.status is not RfqStatus.OPEN:
            self.notify(f"RFQ {row.id} is {row.status}; it cannot be quoted.", severity="warning")
            return

        def done(result: QuoteResult | None) -> None:
            if result is not None:
                self._quoted(row, result)

        self.app.push_screen(QuoteFormScreen(self.ctx, row, quote), done)

    def _quoted(self, row: RfqRow, result: QuoteResult) -> None:
        verb = "Changed your quote on" if result.edited else "Quoted"
        self.notify(
            f"{verb} RFQ {result.rfq_id}: thread #{result.inquiry_id} in the Inbox; {result.quota.describe()}",
            markup=False,
        )
        self.quota_now = result.quota
        if self.view is RfqView.QUOTES:
            self.run_query()
        else:
            listing = self.query_one(PagedList)
            listing.replace_row(
                lambda old: isinstance(old, RfqRow) and old.id == row.id, replace(row, quoted_by=self.ctx.actor.login)
            )
            self._describe()
            self._load_detail(row.id)

    def action_mark_won(self) -> None:
        row = self.query_one(PagedList).current
        quote = row if isinstance(row, QuoteRow) else self.pane_data.quote if self.pane_data else None
        if quote is None or (isinstance(row, RfqRow) and quote.rfq_id != row.id):
            self.notify("Highlight one of your quotes (M shows them) to mark it won.", severity="warning")
            return
        if quote.status is QuoteStatus.WON:
            self.notify(f"Already won by order {safe_line(quote.order_ref)}.", severity="warning", markup=False)
            return

        def done(order: str | None) -> None:
            if order:
                self._won(quote.rfq_id, order)

        self.app.push_screen(WonScreen(quote), done)

    @work(thread=True, exclusive=True, group="market-won", exit_on_error=False)
    def _won(self, rfq_id: int, order: str) -> None:
        self.post_message(self.Won(mark_won(self.ctx, rfq_id, order)))

    @on(Won)
    def _won_done(self, event: Won) -> None:
        self.notify(f"RFQ {event.quote.rfq_id} won by order {safe_line(event.quote.order_ref)}", markup=False)
        self.run_query()

    def action_edit_subscriptions(self) -> None:
        self.app.push_screen(SubscriptionsScreen(self.ctx))
