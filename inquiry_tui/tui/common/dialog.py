"""Dialog: the app's modal screens, dismissed once however many keys ask.

Textual's `dismiss` runs the result callback and pops the *top* screen, whichever it is. Two
`enter`s typed quickly (or batched by a slow SSH link) both reach a dialog's input before the
first dismissal is drawn: the second `Submitted` then dismissed again, running the callback a
second time (an export written twice) and popping the screen under the dialog, which ended the
app with `ScreenStackError` when that was the last one. A dialog that is no longer the active
screen ignores a later dismissal.
"""

from __future__ import annotations

from typing import TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A ModalScreen whose `dismiss` does nothing once it is no longer the active screen."""

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        if not self.is_active:  # dismissed already (or covered by another dialog): not this key's to close
            done: AwaitComplete = AwaitComplete.nothing()  # type: ignore[no-untyped-call]  # Textual's, unannotated
            return done
        return super().dismiss(result)
