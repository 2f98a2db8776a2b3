"""Admin › Accounts: list, add, away (with a return date) and back, a capacity limit, and deactivate with a
successor (what moves is shown and confirmed first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Select, Static

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.allocation.ownership import Holdings, holdings
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.team.accounts import (
    AccountInfo,
    add_account,
    deactivate,
    list_accounts,
    set_away,
    set_limit,
)
from inquiry_tui.tui.admin.ask import AskDialog
from inquiry_tui.tui.admin.panel import AccountPicker, AdminPanel, Picked
from inquiry_tui.tui.common.confirm import ConfirmScreen
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.forms import DiscardGuard, KeyLine
from inquiry_tui.tui.common.table import Table

ROLES = [("Salesperson (sub-account)", "sales"), ("Main account (admin)", "admin")]


@dataclass(frozen=True)
class NewAccount:
    login: str
    name: str
    role: str


class AddAccountDialog(DiscardGuard, Dialog[NewAccount | None]):
    """Login (the person's OS login), display name and role; the service checks them."""

    BINDINGS = [
        Binding("ctrl+s", "add", "Add", id="account-add-ok"),
        Binding("escape", "close_form", "Cancel", id="account-add-cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="account-dialog"):
            yield Label(Content("Add an account"), classes="dialog-title")
            yield Label("Login (the person's OS login on this server)")
            yield Input(placeholder="e.g. hana", id="account-login", select_on_focus=False)
            yield Label("Name")
            yield Input(placeholder="e.g. Hana Xu", id="account-name", select_on_focus=False)
            yield Label("Role")
            yield Select(ROLES, allow_blank=False, value="sales", id="account-role")
            yield KeyLine("enter in the name or ctrl+s adds · escape cancels")

    def on_mount(self) -> None:
        self.query_one("#account-login", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "account-login":
            self.query_one("#account-name", Input).focus()
        else:
            self.action_add()

    def action_add(self) -> None:
        self.dismiss(
            NewAccount(
                self.query_one("#account-login", Input).value.strip(),
                self.query_one("#account-name", Input).value.strip(),
                str(self.query_one("#account-role", Select).value),
            )
        )


NARROW = 100  # columns
COLUMNS = ("Login", "Name", "Role", "State", "Away", "Limit", "Open inquiries")
NARROW_COLUMNS = ("Login", "Name", "Role", "State", "Away to", "Limit", "Open")


class AccountsPanel(AdminPanel):
    FOCUS = "#accounts-table"
    BINDINGS = [
        Binding("n", "add_account", "Add", id="accounts-add"),
        Binding("w", "toggle_away", "Away / back", id="accounts-away"),
        Binding("l", "set_limit", "Limit", id="accounts-limit"),
        Binding("z", "set_zone", "Time zone", id="accounts-zone", tooltip="the zone this person reads times in"),
        Binding("x", "deactivate", "Deactivate", id="accounts-deactivate"),
        Binding("r", "refresh_accounts", "Refresh", id="accounts-refresh"),
    ]

    @dataclass
    class Loaded(Message):
        accounts: list[AccountInfo]
        keep: str | None  # the login to keep the cursor on

    @dataclass
    class Changed(Message):
        """A change was made (MESSAGE tells what); KEEP is the login to keep the cursor on."""

        message: str
        keep: str | None = None

    @dataclass
    class Refused(Message):
        message: str

    @dataclass
    class HoldingsRead(Message):
        """What deactivating an account would move to SUCCESSOR, for the confirmation."""

        held: Holdings
        successor: str

    def __init__(self, ctx: Ctx, *, id: str | None = None) -> None:
        super().__init__(ctx, id=id)
        self.accounts: list[AccountInfo] = []
        self.narrow = False
        self.loaded_event: AccountsPanel.Loaded | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Text(
                "One main account (admin); salespeople are sub-accounts. "
                "n: add   w: away / back   l: capacity limit   x: deactivate (a successor takes over)",
                style="dim",
            ),
            classes="section-help",
        )
        yield Table(cursor_type="row", zebra_stripes=True, id="accounts-table")
        yield Static("", classes="status", id="accounts-status")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)

    def on_resize(self) -> None:
        # Below NARROW columns the table abbreviates (short roles and dates, names cut) rather than
        # losing its right-hand columns (the open inquiries the deactivate dialog counts).
        narrow = self.size.width < NARROW
        if narrow != self.narrow:
            self.narrow = narrow
            table = self.query_one(DataTable)
            table.clear(columns=True)
            table.add_columns(*(NARROW_COLUMNS if narrow else COLUMNS))
            if self.loaded_event is not None:
                self._fill(self.loaded_event)

    def reload(self) -> None:
        self._load()

    def action_refresh_accounts(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="admin-accounts", exit_on_error=False)
    def _load(self, keep: str | None = None) -> None:
        self.post_message(self.Loaded(list_accounts(self.ctx), keep))

    @on(Loaded)
    def _fill(self, event: Loaded) -> None:
        accounts, keep = event.accounts, event.keep
        self.loaded_event = event
        narrow = self.narrow
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.accounts = accounts
        for a in accounts:
            until = (
                "" if a.away_until is None else f"{a.away_until:%m-%d}" if narrow else f"until {a.away_until:%Y-%m-%d}"
            )
            table.add_row(
                a.login,
                Text(truncate(safe_line(a.name), 18) if narrow else safe_line(a.name)),
                ("admin" if narrow else "main account")
                if a.role == "admin"
                else ("sales" if narrow else "salesperson"),
                Text("active", style="green") if a.active else Text("deactivated", style="dim"),
                Text(until if a.away_until else "away", style="yellow") if a.away else "",
                str(a.limit) if a.limit is not None else "",
                Text(f"{a.open_inquiries} (full)", style="red") if a.full else str(a.open_inquiries),
                key=a.login,
            )
        if keep is not None:
            row = next((i for i, a in enumerate(accounts) if a.login == keep), row)
        if accounts:
            table.move_cursor(row=min(row, len(accounts) - 1))

    def _current(self) -> AccountInfo | None:
        table = self.query_one(DataTable)
        if not self.accounts or table.cursor_row >= len(self.accounts):
            return None
        return self.accounts[table.cursor_row]

    @on(Changed)
    def _done(self, event: Changed) -> None:
        self.set_status(event.message, selector="#accounts-status")
        self._load(event.keep)

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self._failed(event.message)

    def _failed(self, message: str) -> None:
        self.set_status(message, error=True, selector="#accounts-status")

    # --- add ------------------------------------------------------------------------------

    def action_add_account(self) -> None:
        def chosen(new: NewAccount | None) -> None:
            if new is not None:
                self._add(new)

        self.app.push_screen(AddAccountDialog(), chosen)

    @work(thread=True, exclusive=True, group="admin-accounts-write", exit_on_error=False)
    def _add(self, new: NewAccount) -> None:
        try:
            info = add_account(self.ctx, new.login, new.name, new.role)
        except InquiryError as exc:
            self.post_message(self.Refused(f"Not added: {exc}"))
            return
        self.post_message(self.Changed(f"Added {info.login} ({info.name}).", info.login))

    # --- away and capacity ----------------------------------------------------------------

    def action_toggle_away(self) -> None:
        account = self._current()
        if account is None:
            return
        if account.away:
            self._away(account.login, False, None)
            return

        def chosen(answer: str | None) -> None:
            if answer is None:
                return
            try:
                until = date.fromisoformat(answer) if answer else None
            except ValueError:
                self._failed(f"{answer!r} is not a date; expected YYYY-MM-DD, or nothing")
                return
            self._away(account.login, True, until)

        self.app.push_screen(
            AskDialog(
                f"{account.login} is away",
                "The first day back (YYYY-MM-DD), or nothing: back when marked back (w). "
                "Away accounts get nothing new; their buyers' waiting inquiries come back to them on return.",
                placeholder="YYYY-MM-DD (optional)",
                restrict=r"[0-9-]*",
            ),
            chosen,
        )

    @work(thread=True, exclusive=True, group="admin-accounts-write", exit_on_error=False)
    def _away(self, login: str, away: bool, until: date | None) -> None:
        try:
            info = set_away(self.ctx, login, away, until)
        except InquiryError as exc:
            self.post_message(self.Refused(f"Not changed: {exc}"))
            return
        back = f" until {until.isoformat()}" if until else ""
        self.post_message(self.Changed(f"{info.login} is {'away' + back if away else 'back'}.", login))

    def action_set_limit(self) -> None:
        account = self._current()
        if account is None:
            return

        def chosen(answer: str | None) -> None:
            if answer is not None:
                self._limit(account.login, int(answer) if answer else None)

        self.app.push_screen(
            AskDialog(
                f"Capacity of {account.login}",
                f"Open inquiries at most (now {account.open_inquiries}); nothing: no limit. "
                "At the limit, new arrivals go on by the next rule.",
                value=str(account.limit) if account.limit is not None else "",
                placeholder="no limit",
                restrict=r"[0-9]{0,5}",
            ),
            chosen,
        )

    @work(thread=True, exclusive=True, group="admin-accounts-write", exit_on_error=False)
    def _limit(self, login: str, limit: int | None) -> None:
        try:
            info = set_limit(self.ctx, login, limit)
        except InquiryError as exc:
            self.post_message(self.Refused(f"Not changed: {exc}"))
            return
        what = f"at most {info.limit} open inquiries" if info.limit is not None else "no limit"
        self.post_message(self.Changed(f"{info.login}: {what}.", login))

    # --- time zone ----------------------------------------------------------------------------

    def action_set_zone(self) -> None:
        account = self._current()
        if account is None:
            return

        def chosen(answer: str | None) -> None:
            if answer is not None:
                self._zone(account.login, answer)

        self.app.push_screen(
            AskDialog(
                f"Time zone of {account.login}",
                "The zone this person reads times in (Area/City, e.g. Europe/Berlin); "
                "`company` or nothing: the company's. Reception hours and reports keep the company's.",
                placeholder="company",
            ),
            chosen,
        )

    @work(thread=True, exclusive=True, group="admin-accounts-write", exit_on_error=False)
    def _zone(self, login: str, name: str) -> None:
        from inquiry_tui.services.team.zone import set_zone

        try:
            now = set_zone(self.ctx, login, name)
        except InquiryError as exc:
            self.post_message(self.Refused(f"Not changed: {exc}"))
            return
        self.post_message(self.Changed(f"{login} reads times in {now}.", login))
        if login == self.ctx.actor.login:
            from inquiry_tui.tui.notices.background import NoticesChanged

            self.app.post_message(NoticesChanged())  # the header names the new zone

    # --- deactivate -----------------------------------------------------------------------

    def action_deactivate(self) -> None:
        account = self._current()
        if account is None:
            return
        if account.role == "admin":
            self._failed("The main account cannot be deactivated.")
            return
        if not account.active:
            self._failed(f"{account.login} is already deactivated.")
            return

        def chosen(picked: Picked | None) -> None:
            if picked is not None and picked.login:
                self._ask(account.login, picked.login)

        self.app.push_screen(
            AccountPicker(
                self.ctx,
                f"Successor of {account.login}",
                "Takes over their open inquiries, buyers, products and countries.",
                exclude=(account.login,),
            ),
            chosen,
        )

    @work(thread=True, exclusive=True, group="admin-accounts-write", exit_on_error=False)
    def _ask(self, login: str, successor: str) -> None:
        self.post_message(self.HoldingsRead(holdings(self.ctx, login), successor))

    @on(HoldingsRead)
    def _confirm(self, event: HoldingsRead) -> None:
        held, successor = event.held, event.successor
        message = Text()
        message.append(f"Deactivate {held.login}? ", style="bold")
        # "Open" as in the accounts table and everywhere else (in the inbox, not answered yet).
        elsewhere = (
            f" (and {held.unanswered_elsewhere} unanswered in Junk or Deleted)" if held.unanswered_elsewhere else ""
        )
        message.append(
            f"{successor} takes over {held.open_inquiries} open inquiries{elsewhere}, {held.buyers} buyers, "
            f"{held.products} products and {held.countries} countries. {held.login} will no longer "
            "receive inquiries or sign in. This is recorded."
        )

        def answered(ok: bool | None) -> None:
            if ok:
                self._deactivate(held.login, successor)

        self.app.push_screen(ConfirmScreen("Deactivate an account", message, yes="Deactivate", danger=True), answered)

    @work(thread=True, exclusive=True, group="admin-accounts-write", exit_on_error=False)
    def _deactivate(self, login: str, successor: str) -> None:
        try:
            r = deactivate(self.ctx, login, successor)
        except InquiryError as exc:
            self.post_message(self.Refused(f"Not deactivated: {exc}"))
            return
        self.post_message(
            self.Changed(
                f"Deactivated {r.login}; {r.successor} took over {r.inquiries} inquiries, {r.buyers} buyers, "
                f"{r.products} products, {r.countries} countries.",
                login,
            )
        )
