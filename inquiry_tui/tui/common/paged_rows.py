"""PagedRows: a virtual list (Line API) of rows fetched in keyset pages, each drawn as one Text by its screen.
(Its sibling `paged_list.PagedList` draws fixed columns of cells; this one leaves each row to its screen.)

It holds only the rows fetched so far and knows how many there are, so the scrollbar is true.
When a line past the fetched rows comes into view (or the cursor goes there) it posts
`RowsWanted`; its screen fetches the next page in a worker and calls `add_rows`. The screen
gives `cells(row, width) -> Text` to draw a row (from untrusted text only through safe_line,
never markup); an optional header line stays on top.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

RowText = Callable[[Any, int], Text]


class PagedRows(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    PagedRows { height: 1fr; overflow-x: hidden; }
    PagedRows > .paged-rows--cursor { background: $accent 40%; text-style: bold; }
    PagedRows:focus > .paged-rows--cursor { background: $accent; }
    PagedRows > .paged-rows--header { color: $text-accent; text-style: bold; }
    PagedRows > .paged-rows--muted { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"paged-rows--cursor", "paged-rows--header", "paged-rows--muted"}
    BINDINGS = [
        Binding("up,k", "move_cursor(-1)", "Up", show=False, id="list-up"),
        Binding("down,j", "move_cursor(1)", "Down", show=False, id="list-down"),
        Binding("pageup", "move_page(-1)", "Page up", show=False, id="list-page-up"),
        Binding("pagedown", "move_page(1)", "Page down", show=False, id="list-page-down"),
        Binding("home", "move_to(0)", "First", show=False, id="list-first"),
        Binding("end", "move_to(-1)", "Last", show=False, id="list-last"),
        Binding("enter", "open_row", "Open", show=False, id="list-open"),
    ]

    cursor: reactive[int] = reactive(0)

    @dataclass
    class RowsWanted(Message):
        """At least UPTO rows are needed."""

        list: PagedRows
        upto: int

    @dataclass
    class Highlighted(Message):
        list: PagedRows
        row: Any

    @dataclass
    class Opened(Message):
        list: PagedRows
        row: Any

    def __init__(
        self,
        cells: RowText,
        *,
        header: Callable[[int], str] | None = None,
        empty: str = "Nothing here",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.cells = cells
        self.header = header
        self.empty = empty
        self.rows: list[Any] = []
        self.total = 0
        self.complete = True
        self._asked = 0

    # --- data from the screen --------------------------------------------------------------

    @property
    def _top(self) -> int:
        return 1 if self.header else 0

    def reset(
        self, total: int, rows: list[Any] | None = None, *, complete: bool | None = None, cursor: int = 0
    ) -> None:
        """A new list: TOTAL rows, the first ROWS of them fetched."""
        self.rows = list(rows or [])
        self.total = max(total, len(self.rows))
        self.complete = complete if complete is not None else len(self.rows) >= self.total
        self._asked = len(self.rows)
        self.virtual_size = Size(self.size.width, self.total + self._top)
        self.scroll_to(y=0, animate=False)
        self.set_reactive(PagedRows.cursor, max(0, min(cursor, self.total - 1)))
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))
        self._want(min(self.total, self._shown * 2))

    def add_rows(self, rows: list[Any], complete: bool) -> None:
        self.rows.extend(rows)
        self.complete = complete
        if complete:
            self.total = len(self.rows)
            self.virtual_size = Size(self.size.width, self.total + self._top)
        self._asked = len(self.rows)
        self.refresh()
        if self.cursor < len(self.rows) and self.cursor >= len(self.rows) - len(rows):
            self.post_message(self.Highlighted(self, self.current))

    def replace(self, index: int, row: Any) -> None:
        if 0 <= index < len(self.rows):
            self.rows[index] = row
            self.refresh()

    @property
    def current(self) -> Any:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def _want(self, upto: int) -> None:
        upto = min(upto, self.total)
        if not self.complete and upto > len(self.rows) and upto > self._asked:
            self._asked = upto
            self.post_message(self.RowsWanted(self, upto))

    # --- drawing ---------------------------------------------------------------------------

    @property
    def _shown(self) -> int:
        return max(1, self.scrollable_content_region.height - self._top)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self.header and y == 0:
            style = self.rich_style + self.get_component_rich_style("paged-rows--header")
            return Strip([Segment(self.header(width), style)]).crop_extend(0, width, self.rich_style)
        index = round(self.scroll_offset.y) + y - self._top
        muted = self.get_component_rich_style("paged-rows--muted")
        if self.total == 0 and index == 0:
            return Strip([Segment(" " + self.empty, muted)]).crop_extend(0, width, self.rich_style)
        if index >= self.total or index < 0:
            return Strip.blank(width, self.rich_style)
        if index >= len(self.rows):
            self._want(index + self._shown * 2)
            return Strip([Segment(" …", muted)]).crop_extend(0, width, self.rich_style)
        base: Style = self.rich_style
        if index == self.cursor:
            base = base + self.get_component_rich_style("paged-rows--cursor")
        text = self.cells(self.rows[index], width)
        segments = [Segment(s.text, base + s.style) for s in text.render(self.app.console)]
        return Strip(segments).crop_extend(0, width, base)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total + self._top)

    # --- cursor ----------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        height = self._shown
        self._want(new + height)
        top = round(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False)
        if old != new:
            self.post_message(self.Highlighted(self, self.current))

    def action_move_cursor(self, delta: int) -> None:
        if self.total:
            self.cursor = max(0, min(self.total - 1, self.cursor + delta))

    def action_move_page(self, direction: int) -> None:
        self.action_move_cursor(direction * max(1, self._shown - 1))

    def action_move_to(self, index: int) -> None:
        if self.total:
            self.cursor = self.total - 1 if index < 0 else min(index, self.total - 1)

    def action_open_row(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self, self.current))

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_offset.y) + event.y - self._top
        if event.y >= self._top and 0 <= index < self.total:
            self.cursor = index
