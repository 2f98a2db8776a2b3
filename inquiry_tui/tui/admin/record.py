"""Admin › Record: the allocation record of the past 30 days, filtered by account, rule and actor; export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Select, Static

from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.allocation.record import (
    AllocationFilter,
    AllocationPage,
    allocation_choices,
    allocation_page,
    export_allocations,
)
from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.admin.panel import AdminPanel
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.export_dialog import ExportScreen
from inquiry_tui.tui.common.table import Table

PAGE = 100
NEAR_END = 10  # rows from the bottom at which the next page is fetched
NARROW = 120  # columns; below, the highlighted row's reason is shown whole under the table


class AllocationRecordPanel(AdminPanel):
    FOCUS = "#record-table"
    SHOWS_TIMES = True
    BINDINGS = [
        Binding("e", "export_record", "Export", id="record-export"),
        Binding("r", "refresh_record", "Refresh", id="record-refresh"),
    ]

    @dataclass
    class ChoicesLoaded(Message):
        zone: tzinfo
        accounts: tuple[str, ...]
        rules: tuple[str, ...]
        actors: tuple[str, ...]

    @dataclass
    class PageLoaded(Message):
        generation: int  # pages of an older list (another filter, a refresh) are dropped
        filter: AllocationFilter
        page: AllocationPage

    @dataclass
    class Exported(Message):
        count: int
        path: Path

    def __init__(self, ctx: Ctx, *, id: str | None = None) -> None:
        super().__init__(ctx, id=id)
        self.cursor: tuple[datetime, int] | None = None
        self.filter = AllocationFilter()
        self.rows = 0
        self.fetching = False
        self.generation = 0
        self.reasons: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(
            Text(
                "Every allocation of the past 30 days: arrivals (system), reassignments, hand-overs, successors. "
                "e: export (csv / jsonl)",
                style="dim",
            ),
            classes="section-help",
        )
        with Horizontal(id="record-filters"):
            yield Select([], prompt="any account", id="record-account", type_to_search=False, compact=True)
            yield Select([], prompt="any rule", id="record-rule", type_to_search=False, compact=True)
            yield Select([], prompt="any actor", id="record-actor", type_to_search=False, compact=True)
        yield Table(cursor_type="row", zebra_stripes=True, id="record-table")
        # Narrow, the Why column is cut at the right: the highlighted row's reason, whole, under the table.
        yield Static("", id="record-why")
        yield Static("", classes="status", id="record-status")

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("When", "Inquiry", "From", "To", "Rule", "Actor", "Why")

    def reload(self) -> None:
        self._load_choices()

    @work(thread=True, exclusive=True, group="admin-record-choices", exit_on_error=False)
    def _load_choices(self) -> None:
        zone = clock.load(self.ctx)
        accounts, rules, actors = allocation_choices(self.ctx)
        self.post_message(self.ChoicesLoaded(zone, tuple(accounts), tuple(rules), tuple(actors)))

    @on(ChoicesLoaded)
    def _fill_choices(self, event: ChoicesLoaded) -> None:
        self.zone, accounts, rules, actors = event.zone, event.accounts, event.rules, event.actors
        self.query_one("#record-account", Select).set_options([(a, a) for a in accounts])
        self.query_one("#record-rule", Select).set_options([(r, r) for r in rules])
        self.query_one("#record-actor", Select).set_options([(a, a) for a in actors])
        self._restart()

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        event.stop()

        def value(selector: str) -> str | None:
            v = self.query_one(selector, Select).value
            return None if v is Select.NULL else str(v)

        flt = AllocationFilter(value("#record-account"), value("#record-rule"), value("#record-actor"))
        if flt != self.filter:
            self.filter = flt
            self._restart()

    def action_refresh_record(self) -> None:
        self._restart()

    def _restart(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self.reasons = []
        self.rows = 0
        self.cursor = None
        self.fetching = True
        self.generation += 1
        self._fetch(self.generation, self.filter, None)

    @work(thread=True, exclusive=True, group="admin-record-page", exit_on_error=False)
    def _fetch(self, generation: int, flt: AllocationFilter, after: tuple[datetime, int] | None) -> None:
        self.post_message(self.PageLoaded(generation, flt, allocation_page(self.ctx, flt, after=after, limit=PAGE)))

    @on(PageLoaded)
    def _append(self, event: PageLoaded) -> None:
        if event.generation != self.generation:
            return  # a newer list is on its way (a superseded worker still finishes)
        self.fetching = False
        page = event.page
        table = self.query_one(DataTable)
        for r in page.rows:
            table.add_row(
                self.when(r.at),
                str(r.inquiry_id),
                r.from_login or "—",
                r.to_login,
                r.rule,
                r.actor,
                Text(truncate(safe_line(r.reason), 80), style="dim"),
            )
            self.reasons.append(safe_line(r.reason))
        if self.rows == 0 and page.rows:
            self._show_why(0)
        self.rows += len(page.rows)
        self.cursor = page.next_cursor
        more = " (scroll for more)" if self.cursor else ""
        table.border_title = f"{self.rows} allocations{more}"
        if not self.rows:
            self.set_status("No allocations match in the past 30 days.", selector="#record-status")
        else:
            self.set_status("", selector="#record-status")

    @on(DataTable.RowHighlighted, "#record-table")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_why(event.cursor_row)
        if self.cursor is not None and not self.fetching and event.cursor_row >= self.rows - NEAR_END:
            self.fetching = True
            self._fetch(self.generation, self.filter, self.cursor)

    def _show_why(self, index: int) -> None:
        why = Text()
        if 0 <= index < len(self.reasons):
            why.append("Why: ", style="bold")
            why.append(self.reasons[index], style="dim")
        self.query_one("#record-why", Static).update(why)

    # --- export ---------------------------------------------------------------------------

    def action_export_record(self) -> None:
        flt = self.filter

        def chosen(target: tuple[Path, str] | None) -> None:
            if target is not None:
                self.set_status(f"Exporting to {target[0]}…", selector="#record-status")
                self._export(target[0], target[1], flt)

        note = "Exports what the filters show." if flt != AllocationFilter() else ""
        name = f"allocations-{clock.today(self.ctx.now(), self.zone)}.csv"  # the date the screen shows
        self.app.push_screen(ExportScreen("the allocation record (30 days)", name, note), chosen)

    @work(thread=True, exclusive=True, group="admin-record-export", exit_on_error=False)
    def _export(self, path: Path, fmt: str, flt: AllocationFilter) -> None:
        count = export_allocations(self.ctx, path, days=flt.days, fmt=fmt, flt=flt)
        self.post_message(self.Exported(count, path))

    @on(Exported)
    def _exported(self, event: Exported) -> None:
        self.set_status(f"Exported {event.count} allocations to {event.path}.", selector="#record-status")
