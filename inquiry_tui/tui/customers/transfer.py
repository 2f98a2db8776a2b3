"""TransferScreen: the admin picks the salesperson a customer moves to (`x`)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.listing import CustomerRow
from inquiry_tui.services.team.accounts import AccountInfo, list_accounts


class TransferScreen(ModalScreen[str | None]):
    """Dismisses with the chosen login, or None."""

    DEFAULT_CSS = """
    TransferScreen { align: center middle; }
    TransferScreen > #transfer-box { width: 56; height: auto; max-height: 80%; border: thick $accent; background: $surface; padding: 0 1; }
    TransferScreen #transfer-title { padding: 0 0 1 0; }
    TransferScreen OptionList { height: auto; max-height: 20; }
    TransferScreen #transfer-help { color: $text-muted; padding: 1 0 0 0; }
    """
    BINDINGS = [Binding("escape", "cancel_transfer", "Cancel", id="transfer-cancel")]

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
            yield Static("enter transfer · escape cancel (recorded in the audit log)", id="transfer-help")

    def on_mount(self) -> None:
        self.query_one(OptionList).loading = True
        self._load_accounts()

    @work(thread=True, exclusive=True, group="customer-transfer")
    def _load_accounts(self) -> None:
        try:
            accounts = list_accounts(self.ctx)
        except InquiryError as exc:
            self.app.call_from_thread(self.notify, Text(safe_line(str(exc))), severity="error")
            return
        self.app.call_from_thread(self._show_accounts, accounts)

    def _show_accounts(self, accounts: list[AccountInfo]) -> None:
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
