"""The Rules section's preview: the last 100 arrivals under the edited rules, beside how they went.

One row per arrival: how it was routed, how it would be now (today's away and full accounts
passed over), and where escalation would move it when nobody answered it in time. A summary
line counts the changes, the arrivals that passed over an away or a full account, and the
escalations; the reason of the row under the cursor is shown below the table.
"""

from __future__ import annotations

from datetime import tzinfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.allocation.preview import AllocationPreview
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.table import Table

COLUMNS = ("#", "Received", "Ch", "Cty Buyer", "SKU", "Was (rule)", "Would be (rule)", "Escalation")
# Narrower, the table keeps what the preview is for (was, would be, escalation) and leaves out
# the rest, rather than losing its right-hand columns (the reason line below names the arrival).
FULL_WIDTH, BUYER_WIDTH = 100, 70  # the preview's own columns
SHOWN = {
    "full": COLUMNS,
    "buyer": ("#", "Cty Buyer", "Was (rule)", "Would be (rule)", "Escalation"),
    "least": ("#", "Was (rule)", "Would be (rule)", "Esc."),
}
# Short names: the table fits beside the form at 160 columns (the reason line below says it all).
CHANNELS = {"inquiry": "inq", "email": "mail"}
RULES = {"company_contact": "contact", "main_account": "main"}


def _who(owner: str, rule: str) -> str:
    return f"{owner} ({RULES.get(rule, rule)})"


class RulesPreview(Vertical):
    """The preview table, its summary and the highlighted row's reason (data handed down by the panel)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.preview: AllocationPreview | None = None
        self.shown: tuple[AllocationPreview, tzinfo, bool] | None = None
        self.layout_name = ""

    def compose(self) -> ComposeResult:
        yield Static(Text("Preview: the last 100 arrivals under these rules", style="bold"), id="preview-title")
        yield Static("", id="preview-summary")
        yield Table(cursor_type="row", zebra_stripes=True, id="preview-table")
        yield Static("", id="preview-reason")

    def on_resize(self) -> None:
        if self._set_columns() and self.shown is not None:
            self.show(*self.shown)

    def _set_columns(self) -> bool:
        """The columns for the preview's width; True when they changed."""
        width = self.size.width
        name = "full" if width >= FULL_WIDTH else "buyer" if width >= BUYER_WIDTH else "least"
        table = self.query_one("#preview-table", DataTable)
        if name == self.layout_name and table.columns:
            return False
        self.layout_name = name
        table.clear(columns=True)
        table.add_columns(*SHOWN[name])
        return True

    def show(self, preview: AllocationPreview, zone: tzinfo, escalation: bool) -> None:
        self.preview = preview
        self.shown = (preview, zone, escalation)
        self._set_columns()
        table = self.query_one("#preview-table", DataTable)
        row = table.cursor_row
        table.clear()
        wanted = SHOWN[self.layout_name]
        for r in preview.rows:
            would = Text(_who(r.owner, r.rule), style="bold yellow" if r.changed else "")
            if r.passed:
                would.append(" ⤼", style="magenta")  # someone away or full was passed over
            cells = {
                "#": str(r.inquiry_id),
                "Received": clock.short(r.received_at, zone),
                "Ch": CHANNELS.get(r.channel, r.channel),
                "Cty Buyer": Text(f"{r.country or '··'} {truncate(safe_line(r.buyer), 12)}"),
                "SKU": truncate(r.product or "—", 9),
                "Was (rule)": _who(r.was_owner, r.was_rule),
                "Would be (rule)": would,
                "Escalation": Text(f"→ {r.escalate_to}", style="red")
                if r.escalate_to
                else Text("—" if escalation else "", style="dim"),
            }
            cells["Esc."] = cells["Escalation"]
            table.add_row(*(cells[column] for column in wanted))
        if preview.rows:
            table.move_cursor(row=min(row, len(preview.rows) - 1))
        self.query_one("#preview-summary", Static).update(_summary(preview, escalation))
        self._show_reason(table.cursor_row)

    @on(DataTable.RowHighlighted, "#preview-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_reason(event.cursor_row)

    def _show_reason(self, index: int) -> None:
        reason = Text()
        if self.preview is not None and 0 <= index < len(self.preview.rows):
            r = self.preview.rows[index]
            reason.append(f"#{r.inquiry_id}: ", style="bold")
            reason.append(safe_line(r.reason), style="dim")
            if r.escalate_to:
                reason.append("\nEscalation: ", style="bold red")
                reason.append(safe_line(r.escalate_reason), style="dim")
        self.query_one("#preview-reason", Static).update(reason)


def _summary(preview: AllocationPreview, escalation: bool) -> Text:
    """Two lines: what changes and for whom; who is away or full now and what escalation would do."""
    summary = Text()
    summary.append(f"{preview.changed} of {len(preview.rows)} would go to someone else.", style="bold")
    was, now = dict(preview.was_counts), dict(preview.counts)
    parts = [f"{login} {was.get(login, 0)}→{now.get(login, 0)}" for login in sorted(set(was) | set(now))]
    if parts:
        summary.append("  " + ", ".join(parts), style="dim")
    summary.append("\n")
    if preview.unavailable:
        summary.append("⤼ " + "; ".join(f"{login} {why}" for login, why in preview.unavailable), style="magenta")
        summary.append(f" (passed over: away {preview.away_skips}, full {preview.full_skips})", style="dim")
    else:
        summary.append("Nobody is away or full now.", style="dim")
    if escalation:
        summary.append(f" · escalation would move {preview.escalations}", style="red")
    return summary
