"""ProfileScreen: the full buyer profile (seeds 000/001), opened with enter on a customer.

Left: who the buyer is, company information, the 90-day behaviour and the activity level
with its five dimensions. Right: the authenticity judgement, intended products, latest
messages, visitor details and the trading-company note. Dismisses with the edited CustomerRow (tags), if any.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from inquiry_tui.domain.deals import CustomerStage
from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.listing import CustomerRow
from inquiry_tui.services.customers.manage import TransferResult, transfer_customer
from inquiry_tui.services.customers.profile import BuyerProfile, buyer_profile
from inquiry_tui.services.customers.recommendations import OutreachStarted
from inquiry_tui.services.notes import notes
from inquiry_tui.services.notes.notes import NoteRow
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.customers import CUSTOMERS_CSS
from inquiry_tui.tui.customers.form import CustomerFormScreen
from inquiry_tui.tui.customers.outreach import OutreachScreen
from inquiry_tui.tui.customers.profile_text import (
    LEVEL_STYLE,
    authenticity_lines,
    behaviour_lines,
    heading,
    line,
    sparkline,
    stars,
    trading_note,
    verified_label,
)
from inquiry_tui.tui.customers.tags import TagEditScreen
from inquiry_tui.tui.customers.transfer import TransferScreen
from inquiry_tui.tui.notes.note_dialog import NoteDialog

BAR = 20


def _when(moment: datetime | None) -> str:
    return clock.stamp(moment)


def who_lines(p: BuyerProfile) -> list[Text]:
    name = Text(safe_line(p.name) or safe_line(p.email), style="bold")
    if p.is_customer:
        name.append("  ")
        name.append(stars(p.tags.stars), style="yellow")
    out = [name, Text(safe_line(p.company) or "(no company)")]
    place = Text(safe_line(p.country or "??"), style="bold")
    place.append(" " + (p.country_name or "unknown country") + "   ")
    place.append_text(verified_label(p))
    out += [
        place,
        line("E-mail", p.email),
        line("Owner", f"{p.owner_login} ({p.owner_name})" if p.owner_login else "nobody"),
    ]
    if p.is_customer:
        out.append(line("Customer since", _when(p.customer_since)[:10]))
        out.append(line("Stage", f"{CustomerStage(p.stage).title} ({p.orders} order{'s' if p.orders != 1 else ''})"))
        tags = [
            f"group {p.tags.group}" if p.tags.group else "",
            f"type {p.tags.type}" if p.tags.type else "",
            f"source {p.tags.source}" if p.tags.source else "",
            *p.tags.free,
        ]
        out.append(line("Tags", ", ".join(t for t in tags if t) or "—"))
    else:
        out.append(Text("not a customer yet (e to add)", style="italic dim"))
    return out


def company_lines(p: BuyerProfile) -> list[Text]:
    return [
        line("Phone", p.phone),
        line("Website", p.website),
        line("Address", p.address),
        line("Business type", p.business_type),
        line("Employees", p.employees),
        line("Established", p.year_established),
        line("Member id", p.member_id),
        line("First seen", _when(p.first_seen_at)),
        line("Last contact", _when(p.last_contact_at)),
    ]


def activity_block(p: BuyerProfile, width: int) -> list[Text]:
    level = p.activity
    head = Text(f"{level.label} ", style=LEVEL_STYLE.get(level.label, ""))
    head.append(f"{level.level}/100 over {level.window_days} days", style="bold")
    spark = Text(sparkline(level.daily, width), style="green")
    out = [head, spark, Text(f"{level.window_days} days ago".ljust(max(0, width - 5)) + "today", style="dim")]
    for dim in level.dimensions:
        filled = round(dim.share * BAR)
        text = Text(f"{dim.name:<12}", style="dim")
        text.append("█" * filled, style="cyan")
        text.append("░" * (BAR - filled), style="dim")
        text.append(f" {round(dim.share * 100):>3}%  {dim.count} events")
        out.append(text)
    return out


def products_lines(p: BuyerProfile) -> list[Text]:
    if not p.intended_products:
        return [Text("none seen yet", style="dim")]
    out = []
    for item in p.intended_products:
        text = Text(f"{truncate(safe_line(item.sku), 14):<14} ", style="bold" if item.ours else "")
        text.append(truncate(safe_line(item.name) or "(not in our catalogue)", 30).ljust(30))
        text.append(f"  {item.views} views, {item.inquiries} inquiries", style="dim")
        out.append(text)
    return out


def message_lines(p: BuyerProfile, width: int) -> list[Text]:
    if not p.latest_messages:
        return [Text("no messages you can read", style="dim")]
    arrows = {"in": "← buyer", "out": "→ us", "auto": "→ auto"}
    out = []
    for m in p.latest_messages:
        head = Text(f"{_when(m.sent_at)}  {arrows.get(m.direction, m.direction):<7} ", style="dim")
        head.append(truncate(safe_line(m.subject), max(10, width - 26)), style="bold")
        body = " ".join(safe_line(m.preview).replace("⏎", " ").split())
        out += [head, Text("   " + truncate(body, max(10, width - 3)))]
    return out


def visitor_lines(p: BuyerProfile) -> list[Text]:
    v = p.visitor
    out = [
        line("Visits", v.sessions),
        line("Page views", v.page_views),
        line("Regions", ", ".join(v.regions) or "—"),
        line("Store pages viewed", v.store_pages),
        line("Site products viewed", v.site_products),
        line("Site sellers viewed", v.site_sellers),
        line("Last visit", _when(v.last_visit_at)),
    ]
    terms = ", ".join(f"{t.term} ({t.count})" for t in v.search_terms)
    out.append(line("Common searches", terms or "—"))
    return out


def note_lines(admin_notes: tuple[NoteRow, ...]) -> list[Text]:
    """The admin's notes, oldest first; the text is the admin's, shown literally."""
    out = []
    for n in admin_notes:
        line = Text()
        line.append("✎ ", style="bold yellow")
        line.append(f"{n.author} → {n.to} {clock.day(n.created_at)}: ", style="dim")
        line.append(safe_line(n.text))
        out.append(line)
    return out


def _section(title: str, lines: list[Text]) -> Group:
    return Group(heading(title), *lines, Text(""))


class ProfileScreen(Screen[CustomerRow | None], WorkerErrors):
    CSS_PATH = CUSTOMERS_CSS
    BINDINGS = [
        Binding("escape", "close_profile", "Back", id="profile-back"),
        Binding("e", "edit_customer", "Edit / add", id="profile-edit"),
        Binding("t", "edit_tags", "Tags", id="profile-tags"),
        Binding("x", "transfer_customer", "Transfer", id="profile-transfer"),
        Binding("o", "start_outreach", "Outreach", id="profile-outreach"),
        Binding("N", "leave_note", "Note", show=False, id="profile-note", tooltip="leave a note for its owner (admin)"),
    ]

    @dataclass
    class Loaded(Message):
        profile: BuyerProfile
        notes: tuple[NoteRow, ...] = ()  # the admin's notes on the customer (services.notes)

    @dataclass
    class NotFound(Message):
        """The buyer could not be read (MESSAGE says why): the screen closes."""

        message: str

    @dataclass
    class Transferred(Message):
        result: TransferResult

    def __init__(self, ctx: Ctx, buyer_id: int) -> None:
        super().__init__()
        self.ctx = ctx
        self.buyer_id = buyer_id
        self.profile: BuyerProfile | None = None
        self.edited: CustomerRow | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="profile-columns"):
            with VerticalScroll(classes="profile-column", id="profile-left"):
                yield Static("", id="profile-left-body")
            with VerticalScroll(classes="profile-column", id="profile-right"):
                yield Static("", id="profile-right-body")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#profile-columns").loading = True
        self._load()

    @work(thread=True, exclusive=True, group="profile", exit_on_error=False)
    def _load(self) -> None:
        try:
            profile = buyer_profile(self.ctx, self.buyer_id)
            admin_notes = notes.notes_on_customer(self.ctx, self.buyer_id)
            if any(not n.seen for n in admin_notes) and profile.owner_login == self.ctx.actor.login:
                notes.mark_seen(self.ctx, buyer_id=self.buyer_id)  # its owner has read them now
        except InquiryError as exc:
            self.post_message(self.NotFound(str(exc)))
            return
        self.post_message(self.Loaded(profile, admin_notes))

    @on(NotFound)
    def _not_found(self, event: NotFound) -> None:
        self.notify(safe_line(event.message), severity="error", markup=False)
        self.dismiss(None)

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        p = event.profile
        self.profile = p
        self.query_one("#profile-columns").loading = False
        # Half the screen less padding; the columns may not be laid out yet while loading.
        width = max(30, self.size.width // 2 - 4)
        left = [
            *([_section("Admin notes", note_lines(event.notes))] if event.notes else []),
            _section("Buyer", who_lines(p)),
            _section("Company", company_lines(p)),
            _section(f"On-site behaviour, last {p.window_days} days", behaviour_lines(p.behaviour)),
            _section("Activity level", activity_block(p, width)),
        ]
        note = trading_note(p)
        right = [
            _section("Authenticity", authenticity_lines(p, width=width)),
            _section("Intended products", products_lines(p)),
            _section("Latest messages", message_lines(p, width)),
            _section("Visitor details", visitor_lines(p) + ([Text(""), note] if note else [])),
        ]
        self.query_one("#profile-left-body", Static).update(Group(*left))
        self.query_one("#profile-right-body", Static).update(Group(*right))

    def _edited(self, row: CustomerRow | None) -> None:
        if row is not None:
            self.edited = row
            self._load()

    def action_edit_customer(self) -> None:
        self.app.push_screen(CustomerFormScreen(self.ctx, buyer_id=self.buyer_id), self._edited)

    def action_edit_tags(self) -> None:
        p = self.profile
        if p is None:
            return
        row = CustomerRow(
            p.buyer_id,
            p.email,
            p.name,
            p.company,
            p.country,
            p.tags.group,
            p.tags.type,
            p.tags.source,
            p.tags.stars,
            p.tags.free,
            p.owner_login,
            p.last_contact_at,
            p.verified,
            p.tier,
            p.version,
        )
        self.app.push_screen(TagEditScreen(self.ctx, row), self._edited)

    def action_transfer_customer(self) -> None:
        p = self.profile
        if not self.ctx.actor.is_admin:
            self.notify("Only the admin (main account) can transfer customers.", severity="warning")
            return
        if p is None:
            return
        row = CustomerRow(
            p.buyer_id,
            p.email,
            p.name,
            p.company,
            p.country,
            "",
            "",
            "",
            0,
            (),
            p.owner_login,
            None,
            p.verified,
            p.tier,
            p.version,
        )

        def transfer(login: str | None) -> None:
            if login:
                self._transfer(login)

        self.app.push_screen(TransferScreen(self.ctx, row), transfer)

    @work(thread=True, exclusive=True, group="profile-transfer", exit_on_error=False)
    def _transfer(self, login: str) -> None:
        self.post_message(self.Transferred(transfer_customer(self.ctx, self.buyer_id, login)))

    @on(Transferred)
    def _transferred(self, event: Transferred) -> None:
        self.notify(f"Transferred to {event.result.to_login}.")
        self._load()

    def action_start_outreach(self) -> None:
        p = self.profile
        if p is None:
            return

        def sent(started: OutreachStarted | None) -> None:
            if started is not None:
                self.notify(f"Outreach thread #{started.inquiry_id} started, owned by {started.owner_login}.")
                self._load()

        self.app.push_screen(OutreachScreen(self.ctx, p.buyer_id, p.name or p.email), sent)

    def action_leave_note(self) -> None:
        """N: the admin leaves a note on this customer for its owner."""
        p = self.profile
        if not self.ctx.actor.is_admin:
            self.notify("Only the admin (main account) leaves notes.", severity="warning")
            return
        if p is None:
            return
        if p.owner_login is None:
            self.notify("This customer has no owner yet: transfer it first (x).", severity="warning")
            return

        def left(note: NoteRow | None) -> None:
            if note is not None:
                self.notify(f"Note left for {note.to}.", markup=False)
                self._load()

        self.app.push_screen(
            NoteDialog(self.ctx, owner=p.owner_login, about=p.company or p.email, buyer_email=p.email), left
        )

    def action_close_profile(self) -> None:
        self.dismiss(self.edited)
