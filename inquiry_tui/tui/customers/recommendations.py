"""RecommendationsScreen (`r` on Customers): real-time marketing, buyers worth contacting now.

At most 200 rows, so a DataTable is fine here. `o` starts an outreach thread to the buyer.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.recommendations import OutreachStarted, RecommendedBuyer, recommended_buyers
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.common.table import Table
from inquiry_tui.tui.customers import CUSTOMERS_CSS
from inquiry_tui.tui.customers.outreach import OutreachScreen
from inquiry_tui.tui.customers.profile import ProfileScreen

COLUMNS = ("Score", "Act", "Hits", "Buyer", "Company", "CC", "Owner", "Last contact", "Why")


class RecommendationsScreen(Screen[None], WorkerErrors):
    CSS_PATH = CUSTOMERS_CSS
    BINDINGS = [
        # Priority: over the table's own enter. First: the footer lists priority keys first
        # once the table has the focus, and in BINDINGS order before; the same either way.
        Binding("enter", "open_profile", "Profile", id="recommended-profile", priority=True),
        Binding("o", "start_outreach", "Outreach", id="recommended-outreach"),
        Binding("ctrl+r", "refresh_list", "Refresh", id="recommended-refresh"),
        Binding("escape", "close_screen", "Back", id="recommended-back"),
    ]

    @dataclass
    class Loaded(Message):
        items: list[RecommendedBuyer]

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.items: list[RecommendedBuyer] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Recommended buyers: active, interested in what we sell, no contact for 30 days", id="recommend-status"
        )
        table: DataTable[Text | str] = Table(id="recommend-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.loading = True
        table.focus()
        self._load(False)

    @work(thread=True, exclusive=True, group="recommendations", exit_on_error=False)
    def _load(self, refresh: bool) -> None:
        try:
            items = recommended_buyers(self.ctx, refresh=refresh)
        except InquiryError:
            self.post_message(self.Loaded(self.items))  # the list stays as it was
            raise  # and the app says why
        self.post_message(self.Loaded(items))

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        items = event.items
        self.items = items
        table = self.query_one(DataTable)
        table.loading = False
        table.focus()  # a loading table may have let the focus go
        table.clear()
        for r in items:
            table.add_row(
                Text(str(r.score), style="bold"),
                str(r.level),
                str(r.intent_hits),
                Text(truncate(safe_line(r.name or r.email), 22)),
                Text(truncate(safe_line(r.company), 26)),
                r.country or "",
                Text(safe_line(r.owner_login or "-")),
                clock.day(r.last_contact_at, none="never"),
                Text(truncate(safe_line(r.reason), 80)),
                key=str(r.buyer_id),
            )
        status = Text(f"{len(items)} recommended buyer{'s' if len(items) != 1 else ''}", style="bold")
        status.append(" · active, interested in what we sell, no contact for 30 days · o outreach · enter profile")
        self.query_one("#recommend-status", Static).update(status)

    def _current(self) -> RecommendedBuyer | None:
        table = self.query_one(DataTable)
        if not self.items or not 0 <= table.cursor_row < len(self.items):
            return None
        return self.items[table.cursor_row]

    def action_open_profile(self) -> None:
        if (item := self._current()) is not None:
            self.app.push_screen(ProfileScreen(self.ctx, item.buyer_id))

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open_profile()

    def action_start_outreach(self) -> None:
        item = self._current()
        if item is None:
            return

        def sent(started: OutreachStarted | None) -> None:
            if started is not None:
                self.notify(
                    f"Outreach thread #{started.inquiry_id} started, owned by {started.owner_login} ({started.rule})."
                )
                self._load(False)

        self.app.push_screen(OutreachScreen(self.ctx, item.buyer_id, item.name or item.email, item.reason), sent)

    def action_refresh_list(self) -> None:
        self.query_one(DataTable).loading = True
        self._load(True)

    def action_close_screen(self) -> None:
        self.dismiss(None)
