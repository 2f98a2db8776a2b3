"""Admin › Audit: the audit log, newest first (who, from which OS user, what, before, after, when), keyset-paged,
filterable; `v` walks the hash chain (`db verify`) and shows the verdict above the list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Select, Static

from inquiry_tui.domain.text import safe_line, safe_text, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.identity.verify import AuditVerdict, verify_audit
from inquiry_tui.services.team.audit_log import AuditEntry, AuditFilter, AuditPage, audit_choices, audit_page
from inquiry_tui.tui.admin.panel import AdminPanel
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.table import Table

PAGE = 100
NEAR_END = 10


def _summary(entry: AuditEntry) -> str:
    changes = entry.changes()
    return "; ".join(f"{c.key or 'value'}: {c.before} → {c.after}" for c in changes[:3]) + (
        " …" if len(changes) > 3 else ""
    )


class AuditPanel(AdminPanel):
    FOCUS = "#audit-table"
    SHOWS_TIMES = True
    BINDINGS = [
        Binding("r", "refresh_audit", "Refresh", id="audit-refresh"),
        Binding(
            "v", "verify_audit", "Verify", id="audit-verify", tooltip="walk the hash chain: was a row tampered with?"
        ),
    ]

    @dataclass
    class ChoicesLoaded(Message):
        zone: tzinfo
        actions: tuple[str, ...]
        actors: tuple[str, ...]

    @dataclass
    class Verified(Message):
        verdict: AuditVerdict

    @dataclass
    class PageLoaded(Message):
        generation: int  # pages of an older list (another filter, a refresh) are dropped
        filter: AuditFilter
        page: AuditPage

    def __init__(self, ctx: Ctx, *, id: str | None = None) -> None:
        super().__init__(ctx, id=id)
        self.entries: list[AuditEntry] = []
        self.next_before: int | None = None
        self.filter = AuditFilter()
        self.fetching = False
        self.generation = 0

    def compose(self) -> ComposeResult:
        yield Static(
            Text(
                "Every change to settings, accounts, ownership and inquiries; rows are never changed or removed. "
                "v: verify the chain.",
                style="dim",
            ),
            classes="section-help",
            id="audit-help",
        )
        with Horizontal(id="audit-filters"):
            yield Select([], prompt="any action", id="audit-action", type_to_search=False, compact=True)
            yield Select([], prompt="anyone", id="audit-actor", type_to_search=False, compact=True)
        yield Table(cursor_type="row", zebra_stripes=True, id="audit-table")
        with VerticalScroll(id="audit-detail"):
            yield Static("", id="audit-detail-text")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("When", "Who", "What", "Entity", "Change")

    def reload(self) -> None:
        self._load_choices()

    def action_refresh_audit(self) -> None:
        self._load_choices()

    def action_verify_audit(self) -> None:
        self.query_one("#audit-help", Static).update(Text("Verifying the chain…", style="dim"))
        self._verify()

    @work(thread=True, exclusive=True, group="admin-audit-verify", exit_on_error=False)
    def _verify(self) -> None:
        self.post_message(self.Verified(verify_audit(self.ctx)))

    @on(Verified)
    def _show_verdict(self, event: Verified) -> None:
        verdict = event.verdict
        line = Text("✓ " if verdict.ok else "✗ ", style="bold green" if verdict.ok else "bold red")
        line.append(verdict.summary(), style="green" if verdict.ok else "red")
        if verdict.ok:
            line.append(
                f"  (anchor {verdict.last_id}:{verdict.last_hash[:16]}…; full: inquiry-tui db verify)", style="dim"
            )
        self.query_one("#audit-help", Static).update(line)

    @work(thread=True, exclusive=True, group="admin-audit-choices", exit_on_error=False)
    def _load_choices(self) -> None:
        zone = clock.load(self.ctx)
        actions, actors = audit_choices(self.ctx)
        self.post_message(self.ChoicesLoaded(zone, actions, actors))

    @on(ChoicesLoaded)
    def _fill_choices(self, event: ChoicesLoaded) -> None:
        self.zone, actions, actors = event.zone, event.actions, event.actors
        action, actor = self.query_one("#audit-action", Select), self.query_one("#audit-actor", Select)
        keep_action, keep_actor = action.value, actor.value
        action.set_options([(a, a) for a in actions])
        actor.set_options([(a, a) for a in actors])
        if keep_action in actions:
            action.value = keep_action
        if keep_actor in actors:
            actor.value = keep_actor
        self._restart()

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        event.stop()
        action, actor = self.query_one("#audit-action", Select).value, self.query_one("#audit-actor", Select).value
        flt = AuditFilter(None if action is Select.NULL else str(action), None if actor is Select.NULL else str(actor))
        if flt != self.filter:
            self.filter = flt
            self._restart()

    def _restart(self) -> None:
        self.query_one(DataTable).clear()
        self.entries = []
        self.next_before = None
        self.fetching = True
        self.generation += 1
        self._fetch(self.generation, self.filter, None)

    @work(thread=True, exclusive=True, group="admin-audit-page", exit_on_error=False)
    def _fetch(self, generation: int, flt: AuditFilter, before_id: int | None) -> None:
        self.post_message(self.PageLoaded(generation, flt, audit_page(self.ctx, flt, before_id=before_id, limit=PAGE)))

    @on(PageLoaded)
    def _append(self, event: PageLoaded) -> None:
        if event.generation != self.generation:
            return  # a newer list is on its way (a superseded worker still finishes)
        self.fetching = False
        page = event.page
        table = self.query_one(DataTable)
        first = not self.entries
        for e in page.entries:
            table.add_row(
                self.when(e.at),
                e.actor,
                e.action,
                Text(truncate(safe_line(f"{e.entity} {e.entity_id}".strip()), 30)),
                Text(truncate(safe_line(_summary(e)), 90), style="dim"),
            )
        self.entries.extend(page.entries)
        self.next_before = page.next_before_id
        table.border_title = f"{len(self.entries)} entries{' (scroll for more)' if self.next_before else ''}"
        if first:
            self._show_detail(0)

    @on(DataTable.RowHighlighted, "#audit-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail(event.cursor_row)
        if self.next_before is not None and not self.fetching and event.cursor_row >= len(self.entries) - NEAR_END:
            self.fetching = True
            self._fetch(self.generation, self.filter, self.next_before)

    def _show_detail(self, index: int) -> None:
        detail = self.query_one("#audit-detail-text", Static)
        if not 0 <= index < len(self.entries):
            detail.update(Text("No audit entries match.", style="dim"))
            return
        e = self.entries[index]
        text = Text()
        text.append(f"{self.when(e.at)}  {e.actor}  {e.action}  ", style="bold")
        text.append(safe_line(f"{e.entity} {e.entity_id}"))
        text.append(f"  (OS user {safe_line(e.os_user)})" if e.os_user else "", style="dim")
        text.append("\n")
        changes = e.changes()
        if not changes:
            text.append("no field changed\n", style="dim")
        for c in changes:
            text.append(f"{c.key or 'value'}: ", style="bold")
            text.append(safe_text(c.before), style="red")
            text.append("  →  ")
            text.append(safe_text(c.after), style="green")
            text.append("\n")
        detail.update(text)
