"""DealList: a virtual list (Line API) of orders or LOIs that asks its screen for keyset pages as it scrolls.

It holds only the rows fetched so far; its height is the match count (plus the column header,
its first line), so the scrollbar is true. A line past the fetched rows coming into view (or
the cursor jumping there) posts RowsWanted; the screen fetches the next page in a worker and
calls `add_rows`. Cells are cut to width and drawn as plain segments: never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from inquiry_tui.domain.text import safe_line

Columns = Sequence[tuple[str, int, bool]]  # (title, width (0: what is left), right-aligned)
NARROW = 110  # below this many cells, the columns named in `narrow_hide` are left out


def cell(text: str, width: int, right: bool = False) -> str:
    """TEXT made safe and cut or padded to exactly WIDTH cells (… when cut)."""
    text = safe_line(text)
    if cell_len(text) > width:
        return set_cell_size(text, max(0, width - 1)) + "…"
    if right:
        return " " * (width - cell_len(text)) + text
    return set_cell_size(text, width)


def widths(columns: Columns, total: int) -> list[int]:
    fixed = sum(w for _, w, _ in columns) + len(columns)
    return [w or max(8, total - fixed) for _, w, _ in columns]


def line_of(columns: Columns, cells: Sequence[str], total: int) -> str:
    return " ".join(cell(text, w, right) for text, w, (_, _, right) in zip(cells, widths(columns, total), columns))


class DealList(ScrollView, can_focus=True):
    """Rows in the screen's order; `cells_of` turns a row into its column texts."""

    DEFAULT_CSS = """
    DealList { height: 1fr; overflow-x: hidden; }
    DealList > .deal-list--cursor { background: $accent 40%; text-style: bold; }
    DealList:focus > .deal-list--cursor { background: $accent; }
    DealList > .deal-list--pending { color: $text-muted; }
    DealList > .deal-list--header { color: $text-accent; text-style: bold; }
    """
    COMPONENT_CLASSES = {"deal-list--cursor", "deal-list--pending", "deal-list--header"}
    BINDINGS = [
        Binding("up,k", "move_cursor(-1)", "Up", show=False, id="deals-up"),
        Binding("down,j", "move_cursor(1)", "Down", show=False, id="deals-down"),
        Binding("pageup", "move_page(-1)", "Page up", show=False, id="deals-page-up"),
        Binding("pagedown", "move_page(1)", "Page down", show=False, id="deals-page-down"),
        Binding("home", "move_to(0)", "First", show=False, id="deals-first"),
        Binding("end", "move_to(-1)", "Last", show=False, id="deals-last"),
        Binding("enter", "open_row", "Open", id="deals-open"),
    ]

    cursor: reactive[int] = reactive(0)

    @dataclass
    class RowsWanted(Message):
        """More rows are needed: at least UPTO in all."""

        deal_list: DealList
        upto: int

        @property
        def control(self) -> DealList:
            return self.deal_list

    @dataclass
    class RowOpened(Message):
        deal_list: DealList
        row: Any

        @property
        def control(self) -> DealList:
            return self.deal_list

    def __init__(
        self,
        columns: Columns,
        cells_of: Callable[[Any], Sequence[str]],
        *,
        narrow_hide: tuple[str, ...] = (),
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.all_columns = columns
        self.narrow_hide = narrow_hide
        self.cells_of = cells_of
        self.rows: list[Any] = []
        self.total = 0
        self.complete = True
        self.empty_text = "Nothing here yet"
        self._asked = 0

    def reset(self, total: int, rows: list[Any], complete: bool) -> None:
        """A new query: TOTAL rows in all, the first ROWS of them here."""
        self.rows, self.total, self.complete, self._asked = list(rows), total, complete, len(rows)
        if complete:
            self.total = len(self.rows)
        self.virtual_size = Size(self.size.width, max(1, self.total) + 1)
        self.scroll_to(y=0, animate=False)
        self.cursor = 0
        self.refresh()

    def add_rows(self, rows: list[Any], complete: bool) -> None:
        self.rows.extend(rows)
        self.complete = complete
        if complete:
            self.total = len(self.rows)
            self.virtual_size = Size(self.size.width, max(1, self.total) + 1)
        self._asked = len(self.rows)
        self.refresh()

    def replace_row(self, match: Callable[[Any], bool], row: Any) -> None:
        for i, old in enumerate(self.rows):
            if match(old):
                self.rows[i] = row
                self.refresh()

    @property
    def current(self) -> Any | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def _want(self, upto: int) -> None:
        upto = min(upto, self.total)
        if not self.complete and upto > len(self.rows) and upto > self._asked:
            self._asked = upto
            self.post_message(self.RowsWanted(self, upto))

    def _shown(self, width: int) -> tuple[Columns, list[int]]:
        """The columns that fit WIDTH and their indexes (in a narrow terminal some are left out)."""
        keep = [
            i for i, (title, _, _) in enumerate(self.all_columns) if width >= NARROW or title not in self.narrow_hide
        ]
        return [self.all_columns[i] for i in keep], keep

    @property
    def _rows_shown(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            style = self.rich_style + self.get_component_rich_style("deal-list--header")
            columns, _ = self._shown(width)
            header = line_of(columns, [t for t, _, _ in columns], width)
            return Strip([Segment(header, style)]).crop_extend(0, width, self.rich_style)
        index = round(self.scroll_offset.y) + y - 1
        if self.total == 0 and index == 0:
            style = self.get_component_rich_style("deal-list--pending")
            return Strip([Segment(set_cell_size(" " + self.empty_text, width), style)], width)
        if index >= self.total:
            return Strip.blank(width, self.rich_style)
        if index >= len(self.rows):
            self._want(index + self._rows_shown * 2)
            style = self.get_component_rich_style("deal-list--pending")
            return Strip([Segment(set_cell_size(" …", width), style)], width)
        base = self.rich_style
        if index == self.cursor:
            base = base + self.get_component_rich_style("deal-list--cursor")
        columns, keep = self._shown(width)
        cells = self.cells_of(self.rows[index])
        text = line_of(columns, [cells[i] for i in keep], width)
        return Strip([Segment(text, base)]).crop_extend(0, width, base)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, max(1, self.total) + 1)

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        height = self._rows_shown
        self._want(new + height)
        top = round(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False)

    def action_move_cursor(self, delta: int) -> None:
        if self.total:
            self.cursor = max(0, min(self.total - 1, self.cursor + delta))

    def action_move_page(self, direction: int) -> None:
        self.action_move_cursor(direction * max(1, self._rows_shown - 1))

    def action_move_to(self, index: int) -> None:
        if self.total:
            self.cursor = self.total - 1 if index < 0 else min(index, self.total - 1)

    def action_open_row(self) -> None:
        if self.current is not None:
            self.post_message(self.RowOpened(self, self.current))

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_offset.y) + event.y - 1
        if event.y >= 1 and 0 <= index < self.total:
            self.cursor = index
