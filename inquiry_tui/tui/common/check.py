"""Check: the app's checkbox; on and off differ in glyph (`▐X▌` / `▐ ▌`), not only in colour.

Textual's Checkbox draws an X in both states and tells them apart by colour alone, which a
monochrome terminal (TERM=vt100), a colour-blind user or a screen reader's text cannot see.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox


class Check(Checkbox):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.BUTTON_INNER = "X" if self.value else " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "  # read by the render that follows
        super().watch_value()
