"""KeysHelpScreen (`?`): the keys of the app and of the screen it was opened from.

Read from the bindings themselves so it never drifts from what the keys do.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.inquiry_row import BADGE_HELP

REPLY_KEYS = [
    ("ctrl+s", "send the reply"),
    ("ctrl+t", "go to the templates"),
    ("enter", "(in templates) insert the template, placeholders filled"),
    ("n / e / x", "(in templates) new template from the text / edit / delete"),
    ("escape", "close (asks before throwing away text)"),
]
EXTRA_INBOX = [("enter / click", "(in the folder list) open a folder")]


def _rows(app: App[object], bindings: list[Binding]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for b in bindings:
        keys = " / ".join(app.get_key_display(Binding(k.strip(), b.action)) for k in b.key.split(","))
        rows.append((keys, b.tooltip or b.description or b.action))
    return rows


def _table(title: str, rows: list[tuple[str, str]]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for keys, what in rows:
        table.add_row(Text(keys), Text(what))
    return table


class KeysHelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="keys-close")]

    def __init__(self, app: App[object], origin: Screen[object] | None = None) -> None:
        super().__init__()
        self._app = app
        self._origin = origin

    def compose(self) -> ComposeResult:
        from inquiry_tui.tui.inbox.screen import InboxScreen

        if self._origin is not None and not isinstance(self._origin, InboxScreen):
            yield from self._compose_for(self._origin)
            return
        app = self._app
        inbox_bindings = [b for b in InboxScreen.BINDINGS if isinstance(b, Binding)]
        folder = [b for b in inbox_bindings if (b.id or "").startswith("folder-")]
        actions = [b for b in inbox_bindings if not (b.id or "").startswith("folder-") and b.id != "inbox-keys"]
        global_keys = _rows(app, [b for b in app.BINDINGS if isinstance(b, Binding)])  # type: ignore[misc]
        global_keys.insert(3, ("ctrl+p", "command palette: open an inquiry, go to a folder, run an action"))
        with VerticalScroll(classes="dialog", id="keys-dialog"):
            yield Label("Keys", classes="dialog-title")
            yield Static(_table("Global", global_keys))
            yield Static(_table("Inbox actions", _rows(app, actions)))
            yield Static(_table("Folders", _rows(app, folder) + EXTRA_INBOX))
            yield Static(_table("Inbox list", _rows(app, [b for b in InquiryList.BINDINGS if isinstance(b, Binding)])))
            yield Static(_table("Reply editor", REPLY_KEYS))
            yield Static(Text(BADGE_HELP, style="dim"))
            yield Static(Text("escape or ? closes this", style="dim"))

    def _compose_for(self, origin: Screen[object]) -> ComposeResult:
        """Global keys, then every key active where `?` was pressed (screen and focused widget)."""
        app = self._app
        app_bindings = [b for b in app.BINDINGS if isinstance(b, Binding)]  # type: ignore[misc]
        global_keys = _rows(app, app_bindings)
        global_keys.insert(3, ("ctrl+p", "command palette: open an inquiry, go to a folder, run an action"))
        # Keys every screen has (focus moves, copy) are not what the user is looking for here.
        app_actions = {b.action for b in app_bindings} | {b.action for b in Screen.BINDINGS if isinstance(b, Binding)}
        seen: set[tuple[str, str]] = set()
        here: list[Binding] = []
        for active in origin.active_bindings.values():
            binding = active.binding
            # App keys are listed above; a focused widget's hidden keys (scrolling) are noise here.
            if active.node is app or binding.action in app_actions or not binding.description:
                continue
            if not binding.show and active.node is not origin:
                continue
            if (binding.action, binding.description) in seen:
                continue
            seen.add((binding.action, binding.description))
            here.append(binding)
        title = type(origin).__name__.removesuffix("Screen")
        with VerticalScroll(classes="dialog", id="keys-dialog"):
            yield Label("Keys", classes="dialog-title")
            yield Static(_table("Global", global_keys))
            yield Static(_table(f"Here: {title}", _rows(app, here)))
            yield Static(Text("escape or ? closes this", style="dim"))
