"""Shared pieces of the Admin sections: the panel base class, time formatting and the account picker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.team.accounts import AccountInfo, list_accounts
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import KeyLine


class AdminPanel(Vertical, WorkerErrors):
    """One Admin section. It loads its data (in thread workers) the first time it is shown."""

    FOCUS = ""  # the widget that takes the focus when the section is entered (its main list or first field)
    SHOWS_TIMES = False  # a list of times: read again when the reader chooses another zone (`Z`)

    def __init__(self, ctx: Ctx, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ctx = ctx
        self.loaded = False
        self.zone: tzinfo = clock.zone()  # the reader's (the app's clock); a section may load it again

    def activate(self) -> None:
        """Called when the section's tab becomes active."""
        if not self.loaded:
            self.loaded = True
            self.reload()

    def reload(self) -> None:
        """(Re)load the section's data; every section defines it (AdminPanel is never shown itself)."""
        raise NotImplementedError

    def zone_changed(self) -> None:
        """The reader chose another zone: times from now on in it (a form keeps what is typed)."""
        self.zone = clock.zone()
        if self.SHOWS_TIMES and self.loaded:
            self.reload()

    def focus_main(self) -> None:
        # No scrolling to it: the section has just been shown and its main widget is at its top,
        # while the layout may still change (a narrow terminal folds the form above the
        # preview); scrolling against the layout of the moment left the form scrolled or not
        # depending on timing.
        if self.FOCUS:
            self.query_one(self.FOCUS).focus(scroll_visible=False)

    def when(self, moment: datetime | None) -> str:
        return clock.stamp(moment, self.zone)

    def set_status(self, message: str, *, error: bool = False, selector: str = ".status") -> None:
        """A one-line status under the form; messages may name buyer-free values only, shown literally."""
        show(self.query_one(selector, Static), Text(message, style="bold red" if error else "green"))


def show(static: Static, content: Text | str) -> None:
    """Update STATIC unless it shows CONTENT already: an update lays the screen out again, and forms
    call this on every key typed."""
    if static.content != content:
        static.update(content)


@dataclass(frozen=True)
class Picked:
    """The account chosen in an AccountPicker; login None means "no owner"."""

    login: str | None


class AccountPicker(Dialog[Picked | None], WorkerErrors):
    """Choose an active account (and optionally "no owner"); dismisses with Picked, or None on escape."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="picker-cancel")]

    @dataclass
    class AccountsLoaded(Message):
        accounts: list[AccountInfo]

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
            yield KeyLine("enter picks · escape cancels")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load()

    @work(thread=True, exclusive=True, group="admin-picker", exit_on_error=False)
    def _load(self) -> None:
        accounts = [a for a in list_accounts(self.ctx) if a.active and a.login not in self.exclude]
        self.post_message(self.AccountsLoaded(accounts))

    @on(AccountsLoaded)
    def _show(self, event: AccountsLoaded) -> None:
        accounts = event.accounts
        options = self.query_one(OptionList)
        options.clear_options()
        if self.allow_none:
            options.add_option(Option(Text("(no owner)", style="italic"), id="-"))
        for a in accounts:
            label = Text(f"{a.login:<12} {safe_line(a.name)}")
            if a.role == "admin":
                label.append("  main account", style="dim")
            if a.presence:  # away (until ...), or full: routing passes them over
                label.append(f"  {a.presence}", style="yellow")
            options.add_option(Option(label, id=f"@{a.login}"))
        options.highlighted = 0 if options.option_count else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or "-"
        self.dismiss(Picked(None if option_id == "-" else option_id[1:]))
