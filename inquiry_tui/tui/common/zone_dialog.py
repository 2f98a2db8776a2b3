"""`Z`'s dialog: the zone the acting account reads times in (tui/common/clock.py holds the zone in force).

Apart from the clock, which every screen imports at start: the dialog's form widgets load when `Z` is first pressed.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.forms import DiscardGuard, KeyLine


class ZoneDialog(DiscardGuard, Dialog[str | None]):
    """Asks for an IANA zone name and checks it as it is typed; dismisses with it (enter) or None (escape).

    "company" or nothing: the company's zone. The caller saves it (`services.team.zone.set_zone`).
    """

    BINDINGS = [Binding("escape", "close_form", "Cancel", id="zone-cancel")]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="zone-dialog"):
            yield Label(Content("Your time zone"), classes="dialog-title")
            yield Static(
                Text(
                    f"Times on every screen are shown in it (now {self.current}). An IANA name, "
                    "e.g. Europe/Berlin; `company` or nothing: the company's.",
                    style="dim",
                )
            )
            yield Input(placeholder="Area/City or company", id="zone-input", select_on_focus=False)
            yield Static("", id="zone-problem")
            yield KeyLine("enter save · escape cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#zone-problem", Static).update(Content(zone_problem(event.value) or ""))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = zone_problem(event.value)
        if problem is not None:
            self.query_one("#zone-problem", Static).update(Content(problem))
            return
        self.dismiss(event.value.strip())


def zone_problem(value: str) -> str | None:
    """Why VALUE is not a zone the account can read times in, or None (an IANA name in any case, or company)."""
    wanted = value.strip().lower()
    if wanted in ("", "company") or wanted in _zone_names():
        return None
    return f"Not a time zone: {value.strip()[:40]} (an IANA name such as Europe/Berlin)"


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(name.lower() for name in available_timezones())
