"""Admin › Team: per account and for the company, open, overdue, the 24-hour reply rate, median first
response, load today, the call answer rate (with the marketplace's warning below `calls.min_answer_rate`),
and the 30-day trend (a sparkline per row and a large one for the highlighted row). A deactivated
account with figures in the window says "deactivated" beside its name (its login at 80 columns).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Sparkline, Static

from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.calls.log import AnswerRates, AnswerRow, answer_rates
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.team.stats import Figures, TeamStats, format_duration, format_rate, sparkline, team_stats
from inquiry_tui.tui.admin.panel import AdminPanel
from inquiry_tui.tui.common.table import Table

RATE_GOOD, RATE_POOR = 0.9, 0.7  # colours only: the marketplace rewards high reply rates
NARROW = 120  # columns; below, the table abbreviates (80x24 shows every figure)
COLUMNS = (
    "Account",
    "Name",
    "Open",
    "Overdue",
    "Reply rate (24 h)",
    "Pending",
    "Median 1st response",
    "Load today",
    "Calls answered",
    "30 days",
)
DEACTIVATED = "deactivated"  # the one word for an account that was deactivated (docs/domain.md, Accounts)
NARROW_COLUMNS = ("Account", "Open", "Overdue", "Reply", "Pending", "Median 1st", "Load", "Calls")


def _rate(f: Figures, *, short: bool = False) -> Text:
    style = (
        ""
        if f.reply.rate is None
        else "green"
        if f.reply.rate >= RATE_GOOD
        else "yellow"
        if f.reply.rate >= RATE_POOR
        else "red"
    )
    if short:
        return Text("—" if f.reply.rate is None else f"{f.reply.rate:.0%}", style=style)
    return Text(format_rate(f.reply), style=style)


def _calls(row: AnswerRow | None, *, short: bool = False) -> Text:
    """The 30-day call answer rate: red below `calls.min_answer_rate`."""
    if row is None or row.figures.rate is None:
        return Text("—", style="dim")
    f = row.figures
    counts = "" if short else f" ({f.answered}/{f.counted})"
    return Text(f"{f.rate:.0%}{counts}", style="bold red" if row.below_minimum else "")


class DashboardPanel(AdminPanel):
    FOCUS = "#team-table"
    BINDINGS = [Binding("r", "refresh_stats", "Refresh", id="team-refresh")]

    @dataclass
    class Loaded(Message):
        stats: TeamStats
        calls: AnswerRates

    def __init__(self, ctx: Ctx, *, id: str | None = None) -> None:
        super().__init__(ctx, id=id)
        self.stats: TeamStats | None = None
        self.rows: list[Figures] = []
        self.narrow = False
        self.loaded_event: DashboardPanel.Loaded | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Text(
                "Reply rate: inquiries a person answered (reply or junk marking) within 24 h, chats within 1 h, "
                "over the past 30 days; a buyer's inquiries of one day count once; auto-replies never count. "
                "r: refresh",
                style="dim",
            ),
            classes="section-help",
        )
        yield Static("", id="team-calls-warning")
        yield Table(cursor_type="row", id="team-table")
        yield Static("", id="team-trend-title")
        yield Sparkline([], id="team-trend")

    def on_resize(self) -> None:
        # Below NARROW columns the table abbreviates instead of losing its right-hand columns:
        # short headings, the rate without its counts, no name (the trend's title names the
        # highlighted row) and no 30-day sparkline (the chart below draws it).
        if self._set_columns() and self.loaded_event is not None:
            self._fill(self.loaded_event)

    def _set_columns(self) -> bool:
        """The columns for the panel's width; True when they changed."""
        narrow = self.size.width < NARROW
        table = self.query_one(DataTable)
        if narrow == self.narrow and table.columns:
            return False
        self.narrow = narrow
        table.clear(columns=True)
        table.add_columns(*(NARROW_COLUMNS if narrow else COLUMNS))
        return True

    def reload(self) -> None:
        self._load()

    def action_refresh_stats(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="admin-team", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(team_stats(self.ctx), answer_rates(self.ctx)))

    @on(Loaded)
    def _fill(self, event: Loaded) -> None:
        from zoneinfo import ZoneInfo

        stats = event.stats
        self.loaded_event = event
        self._set_columns()
        self.zone = ZoneInfo(stats.timezone)
        self.stats = stats
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.rows = [*stats.accounts, *([stats.company] if stats.company else [])]
        calls = {r.login: r for r in (*event.calls.accounts, event.calls.company) if r is not None}
        warning = self.query_one("#team-calls-warning", Static)
        warning.update(Text(f"⚠ {event.calls.warning}", style="bold red") if event.calls.warning else "")
        warning.display = bool(event.calls.warning)
        for f in self.rows:
            company = f is stats.company
            open_ = f"{f.open}/{f.limit}" if f.limit is not None else str(f.open)
            overdue = Text(str(f.overdue), style="red" if f.overdue else "")
            median = format_duration(f.median_first_response)
            if self.narrow:
                login = Text(f.login, style="bold" if company else "" if f.active else "dim")
                if not f.active:  # in words, not only dimmed: readable without colour
                    login.append(f" {DEACTIVATED}", style="dim italic")
                if f.presence:
                    login.append(f" {f.presence.split()[0]}", style="yellow")  # "away" / "full"
                table.add_row(
                    login,
                    open_,
                    overdue,
                    _rate(f, short=True),
                    str(f.reply.pending),
                    median,
                    str(f.load_today),
                    _calls(calls.get(f.login), short=True),
                    key=f.login,
                )
                continue
            name = Text(safe_line(f.name), style="bold" if company else "" if f.active else "dim")
            if not f.active:
                name.append(f" · {DEACTIVATED}", style="dim italic")
            if f.presence:  # away or full: routing passes them over
                name.append(f" · {f.presence}", style="yellow")
            table.add_row(
                Text(f.login, style="bold" if company else ""),
                name,
                open_,
                overdue,
                _rate(f),
                str(f.reply.pending),
                median,
                str(f.load_today),
                _calls(calls.get(f.login)),
                Text(sparkline(f.trend), style="cyan"),
                key=f.login,
            )
        table.border_title = f"{stats.window_days} days to {self.when(stats.now)} ({stats.timezone})"
        if self.rows:
            table.move_cursor(row=min(row, len(self.rows) - 1) if row else len(self.rows) - 1)
            self._show_trend(table.cursor_row)

    @on(DataTable.RowHighlighted, "#team-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_trend(event.cursor_row)

    def _show_trend(self, index: int) -> None:
        if self.stats is None or not 0 <= index < len(self.rows):
            return
        f = self.rows[index]
        days = self.stats.days
        counted = [v for v in f.trend if v is not None]
        title = Text()
        title.append(f"{safe_line(f.name)}{'' if f.active else f' ({DEACTIVATED})'}: reply rate per day", style="bold")
        title.append(f"  {days[0]:%b %d} – {days[-1]:%b %d}", style="dim")
        if counted:
            title.append(f"  low {min(counted):.0%}, high {max(counted):.0%}", style="dim")
        self.query_one("#team-trend-title", Static).update(title)
        # A day with nothing counted draws as 0; the row's text sparkline leaves it blank.
        self.query_one("#team-trend", Sparkline).data = [v if v is not None else 0.0 for v in f.trend]
