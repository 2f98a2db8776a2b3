"""AssignScreen (`a`): pick the account an inquiry goes to (admin: reassign; salesperson: hand over)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.team.accounts import AccountInfo, list_accounts
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.inbox import INBOX_CSS


def eligible(accounts: list[AccountInfo], ctx: Ctx, owner_login: str) -> list[AccountInfo]:
    """Active accounts other than the owner; a salesperson hands over only to salespeople."""
    return [a for a in accounts if a.active and a.login != owner_login and (ctx.actor.is_admin or a.role == "sales")]


class AssignScreen(Dialog[str | None], WorkerErrors):
    """Dismisses with the chosen login, or None."""

    CSS_PATH = INBOX_CSS
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="assign-cancel")]

    def __init__(self, ctx: Ctx, inquiry_id: int, subject: str, owner_login: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.inquiry_id = inquiry_id
        self.subject = subject
        self.owner_login = owner_login

    @dataclass
    class AccountsLoaded(Message):
        accounts: list[AccountInfo]

    def compose(self) -> ComposeResult:
        verb = "Reassign" if self.ctx.actor.is_admin else "Hand over"
        with Vertical(classes="dialog", id="assign-dialog"):
            yield Label(Content(f"{verb} inquiry #{self.inquiry_id}"), classes="dialog-title")
            yield Static(Text(truncate(safe_line(self.subject), 70), style="dim"))
            yield Static(Text(f"Now with {self.owner_login}. Choose the new owner (enter), escape cancels."))
            yield OptionList(id="assign-accounts")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load()

    @work(thread=True, exclusive=True, group="assign-accounts", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.AccountsLoaded(eligible(list_accounts(self.ctx), self.ctx, self.owner_login)))

    @on(AccountsLoaded)
    def _show(self, event: AccountsLoaded) -> None:
        accounts = event.accounts
        options = self.query_one(OptionList)
        options.clear_options()
        for a in accounts:
            label = Text(f"{a.login:<12} {safe_line(a.name)}")
            if a.role == "admin":
                label.append("  main account", style="dim")
            if self.ctx.actor.is_admin:
                label.append(f"  {a.open_inquiries} open", style="dim")
            if a.presence:  # away (until ...), or full: routing passes them over
                label.append(f"  {a.presence}", style="yellow")
            options.add_option(Option(label, id=a.login))
        if not accounts:
            options.add_option(Option(Text("No one to hand over to", style="dim"), disabled=True))
        options.highlighted = 0 if accounts else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
