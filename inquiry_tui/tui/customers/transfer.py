"""TransferScreen: the admin picks the salesperson a customer moves to (`x`)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.listing import CustomerRow
from inquiry_tui.services.team.accounts import AccountInfo, list_accounts
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import KeyLine
from inquiry_tui.tui.customers import CUSTOMERS_CSS


class TransferScreen(Dialog[str | None], WorkerErrors):
    """Dismisses with the chosen login, or None."""

    CSS_PATH = CUSTOMERS_CSS
    BINDINGS = [Binding("escape", "cancel_transfer", "Cancel", id="transfer-cancel")]

    @dataclass
    class AccountsLoaded(Message):
        accounts: list[AccountInfo]

    def __init__(self, ctx: Ctx, row: CustomerRow) -> None:
        super().__init__()
        self.ctx = ctx
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical(id="transfer-box"):
            title = Text("Transfer ", style="bold")
            title.append(truncate(safe_line(self.row.name or self.row.email), 30))
            title.append(f" (now {safe_line(self.row.owner_login or 'nobody')}) to:", style="bold")
            yield Static(title, id="transfer-title")
            yield OptionList(id="transfer-options")
            yield KeyLine("enter transfer · escape cancel (recorded in the audit log)", id="transfer-help")

    def on_mount(self) -> None:
        self.query_one(OptionList).loading = True
        self._load_accounts()

    @work(thread=True, exclusive=True, group="customer-transfer", exit_on_error=False)
    def _load_accounts(self) -> None:
        self.post_message(self.AccountsLoaded(list_accounts(self.ctx)))

    @on(AccountsLoaded)
    def _show_accounts(self, event: AccountsLoaded) -> None:
        accounts = event.accounts
        options = self.query_one(OptionList)
        options.loading = False
        for a in accounts:
            if a.active and a.login != self.row.owner_login:
                label = Text(f"{a.login:<10} ")
                label.append(safe_line(a.name))
                label.append(f"  {a.role}", style="dim")
                options.add_option(Option(label, id=a.login))
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel_transfer(self) -> None:
        self.dismiss(None)
