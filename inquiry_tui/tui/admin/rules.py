"""Admin › Rules: the allocation settings form and a live preview of the last 100 arrivals under it.

The form edits a copy; ctrl+s saves it (validated, audited, compare-and-save) and the next
arrival follows it. Every change re-runs the preview in a worker: how the last 100 arrivals
would have gone under the edited rules, beside how they went (tui/admin/rules_preview.py).
The form also holds escalation (hours without an answer, empty: off) and the company
contact's card (name, phone, e-mail), saved with the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from inquiry_tui.domain.errors import InquiryError, StaleWrite, ValidationError
from inquiry_tui.domain.settings import AllocationSettings, ContactCard, Settings, parse_choice, parse_hours
from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.allocation.preview import AllocationPreview, preview_allocation
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.settings import get_settings
from inquiry_tui.services.setup.settings_edit import save_rules
from inquiry_tui.services.team.accounts import AccountInfo, list_accounts
from inquiry_tui.tui.admin.panel import AdminPanel, show
from inquiry_tui.tui.admin.rules_preview import RulesPreview
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.check import Check

PREVIEW_DELAY = 0.25


class RotationMembers(OptionList):
    """The rotation: members in turn order (space puts an account in or out, shift+up/down moves it)."""

    BINDINGS = [
        Binding("space", "toggle_member", "In/out of rotation", id="rules-rotation-toggle"),
        Binding("shift+up", "move_member(-1)", "Move up", id="rules-rotation-up"),
        Binding("shift+down", "move_member(1)", "Move down", id="rules-rotation-down"),
    ]

    @dataclass
    class Changed(Message):
        members: tuple[str, ...]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.members: list[str] = []
        self.accounts: dict[str, str] = {}  # login -> name, the active accounts
        self.presence: dict[str, str] = {}  # login -> "away until 12-10", "full 20/20"

    def set_members(
        self,
        members: tuple[str, ...],
        accounts: dict[str, str],
        *,
        keep: str | None = None,
        presence: dict[str, str] | None = None,
    ) -> None:
        self.accounts = accounts
        self.presence = presence or {}
        self.members = list(members)
        self._render_options(keep)

    def _render_options(self, keep: str | None = None) -> None:
        others = [login for login in self.accounts if login not in self.members]
        self.clear_options()
        for n, login in enumerate(self.members, 1):
            label = Text(f"{n:>2}. ✓ {login:<10} ", style="bold")
            label.append(
                safe_line(self.accounts.get(login, "(deactivated)")), style="" if login in self.accounts else "red"
            )
            if self.presence.get(login):
                label.append(f"  {self.presence[login]}", style="yellow")
            self.add_option(Option(label, id=login))
        for login in others:
            label = Text(f"    · {login:<10} ", style="dim")
            label.append(safe_line(self.accounts[login]), style="dim")
            self.add_option(Option(label, id=login))
        if keep is not None:
            self.highlighted = self.get_option_index(keep)
        elif self.option_count:
            self.highlighted = 0

    def _current(self) -> str | None:
        if self.highlighted is None:
            return None
        return self.get_option_at_index(self.highlighted).id

    def action_toggle_member(self) -> None:
        login = self._current()
        if login is None:
            return
        if login in self.members:
            self.members.remove(login)
        else:
            self.members.append(login)
        self._render_options(login)
        self.post_message(self.Changed(tuple(self.members)))

    def action_move_member(self, step: int) -> None:
        login = self._current()
        if login is None or login not in self.members:
            return
        i = self.members.index(login)
        j = i + step
        if 0 <= j < len(self.members):
            self.members[i], self.members[j] = self.members[j], self.members[i]
            self._render_options(login)
            self.post_message(self.Changed(tuple(self.members)))


class AllocationRulesPanel(AdminPanel):
    FOCUS = "#rules-contact"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save rules", id="rules-save"),
        Binding("ctrl+z", "revert", "Revert", id="rules-revert"),
    ]

    @dataclass
    class Loaded(Message):
        settings: Settings
        accounts: list[AccountInfo]  # the active ones

    @dataclass
    class PreviewLoaded(Message):
        settings: AllocationSettings
        preview: AllocationPreview

    @dataclass
    class Saved(Message):
        allocation: AllocationSettings
        contact: ContactCard

    @dataclass
    class Refused(Message):
        message: str
        stale: bool  # changed by someone else meanwhile: the form is read again

    def __init__(self, ctx: Ctx, *, id: str | None = None) -> None:
        super().__init__(ctx, id=id)
        self.baseline: AllocationSettings | None = None
        self.baseline_card = ContactCard()
        self.previewed: AllocationSettings | None = None  # the rules the preview shows
        self._preview_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="rules-body"):
            with VerticalScroll(id="rules-form"):
                yield Label("Company contact (recipient)", classes="field-label")
                yield Select([], prompt="main account", id="rules-contact", compact=True, type_to_search=False)
                yield Label("Allocate store inquiries by", classes="field-label")
                yield Select(
                    [
                        ("Product: to the product's owner", "product"),
                        ("Region: to the owner of the buyer's country", "region"),
                    ],
                    allow_blank=False,
                    value="product",
                    id="rules-mode",
                    compact=True,
                    type_to_search=False,
                )
                yield Check("Sticky: a buyer's new inquiries go to their owner", id="rules-sticky", compact=True)
                yield Check("Main-account rotation: hand its inquiries out in turn", id="rules-rotation", compact=True)
                yield Label("Rotation members, in turn order", classes="field-label")
                yield Static(Text("space: in / out   shift+↑ / shift+↓: move", style="dim"), classes="section-help")
                yield RotationMembers(id="rotation-members")
                yield Check("Chats (TM) follow the allocation rules", id="rules-chats-follow", compact=True)
                yield Check("Main-account chats follow the rotation", id="rules-chats-rotation", compact=True)
                yield Label("Escalate what nobody answered after (hours; empty: off)", classes="field-label")
                yield Input(
                    placeholder="off", id="rules-reassign", compact=True, select_on_focus=False, restrict=r"\d{0,3}"
                )
                yield Static(
                    Text(
                        "Once, to the next owner by these rules; both are told. Away and full accounts are passed over.",
                        style="dim",
                    ),
                    classes="section-help",
                )
                yield Label("Company contact's card (the marketplace's company page)", classes="field-label")
                yield Input(placeholder="name", id="rules-card-name", compact=True, select_on_focus=False)
                yield Input(
                    placeholder="phone, e.g. +86 755 8888 1234",
                    id="rules-card-phone",
                    compact=True,
                    select_on_focus=False,
                )
                yield Input(placeholder="e-mail", id="rules-card-email", compact=True, select_on_focus=False)
                yield Static("", classes="status", id="rules-status")
            yield RulesPreview(id="rules-preview")

    def on_resize(self) -> None:
        self.set_class(self.size.width < 110, "-narrow")

    # --- loading --------------------------------------------------------------------------

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="admin-rules-load", exit_on_error=False)
    def _load(self) -> None:
        settings = get_settings(self.ctx)
        self.post_message(self.Loaded(settings, [a for a in list_accounts(self.ctx) if a.active]))

    @on(Loaded)
    def _fill(self, event: Loaded) -> None:

        settings, accounts = event.settings, event.accounts

        self.zone = clock.zone()  # the reader's, as every time shown
        a = settings.allocation
        self.baseline = a
        contact = self.query_one("#rules-contact", Select)
        contact.set_options([(f"{x.login}  {safe_line(x.name)}", x.login) for x in accounts])
        contact.value = a.company_contact if a.company_contact in {x.login for x in accounts} else Select.NULL
        self.query_one("#rules-mode", Select).value = a.mode
        self.query_one("#rules-sticky", Checkbox).value = a.sticky
        self.query_one("#rules-rotation", Checkbox).value = a.rotation
        self.query_one("#rules-chats-follow", Checkbox).value = a.chats_follow_rules
        self.query_one("#rules-chats-rotation", Checkbox).value = a.rotation_includes_chats
        names = {x.login: x.name for x in accounts}
        presence = {x.login: x.presence for x in accounts if x.presence}
        self.query_one(RotationMembers).set_members(a.rotation_members, names, presence=presence)
        self.query_one("#rules-reassign", Input).value = str(a.reassign_after_hours or "")
        card = self.baseline_card = settings.contact
        self.query_one("#rules-card-name", Input).value = card.name
        self.query_one("#rules-card-phone", Input).value = card.phone
        self.query_one("#rules-card-email", Input).value = card.email
        self.set_status("")
        self._schedule_preview()

    # --- the edited copy ------------------------------------------------------------------

    def edited(self) -> AllocationSettings:
        contact = self.query_one("#rules-contact", Select).value
        return AllocationSettings(
            mode=parse_choice(
                "allocation.mode", str(self.query_one("#rules-mode", Select).value), ("product", "region")
            ),
            sticky=self.query_one("#rules-sticky", Checkbox).value,
            company_contact=None if contact is Select.NULL else str(contact),
            rotation=self.query_one("#rules-rotation", Checkbox).value,
            rotation_members=tuple(self.query_one(RotationMembers).members),
            chats_follow_rules=self.query_one("#rules-chats-follow", Checkbox).value,
            rotation_includes_chats=self.query_one("#rules-chats-rotation", Checkbox).value,
            reassign_after_hours=parse_hours("escalation hours", self.query_one("#rules-reassign", Input).value),
        )

    def edited_card(self) -> ContactCard:
        return ContactCard(
            self.query_one("#rules-card-name", Input).value.strip(),
            self.query_one("#rules-card-phone", Input).value.strip(),
            self.query_one("#rules-card-email", Input).value.strip(),
        )

    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(RotationMembers.Changed)
    @on(Input.Changed)
    def _edited(self, event: Message) -> None:
        event.stop()
        if self.baseline is None:
            return
        try:
            edited = self.edited()
        except ValidationError as exc:
            self.set_status(str(exc), error=True)
            return
        if edited != self.baseline or self.edited_card() != self.baseline_card:
            show(
                self.query_one("#rules-status", Static),
                Text("Unsaved changes (ctrl+s saves, ctrl+z reverts).", style="yellow"),
            )
        else:
            self.set_status("")
        self._schedule_preview()

    def _schedule_preview(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_DELAY, self._start_preview)

    def _start_preview(self) -> None:
        try:
            settings = self.edited()
        except ValidationError:
            return  # the status says what is wrong; the preview keeps the last good rules
        if settings != self.previewed:
            self._preview(settings)

    @work(thread=True, exclusive=True, group="admin-rules-preview", exit_on_error=False)
    def _preview(self, settings: AllocationSettings) -> None:
        self.post_message(self.PreviewLoaded(settings, preview_allocation(self.ctx, settings)))

    @on(PreviewLoaded)
    def _show_preview(self, event: PreviewLoaded) -> None:
        self.previewed = event.settings
        escalation = event.settings.reassign_after_hours is not None
        self.query_one(RulesPreview).show(event.preview, self.zone, escalation)

    # --- saving ---------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.baseline is None:
            return
        try:
            edited = self.edited()
        except ValidationError as exc:
            self.set_status(f"Not saved: {exc}", error=True)
            return
        self._save((self.baseline, self.baseline_card), edited, self.edited_card())

    @work(thread=True, exclusive=True, group="admin-rules-save", exit_on_error=False)
    def _save(
        self, expected: tuple[AllocationSettings, ContactCard], new: AllocationSettings, card: ContactCard
    ) -> None:
        try:
            saved = save_rules(self.ctx, expected, new, card)
        except StaleWrite as exc:
            self.post_message(self.Refused(str(exc), stale=True))
            return
        except InquiryError as exc:
            self.post_message(self.Refused(f"Not saved: {exc}", stale=False))
            return
        self.post_message(self.Saved(saved.allocation, saved.contact))

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self.baseline = event.allocation
        self.baseline_card = event.contact
        card = event.contact  # as stored: trimmed, the e-mail lower-cased
        self.query_one("#rules-card-email", Input).value = card.email
        self.set_status("Saved; the next arrival follows these rules.")
        self.notify("Allocation rules saved.")

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        if event.stale:
            self._load()
            self.notify(event.message, severity="warning", markup=False)
        else:
            self.set_status(event.message, error=True)

    def action_revert(self) -> None:
        self._load()
