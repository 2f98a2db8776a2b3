"""PagedList: a virtual list of rows in columns (Line API) that asks for keyset pages as it scrolls.

For lists that can be long (the RFQ market, quotes, visitors). It holds only the rows fetched
so far and draws only the lines in view; its height is the row count (plus the column header,
its first line, which stays put), so the scrollbar is true. When a line past the fetched rows
comes into view or the cursor jumps there, it posts RowsWanted and its screen fetches the next
pages in a worker and calls `add_rows`. Widgets never call services.

What a row shows comes from its screen: `columns` ((title, width); width 0 takes what is left)
and `cells(row)`, each cell made safe (safe_line) and drawn as plain segments, never markup;
`row_style(row)` may dim or colour a row (an expired RFQ).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from inquiry_tui.domain.text import safe_line

Columns = Sequence[tuple[str, int]]


def fit_cell(text: str, width: int) -> str:
    """TEXT made safe and cut or padded to exactly WIDTH cells (… when cut)."""
    text = safe_line(text)
    if cell_len(text) > width:
        return set_cell_size(text, max(0, width - 1)) + "…"
    return set_cell_size(text, width)


def column_widths(columns: Columns, total: int) -> list[int]:
    fixed = sum(w for _, w in columns) + len(columns)  # a space after each column
    return [w or max(8, total - fixed) for _, w in columns]


class PagedList(ScrollView, can_focus=True):
    """Rows of its screen's query, in its order; the screen feeds pages in."""

    DEFAULT_CSS = """
    PagedList { height: 1fr; overflow-x: hidden; }
    PagedList > .paged-list--cursor { background: $accent 40%; text-style: bold; }
    PagedList:focus > .paged-list--cursor { background: $accent; }
    PagedList > .paged-list--pending { color: $text-muted; }
    PagedList > .paged-list--header { color: $text-accent; text-style: bold; }
    PagedList > .paged-list--empty { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"paged-list--cursor", "paged-list--pending", "paged-list--header", "paged-list--empty"}
    BINDINGS = [
        Binding("up,k", "move_cursor(-1)", "Up", show=False, id="list-up"),
        Binding("down,j", "move_cursor(1)", "Down", show=False, id="list-down"),
        Binding("pageup", "move_page(-1)", "Page up", show=False, id="list-page-up"),
        Binding("pagedown", "move_page(1)", "Page down", show=False, id="list-page-down"),
        Binding("home", "move_to(0)", "First", show=False, id="list-first"),
        Binding("end", "move_to(-1)", "Last", show=False, id="list-last"),
    ]

    cursor: reactive[int] = reactive(0)

    @dataclass
    class RowsWanted(Message):
        """More rows are needed: at least UPTO rows in all."""

        upto: int

    @dataclass
    class RowHighlighted(Message):
        row: Any | None

    def __init__(
        self,
        columns: Columns,
        cells: Callable[[Any], list[str]],
        *,
        row_style: Callable[[Any], Style | None] | None = None,
        empty: str = "Nothing here",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.columns = columns
        self.cells = cells
        self.row_style = row_style
        self.empty = empty
        self.rows: list[Any] = []
        self.total = 0
        self.complete = True
        self.loaded = False  # a first page arrived (before it, an empty list says nothing yet)
        self._asked = 0

    # --- data from the screen --------------------------------------------------------------

    def reset(
        self, total: int, columns: Columns | None = None, cells: Callable[[Any], list[str]] | None = None
    ) -> None:
        """A new query: TOTAL rows will come (possibly other columns), none fetched yet."""
        if columns is not None:
            self.columns = columns
        if cells is not None:
            self.cells = cells
        self.rows, self.total, self.complete, self._asked, self.loaded = [], total, total == 0, 0, True
        self.virtual_size = Size(self.size.width, total + 1)
        self.scroll_to(y=0, animate=False)
        self.cursor = 0
        self.refresh()
        self._want(min(total, self._rows_shown * 2))
        if total == 0:
            self.post_message(self.RowHighlighted(None))

    def add_rows(self, rows: Sequence[Any], complete: bool) -> None:
        self.rows.extend(rows)
        self.complete = complete
        if complete or len(self.rows) > self.total:
            self.total = len(self.rows) if complete else max(self.total, len(self.rows))
            self.virtual_size = Size(self.size.width, self.total + 1)
        self._asked = len(self.rows)
        self.refresh()
        if self.cursor < len(self.rows):
            self.post_message(self.RowHighlighted(self.rows[self.cursor]))
        self.cursor = min(self.cursor, max(0, self.total - 1))

    def set_total(self, total: int) -> None:
        """The length of a list still loading, learnt after its first page (a count that came later)."""
        if self.complete:
            return
        self.total = max(total, len(self.rows))
        self.virtual_size = Size(self.size.width, self.total + 1)
        self.refresh()

    def replace_row(self, match: Callable[[Any], bool], row: Any) -> None:
        """Show a changed row where it is (the order refreshes with the next query)."""
        for i, old in enumerate(self.rows):
            if match(old):
                self.rows[i] = row
                self.refresh()
                if i == self.cursor:
                    self.post_message(self.RowHighlighted(row))

    @property
    def current(self) -> Any | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def _want(self, upto: int) -> None:
        upto = min(upto, self.total)
        if not self.complete and upto > len(self.rows) and upto > self._asked:
            self._asked = upto
            self.post_message(self.RowsWanted(upto))

    # --- drawing ---------------------------------------------------------------------------

    @property
    def _rows_shown(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        widths = column_widths(self.columns, width)
        if y == 0:
            style = self.rich_style + self.get_component_rich_style("paged-list--header")
            header = " ".join(fit_cell(title, w) for (title, _), w in zip(self.columns, widths))
            return Strip([Segment(header, style)]).crop_extend(0, width, self.rich_style)
        index = round(self.scroll_offset.y) + y - 1
        if index >= self.total:
            if index == 0 and y == 1 and self.loaded:
                style = self.rich_style + self.get_component_rich_style("paged-list--empty")
                return Strip([Segment(set_cell_size(" " + self.empty, width), style)], width)
            return Strip.blank(width, self.rich_style)
        if index >= len(self.rows):
            self._want(index + self._rows_shown * 2)
            style = self.get_component_rich_style("paged-list--pending")
            return Strip([Segment(set_cell_size(" …", width), style)], width)
        row = self.rows[index]
        base = self.rich_style
        extra = self.row_style(row) if self.row_style is not None else None
        if extra is not None:
            base = base + extra
        if index == self.cursor:
            base = base + self.get_component_rich_style("paged-list--cursor")
        segments = [Segment(fit_cell(text, w) + " ", base) for text, w in zip(self.cells(row), widths)]
        return Strip(segments).crop_extend(0, width, base)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total + 1)

    # --- cursor ----------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        height = self._rows_shown
        self._want(new + height)
        top = round(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False)
        if old != new:
            self.post_message(self.RowHighlighted(self.current))

    def action_move_cursor(self, delta: int) -> None:
        if self.total:
            self.cursor = max(0, min(self.total - 1, self.cursor + delta))

    def action_move_page(self, direction: int) -> None:
        self.action_move_cursor(direction * max(1, self._rows_shown - 1))

    def action_move_to(self, index: int) -> None:
        if self.total:
            self.cursor = self.total - 1 if index < 0 else min(index, self.total - 1)

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_offset.y) + event.y - 1
        if event.y >= 1 and 0 <= index < self.total:
            self.cursor = index
