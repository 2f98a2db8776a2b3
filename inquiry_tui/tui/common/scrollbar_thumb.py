"""Vertical scrollbar updates that repaint the bar only when the thumb it draws moves.

Textual repaints a scrollbar (a Rich renderable turned into strips, every line of it) whenever
its position or sizes change. A list of 100,000 rows scrolled by one row moves its thumb by
1/2,000 of a cell: nothing to see, yet the bar was drawn again on every held `j`, and the
thread pane's bar on every new thread. `thumb` computes what Textual's `ScrollBarRender`
draws (the thumb's start and end in eighths of a cell); `set_vertical_bar` updates the bar's
values quietly and repaints it only when that changes. tests/tui/common/test_scrollbar_thumb.py
holds `thumb` to what the renderer draws.
"""

from __future__ import annotations

from math import ceil

from textual.scrollbar import ScrollBar
from textual.widget import Widget

EIGHTHS = 8  # ScrollBarRender draws a thumb's ends in eighths of a cell


def thumb(size: int, virtual: float, window: float, position: float) -> tuple[int, int] | None:
    """Where a vertical bar SIZE cells long draws its thumb, in eighths of a cell; None: no thumb (all track)."""
    window_size = ceil(window if window < virtual else 0)
    virtual_size = ceil(virtual)
    if not (window_size and size and virtual_size and size != virtual_size):
        return None
    thumb_size = max(1, window_size / (virtual_size / size))
    start = int((size - thumb_size) * (position / (virtual_size - window_size)) * EIGHTHS)
    return max(0, start), max(0, start + ceil(thumb_size * EIGHTHS))


def _drawn(bar: ScrollBar) -> tuple[int, int] | None:
    return thumb(bar.size.height, bar.window_virtual_size, bar.window_size, bar.position)


def set_vertical_bar(
    widget: Widget, *, virtual: int | None = None, window: int | None = None, position: float | None = None
) -> None:
    """Give WIDGET's vertical scrollbar new values; repaint it only if its thumb moves (see the module docstring)."""
    if not widget.show_vertical_scrollbar:
        return
    bar = widget.vertical_scrollbar
    before = _drawn(bar)
    if virtual is not None:
        bar.set_reactive(ScrollBar.window_virtual_size, virtual)
    if window is not None:
        bar.set_reactive(ScrollBar.window_size, window)
    if position is not None:
        bar.set_reactive(ScrollBar.position, bar.validate_position(position))
    if _drawn(bar) != before:
        bar.refresh()
