"""Whether a frame drawn at once would miss what its widgets are about to tell their screen.

A widget that changes (`refresh()`) only marks itself; it tells its screen (Textual's `Update` and
`Layout` messages) from its own idle handler, once its own queue is empty. And a change of focus,
or of the keys the footer shows, reaches the widgets as messages (`Focus`, `Blur`, a signal's
callback) that they handle in their own turn. The inbox draws the frame a key asked for as soon
as its screen is idle (`InboxScreen._on_idle`). When the change was made by a handler of the
screen itself (a search's hits, a page a jump waited for, escape back to the folder), the screen
is idle right after that handler, before any of those widgets has run: the frame drawn then held
only what had reached the screen before, and the rows, the panes, the focus's colours and the
footer's keys followed in one or two more frames (docs/performance.md, "Search without
re-layout, session 12").
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from textual.screen import Screen
from textual.widget import Widget

# Prompts a widget holds for its screen (`frame_should_wait`): messages that are not the widget's own work.
_prompts: WeakKeyDictionary[Widget, int] = WeakKeyDictionary()


def frame_should_wait(screen: Screen[Any]) -> bool:
    """Make SCREEN hear now of the repaints and layouts its widgets have pending (as their idle handlers
    would, a moment later); whether the frame should still wait: for those messages, or for widgets that
    have messages of their own to handle first (each prompts SCREEN once it has, so that it idles again)."""
    waiting = False
    for widget in screen.walk_children(Widget):
        if widget.message_queue_size > _prompts.get(widget, 0):
            if not _prompts.get(widget):
                _prompts[widget] = 1
                widget.call_later(_prompt, widget, screen)
            waiting = True
        elif widget._repaint_required or widget._layout_required or widget._scroll_required:
            widget._check_refresh()  # what the widget's own idle handler does
    return waiting or screen.message_queue_size > 0


def _prompt(widget: Widget, screen: Screen[Any]) -> None:
    """WIDGET has handled what it had queued before this: SCREEN looks again (its idle handler runs)."""
    _prompts.pop(widget, None)
    screen.check_idle()
