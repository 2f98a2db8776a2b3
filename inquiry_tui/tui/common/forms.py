"""Form helpers shared by every editor and dialog: escape asks before discarding changes, and the key line.

`DiscardGuard` is mixed into a form screen (before the Screen class). It reads the form's state
from its own editable widgets (Input, TextArea, Select, Checkbox, ...), takes that state as the
baseline when the screen mounts (and again when the screen calls `mark_unchanged`, e.g. after a
worker filled the fields), and `close_form()` then closes at once when nothing changed or asks
first ("Discard changes?") when something did: one rule for every editor (docs/keys.md).

`KeyLine` is the dim line of keys at the foot of a dialog ("ctrl+s save · escape cancel").
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.css.query import NoMatches
from textual.widgets import Checkbox, Input, RadioSet, Select, Static, Switch, TextArea

from inquiry_tui.tui.common.confirm import ConfirmScreen

_EDITABLE = (Input, TextArea, Select, Checkbox, Switch, RadioSet)


def _value(widget: Any) -> object:
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, RadioSet):
        return widget.pressed_index
    return widget.value


class DiscardGuard:
    """Mixin for a form screen: `close_form()` asks before throwing changes away."""

    discard_title = "Discard changes"
    discard_question = "Close without saving? Your changes are lost."
    _form_baseline: tuple[tuple[str, object], ...] | None = None

    def form_state(self) -> tuple[tuple[str, object], ...]:
        """(id or position, value) of every editable widget on this screen, in order."""
        widgets = [w for w in self.query("*") if isinstance(w, _EDITABLE)]  # type: ignore[attr-defined]
        return tuple((w.id or str(n), _value(w)) for n, w in enumerate(widgets))

    def on_mount(self) -> None:
        # Runs after the screen's own on_mount (Textual dispatches down the MRO): fields filled in
        # compose or on_mount are the baseline, not changes.
        self.mark_unchanged()

    def mark_unchanged(self) -> None:
        """Take the form as it is now as unchanged (call after filling it from the store)."""
        try:
            self._form_baseline = self.form_state()
        except NoMatches:
            self._form_baseline = ()

    def form_changed(self) -> bool:
        return self._form_baseline is not None and self.form_state() != self._form_baseline

    def action_close_form(self) -> None:
        """escape (bind it to `close_form`)."""
        self.close_form()

    def close_form(self, result: object = None) -> None:
        """escape / Cancel: dismiss with RESULT; with changes, only once the user says to discard them."""
        screen: Any = self
        if not self.form_changed():
            screen.dismiss(result)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                screen.dismiss(result)

        screen.app.push_screen(ConfirmScreen(self.discard_title, self.discard_question, yes="Discard"), answered)


class KeyLine(Static):
    """The keys of a dialog, one dim line at its foot (every dialog has one: docs/keys.md)."""

    DEFAULT_CLASSES = "key-line"

    def __init__(self, keys: str, *, id: str | None = None) -> None:
        super().__init__(Text(keys, style="dim"), id=id)
