"""SearchBox: the inbox's search field (`/`); it asks its screen to search once typing pauses, or on enter.

Text pasted into it loses its control and bidi characters before it is shown. It knows
nothing of the inbox: it posts `SearchBox.Requested` (messages up) and the screen runs the
search (results newest first, page by page; ranked on request).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

from inquiry_tui.domain.text import safe_line

SEARCH_DELAY = 0.3  # typing pauses this long before the search runs (enter runs it at once)


def searchable(value: str) -> str:
    """Search box text with controls, bidi and invisible characters as spaces (they match nothing)."""
    return "".join(c if safe_line(c) == c else " " for c in value) if safe_line(value) != value else value


class SearchBox(Input):
    """An Input that cleans what is typed or pasted and asks for the search (debounced)."""

    @dataclass
    class Requested(Message):
        """Search for TERMS (stripped; empty: no search); SUBMITTED when enter was pressed."""

        search_box: SearchBox
        terms: str
        submitted: bool

    @dataclass
    class KeyAfterEnter(Message):
        """A key pressed after enter while `handing_over`: it belongs to where the focus goes next."""

        search_box: SearchBox
        key: str
        character: str | None

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id, compact=True)
        self._timer: Timer | None = None
        # From enter until the screen moves the focus on (with the hits, in their frame): a key
        # pressed meanwhile is not typed here but handed on (KeyAfterEnter). Set here, as enter
        # arrives: a key right behind it (`solar⏎j` in one burst) reaches the field before enter's
        # binding has submitted, let alone before the screen has seen the request.
        self.handing_over = False

    async def _on_key(self, event: events.Key) -> None:
        if self.handing_over:
            self.handing_over = False
            event.prevent_default()
            event.stop()
            self.post_message(self.KeyAfterEnter(self, event.key, event.character))
            return
        if event.key == "enter":
            self.handing_over = True
        await super()._on_key(event)

    def set_quietly(self, value: str) -> None:
        """Show VALUE without asking for a search (a search run from elsewhere, or a reset)."""
        self.cancel_pending()
        self.handing_over = False
        with self.prevent(Input.Changed):
            self.value = searchable(value)

    def cancel_pending(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        value = searchable(event.value)
        if value != event.value:
            # A paste can carry escape sequences or bidi overrides: never echo them raw.
            with self.prevent(Input.Changed):
                self.value = value
        self.cancel_pending()
        self._timer = self.set_timer(
            SEARCH_DELAY, lambda: self.post_message(self.Requested(self, value.strip(), False))
        )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.cancel_pending()
        self.post_message(self.Requested(self, event.value.strip(), True))
