"""StripView: a pane of ready-made strips (Line API) that repaints only the lines that changed.

The inbox's thread and profile panes show one inquiry after another as the cursor moves. A
`refresh()` of the whole pane makes Textual's compositor draw every line of it again through
its styles cache (border, padding, colour filters: most of a frame's cost), although the
pane's blank foot, its headings and often whole blocks of lines are the same for the next
inquiry. `show_strips` compares the new strips with those on view and refreshes only the
visible lines that differ (none when nothing changed). The pane's length is set quietly
(`virtual_size` is a layout reactive: assigning it would lay out the whole screen) and its
scrollbar repainted only when its thumb moves (`scrollbar_thumb.set_vertical_bar`).

`render_line` is called once per line of every frame that draws the pane: it reads the scroll
offset, the width and the blank line's style as the frame began (`render_lines`), not per line.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from inquiry_tui.tui.common.kept_bar_lines import kept_vertical_scrollbar
from inquiry_tui.tui.common.scrollbar_thumb import set_vertical_bar
from inquiry_tui.tui.common.styled_lines import use_styled_lines


def changed_lines(old: Sequence[Strip], new: Sequence[Strip], top: int, height: int) -> list[tuple[int, int]]:
    """The runs of view lines (first, count) from TOP to TOP+HEIGHT where NEW draws other than OLD.

    A line past the end of a list is the pane's blank line, the same for both.
    """
    runs: list[tuple[int, int]] = []
    start: int | None = None
    old_len, new_len = len(old), len(new)
    for y in range(max(0, height)):
        index = top + y
        a = old[index] if index < old_len else None
        b = new[index] if index < new_len else None
        same = a is b or (a is not None and b is not None and a == b)
        if not same and start is None:
            start = y
        elif same and start is not None:
            runs.append((start, y - start))
            start = None
    if start is not None:
        runs.append((start, height - start))
    return runs


class StripView(ScrollView):
    """Shows a list of strips cut to the pane's width; see the module docstring."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.styled_lines = use_styled_lines(self)  # a line shown before is not styled again (styled_lines.py)
        self._strips: list[Strip] = []
        self._width = 0  # the content width the strips were cut for
        self._base: Style | None = None  # the pane's rich_style (walks every ancestor's styles: kept)
        self._blank: Strip | None = None
        self._top = 0  # scroll offset as the frame being drawn began

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        # Each new thread moves the thumb (or sizes it anew): the bar's lines are kept, not drawn again.
        return kept_vertical_scrollbar(self)

    @property
    def base_style(self) -> Style:
        """The pane's own Rich style (its colours and background), kept until the styles change."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def notify_style_update(self) -> None:
        self._base = None
        self._blank = None
        super().notify_style_update()

    def content_width(self) -> int:
        return self.scrollable_content_region.width

    def show_strips(self, strips: list[Strip], width: int) -> None:
        """Show STRIPS (cut to WIDTH cells), repainting only the visible lines that change."""
        old, self._strips = self._strips, strips
        if width != self._width:
            self._width = width
            self._blank = None
        self._set_length(len(strips))
        if not self.is_mounted:
            return
        height = self.scrollable_content_region.height
        top = int(self.scroll_offset.y)
        span = max(self.virtual_size.width, self.size.width)
        regions = [Region(0, y, span, n) for y, n in changed_lines(old, strips, top, height)]
        if regions:  # (refresh() with no region would repaint the whole pane)
            self.refresh(*regions)

    def _set_length(self, lines: int) -> None:
        size = Size(self._width, lines)
        if size == self.virtual_size:
            return
        # Quietly: see the module docstring. Its scrollbar (if shown) follows the new length.
        self.set_reactive(ScrollView.virtual_size, size)
        set_vertical_bar(self, virtual=lines, window=self.container_size.height - self.scrollbar_size_horizontal)
        self.scroll_y = self.validate_scroll_y(self.scroll_y)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._top = int(self.scroll_offset.y)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        index = self._top + y
        if 0 <= index < len(self._strips):
            return self._strips[index]
        if self._blank is None:
            self._blank = Strip.blank(self._width or self.content_width(), self.base_style)
        return self._blank
