"""Shared pieces of the Admin sections: the panel base class, time formatting and the account picker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.team.accounts import AccountInfo, list_accounts


class AdminPanel(Vertical):
    """One Admin section. It loads its data (in thread workers) the first time it is shown."""

    FOCUS = ""  # the widget that takes the focus when the section is entered (its main list or first field)

    DEFAULT_CSS = """
    AdminPanel {
        height: 1fr;
    }
    AdminPanel .section-help {
        color: $text-muted;
        height: auto;
    }
    AdminPanel .status {
        height: auto;
        min-height: 1;
    }
    AdminPanel .field-label {
        margin-top: 1;
        text-style: bold;
    }
    """

    def __init__(self, ctx: Ctx, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ctx = ctx
        self.loaded = False
        self.zone: tzinfo = UTC

    def activate(self) -> None:
        """Called when the section's tab becomes active."""
        if not self.loaded:
            self.loaded = True
            self.reload()

    def reload(self) -> None:
        """(Re)load the section's data; every section defines it (AdminPanel is never shown itself)."""
        raise NotImplementedError

    def focus_main(self) -> None:
        if self.FOCUS:
            self.query_one(self.FOCUS).focus()

    def when(self, moment: datetime | None) -> str:
        return "—" if moment is None else moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    def set_status(self, message: str, *, error: bool = False, selector: str = ".status") -> None:
        """A one-line status under the form; messages may name buyer-free values only, shown literally."""
        self.query_one(selector, Static).update(Text(message, style="bold red" if error else "green"))


@dataclass(frozen=True)
class Picked:
    """The account chosen in an AccountPicker; login None means "no owner"."""

    login: str | None


class AccountPicker(ModalScreen[Picked | None]):
    """Choose an active account (and optionally "no owner"); dismisses with Picked, or None on escape."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="picker-cancel")]

    def __init__(
        self, ctx: Ctx, title: str, note: str = "", *, allow_none: bool = False, exclude: tuple[str, ...] = ()
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.title_text = title
        self.note = note
        self.allow_none = allow_none
        self.exclude = exclude

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker-dialog"):
            yield Label(Content(self.title_text), classes="dialog-title")
            if self.note:
                yield Static(Text(self.note, style="dim"))
            yield OptionList(id="picker-accounts")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load()

    @work(thread=True, exclusive=True, group="admin-picker")
    def _load(self) -> None:
        accounts = [a for a in list_accounts(self.ctx) if a.active and a.login not in self.exclude]
        self.app.call_from_thread(self._show, accounts)

    def _show(self, accounts: list[AccountInfo]) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        if self.allow_none:
            options.add_option(Option(Text("(no owner)", style="italic"), id="-"))
        for a in accounts:
            label = Text(f"{a.login:<12} {safe_line(a.name)}")
            if a.role == "admin":
                label.append("  main account", style="dim")
            if a.away:
                label.append("  away", style="yellow")
            options.add_option(Option(label, id=f"@{a.login}"))
        options.highlighted = 0 if options.option_count else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or "-"
        self.dismiss(Picked(None if option_id == "-" else option_id[1:]))
