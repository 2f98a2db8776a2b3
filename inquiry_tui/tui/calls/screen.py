"""CallsScreen (`7`): appointment requests to confirm (`c`) or decline (`x`), the call log, the answer rate.

It opens on the appointment requests (pending first in time order, newest first); `a` shows
every call, `p` pending requests only. The top lines give the 30-day answer rate (the
actor's, and the company's for the admin) and the marketplace's warning when it is below
`calls.min_answer_rate`. Requests outside the call windows are marked. Buyer text is drawn
literally (KeysetList, safe_text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from inquiry_tui.domain.calls import Outcome
from inquiry_tui.domain.text import safe_line, safe_text
from inquiry_tui.services.calls.log import PAGE, AnswerRates, CallRow, answer_rates, call_page, count_calls, decide
from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.calls import CALLS_CSS
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.common.keyset_list import KeysetList

VIEWS = ("appointments", "pending", "all")
VIEW_TITLES = {"appointments": "appointment requests", "pending": "pending requests", "all": "all calls"}
_OUTCOME_STYLE = {
    Outcome.PENDING: Style(color="yellow", bold=True),
    Outcome.MISSED: Style(color="red"),
    Outcome.DECLINED: Style(color="red", dim=True),
}


class CallList(KeysetList[CallRow]):
    COLUMNS = (
        ("Requested", 16),
        ("Kind", 5),
        ("From", 7),
        ("Buyer", 0),
        ("Owner", 8),
        ("Outcome", 9),
        ("Slot asked", 16),
        ("Window", 7),
    )
    EMPTY = "No calls here"
    NARROW = 100  # below this width the dates drop their year, so the buyer and the window mark still show
    zone: tzinfo = UTC

    @property
    def _narrow(self) -> bool:
        return self.scrollable_content_region.width < self.NARROW

    def widths(self, total: int) -> list[int]:
        wide = super().widths(total)
        if total >= self.NARROW:
            return wide
        short = [11 if title in ("Requested", "Slot asked") else w for (title, _), w in zip(self.COLUMNS, wide)]
        fixed = sum(w for _, w in self.COLUMNS) + len(self.COLUMNS) - 10  # the two dates are 5 cells shorter
        return [w if width else max(8, total - fixed) for w, (_, width) in zip(short, self.COLUMNS)]

    def _when(self, moment: datetime | None) -> str:
        if moment is None:
            return ""
        return clock.short(moment, self.zone) if self._narrow else clock.stamp(moment, self.zone)

    def cells(self, row: CallRow) -> list[str]:
        buyer = row.buyer_name or row.buyer_email
        if row.buyer_company:
            buyer += f" · {row.buyer_company}"
        return [
            self._when(row.requested_at),
            row.kind,
            row.scenario,
            buyer,
            row.owner_login,
            row.outcome.value,
            self._when(row.appointment_at),
            "outside" if row.outside_window else "",
        ]

    def row_style(self, row: CallRow) -> Style | None:
        return _OUTCOME_STYLE.get(row.outcome)


def rate_text(rates: AnswerRates) -> Text:
    """`Answer rate (30 days): you 85% (17/20) · company 80% (40/50) · minimum 80%`, and the warning."""
    text = Text(f"Answer rate ({rates.window_days} days): ", style="bold")
    rows = [r for r in (*rates.accounts, rates.company) if r is not None]
    if rates.company is not None:
        rows = [rates.company]
    for i, row in enumerate(rows):
        f = row.figures
        if i:
            text.append(" · ")
        text.append(f"{safe_line(row.name)} ")
        value = "—" if f.rate is None else f"{f.rate:.0%} ({f.answered}/{f.counted})"
        text.append(value, style="bold red" if row.below_minimum else "bold green" if f.rate is not None else "dim")
        if f.pending:
            text.append(f", {f.pending} pending", style="yellow")
    text.append(f" · minimum {rates.min_answer_rate}%", style="dim")
    if rates.warning:
        text.append(f"\n⚠ {rates.warning}", style="bold red")
    return text


class CallsScreen(Screen[None], WorkerErrors):
    CSS_PATH = CALLS_CSS
    BINDINGS = [
        Binding("c", "decide(True)", "Confirm", id="calls-confirm", tooltip="confirm the pending appointment request"),
        Binding("x", "decide(False)", "Decline", id="calls-decline", tooltip="decline the pending appointment request"),
        Binding(
            "a", "show('all')", "All calls", id="calls-all", tooltip="every call, answered or missed, and requests"
        ),
        Binding("p", "show('pending')", "Pending", id="calls-pending", tooltip="pending appointment requests only"),
        Binding("A", "show('appointments')", "Requests", id="calls-requests", tooltip="appointment requests"),
        Binding("r", "reload", "Refresh", id="calls-refresh"),
    ]

    @dataclass
    class Loaded(Message):
        generation: int
        rows: list[CallRow]
        total: int
        rates: AnswerRates
        zone: str

    @dataclass
    class MoreLoaded(Message):
        generation: int
        rows: list[CallRow]

    @dataclass
    class Decided(Message):
        row: CallRow

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.view = "appointments"
        self.generation = 0
        self.total = 0
        self.keep_cursor = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="calls-rate")
        yield Static("", id="calls-status")
        yield CallList(id="call-list")
        yield Static("", id="call-detail")
        yield KeysFooter()

    @property
    def listing(self) -> CallList:
        return self.query_one(CallList)

    def on_mount(self) -> None:
        self.listing.focus()
        self.action_reload()

    def on_screen_resume(self) -> None:
        if self.generation:
            self.action_reload(keep_cursor=True)

    @on(clock.ZoneChanged)
    def _zone_changed(self) -> None:
        """The reader chose another zone (`Z`): the times again."""
        if self.generation:
            self.action_reload(keep_cursor=True)

    def action_reload(self, keep_cursor: bool = False) -> None:
        self.generation += 1
        self.keep_cursor = keep_cursor
        self._load(self.generation, self.view)

    def action_show(self, view: str) -> None:
        self.view = view
        self.action_reload()

    @work(thread=True, exclusive=True, group="calls-load", exit_on_error=False)
    def _load(self, generation: int, view: str) -> None:

        appointments, pending = view == "appointments", view == "pending"
        rows = call_page(self.ctx, appointments_only=appointments, pending_only=pending)
        total = count_calls(self.ctx, appointments_only=appointments, pending_only=pending)
        clock.load(self.ctx)
        zone = clock.zone_name()
        self.post_message(self.Loaded(generation, rows, total, answer_rates(self.ctx), zone))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        if event.generation != self.generation:
            return
        from zoneinfo import ZoneInfo

        self.listing.zone = ZoneInfo(event.zone)
        self.total = event.total
        self.listing.reset(event.rows, len(event.rows) < PAGE, keep_cursor=self.keep_cursor)
        self.query_one("#calls-rate", Static).update(rate_text(event.rates))
        status = Text(f"{event.total:,} {VIEW_TITLES[self.view]}", style="bold")
        status.append(f" · newest first · times in {event.zone}", style="dim")
        status.append(" · A requests, p pending, a all calls", style="dim")
        self.query_one("#calls-status", Static).update(status)

    @on(KeysetList.MoreWanted)
    def _more_wanted(self, event: KeysetList.MoreWanted) -> None:
        event.stop()
        last = self.listing.rows[-1] if self.listing.rows else None
        if last is not None:
            self._more(self.generation, self.view, last.key)

    @work(thread=True, exclusive=True, group="calls-more", exit_on_error=False)
    def _more(self, generation: int, view: str, after: tuple[datetime, int]) -> None:
        rows = call_page(
            self.ctx, appointments_only=view == "appointments", pending_only=view == "pending", after=after
        )
        self.post_message(self.MoreLoaded(generation, rows))

    @on(MoreLoaded)
    def _more_loaded(self, event: MoreLoaded) -> None:
        if event.generation == self.generation:
            self.listing.add_rows(event.rows, len(event.rows) < PAGE)

    @on(KeysetList.Highlighted)
    def _highlighted(self, event: KeysetList.Highlighted) -> None:
        event.stop()
        row = self.listing.current
        pane = self.query_one("#call-detail", Static)
        if row is None:
            pane.update("")
            return
        text = Text(f"#{row.id} {row.kind} call from the {row.scenario} page · ", style="bold")
        text.append(safe_line(row.buyer_name or row.buyer_email))
        text.append(f" <{safe_line(row.buyer_email)}>", style="dim")
        if row.outside_window:
            text.append("  · requested outside the call windows", style="yellow")
        text.append("\n")
        if row.pending:
            text.append("Pending: c confirms, x declines (within 24 h it counts as answered)", style="yellow")
        elif row.decided_at is not None:
            text.append(f"{row.outcome.value.capitalize()} by {row.decided_by} ", style="dim")
            text.append(clock.stamp(row.decided_at, self.listing.zone), style="dim")
        if row.note:
            text.append("\n")
            text.append(safe_text(row.note))
        pane.update(text)

    def action_decide(self, confirm: bool) -> None:
        row = self.listing.current
        if row is None:
            return
        if not row.pending:
            self.notify(f"#{row.id} is not a pending appointment request.", severity="warning")
            return
        self._decide(row.id, confirm)

    @work(thread=True, exclusive=True, group="calls-decide", exit_on_error=False)
    def _decide(self, call_id: int, confirm: bool) -> None:
        self.post_message(self.Decided(decide(self.ctx, call_id, confirm)))

    @on(Decided)
    def _decided(self, event: Decided) -> None:
        self.notify(f"Appointment request #{event.row.id} {event.row.outcome.value}.", markup=False)
        self.action_reload(keep_cursor=True)
