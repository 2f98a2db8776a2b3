"""KeysetList: a virtual list (Line API) of rows fetched by keyset pages as it scrolls, with a header line.
(Siblings: `paged_list.PagedList` takes its columns from the screen, `paged_rows.PagedRows` leaves each row to it; this one is subclassed.)

It holds only the rows fetched so far; when a line past them comes into view (or the cursor
goes there) and more exist, it posts `MoreWanted` and its screen fetches the next page in a
worker and calls `add_rows`. A subclass says how a row is drawn (`cells`, with the column
widths from `COLUMNS`) and may colour a row (`row_style`). Text is cut to cells and drawn as
plain segments: never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

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

RowT = TypeVar("RowT")


def fit(text: str, width: int) -> str:
    """TEXT made safe and cut or padded to exactly WIDTH cells (… when cut)."""
    text = safe_line(text)
    if cell_len(text) > width:
        return set_cell_size(text, max(0, width - 1)) + "…"
    return set_cell_size(text, width)


class KeysetList(ScrollView, Generic[RowT], can_focus=True):
    """Rows in the screen's order; a subclass sets COLUMNS ((title, width); width 0 takes the rest) and `cells`."""

    DEFAULT_CSS = """
    KeysetList { height: 1fr; overflow-x: hidden; }
    KeysetList > .keyset-list--cursor { background: $accent 40%; text-style: bold; }
    KeysetList:focus > .keyset-list--cursor { background: $accent; }
    KeysetList > .keyset-list--header { color: $text-accent; text-style: bold; }
    KeysetList > .keyset-list--empty { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"keyset-list--cursor", "keyset-list--header", "keyset-list--empty"}
    BINDINGS = [
        Binding("up,k", "move_cursor(-1)", "Up", show=False, id="list-up"),
        Binding("down,j", "move_cursor(1)", "Down", show=False, id="list-down"),
        Binding("pageup", "move_page(-1)", "Page up", show=False, id="list-page-up"),
        Binding("pagedown", "move_page(1)", "Page down", show=False, id="list-page-down"),
        Binding("home", "move_to(0)", "First", show=False, id="list-first"),
        Binding("end", "move_to(-1)", "Last loaded", show=False, id="list-last"),
    ]
    COLUMNS: tuple[tuple[str, int], ...] = ()
    EMPTY = "Nothing here"

    cursor: reactive[int] = reactive(0)

    @dataclass
    class MoreWanted(Message):
        """More rows are needed (the screen fetches the page after the last row)."""

        list: KeysetList[object]

    @dataclass
    class Highlighted(Message):
        list: KeysetList[object]
        index: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[RowT] = []
        self.complete = True
        self._asked = False

    # --- what a subclass says ------------------------------------------------------------------

    def cells(self, row: RowT) -> Sequence[str]:
        raise NotImplementedError

    def row_style(self, row: RowT) -> Style | None:
        return None

    # --- data from the screen ------------------------------------------------------------------

    def reset(self, rows: Sequence[RowT], complete: bool, *, keep_cursor: bool = False) -> None:
        """A new first page."""
        cursor = self.cursor if keep_cursor else 0
        self.rows, self.complete, self._asked = list(rows), complete, False
        self._resize()
        if not keep_cursor:
            self.scroll_to(y=0, animate=False)
        self.cursor = max(0, min(cursor, len(self.rows) - 1))
        self.refresh()
        self.post_message(self.Highlighted(self, self.cursor))  # type: ignore[arg-type]  # the generic list as itself

    def add_rows(self, rows: Sequence[RowT], complete: bool) -> None:
        self.rows.extend(rows)
        self.complete, self._asked = complete, False
        self._resize()
        self.refresh()

    def replace_row(self, index: int, row: RowT) -> None:
        if 0 <= index < len(self.rows):
            self.rows[index] = row
            self.refresh()

    @property
    def current(self) -> RowT | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def _resize(self) -> None:
        more = 0 if self.complete else 1
        self.virtual_size = Size(self.size.width, len(self.rows) + 1 + more)

    def _want(self) -> None:
        if not self.complete and not self._asked:
            self._asked = True
            self.post_message(self.MoreWanted(self))  # type: ignore[arg-type]  # the generic list as itself

    # --- drawing -------------------------------------------------------------------------------

    @property
    def _rows_shown(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def widths(self, total: int) -> list[int]:
        fixed = sum(w for _, w in self.COLUMNS) + len(self.COLUMNS)
        return [w or max(8, total - fixed) for _, w in self.COLUMNS]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            style = self.rich_style + self.get_component_rich_style("keyset-list--header")
            header = " ".join(fit(title, w) for (title, _), w in zip(self.COLUMNS, self.widths(width)))
            return Strip([Segment(header, style)]).crop_extend(0, width, self.rich_style)
        index = round(self.scroll_offset.y) + y - 1
        if not self.rows and index == 0:
            style = self.get_component_rich_style("keyset-list--empty")
            return Strip([Segment(fit(" " + self.EMPTY, width), style)], width)
        if index >= len(self.rows):
            if index == len(self.rows) and not self.complete:
                self._want()
                style = self.get_component_rich_style("keyset-list--empty")
                return Strip([Segment(fit(" …", width), style)], width)
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        base = self.rich_style
        extra = self.row_style(row)
        if extra is not None:
            base = base + extra
        if index == self.cursor:
            base = base + self.get_component_rich_style("keyset-list--cursor")
        segments = [Segment(fit(text, w) + " ", base) for text, w in zip(self.cells(row), self.widths(width))]
        return Strip(segments).crop_extend(0, width, base)

    def on_resize(self) -> None:
        self._resize()

    # --- cursor --------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        height = self._rows_shown
        if new >= len(self.rows) - height:
            self._want()
        top = round(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False)
        if old != new:
            self.post_message(self.Highlighted(self, new))  # type: ignore[arg-type]  # the generic list as itself

    def action_move_cursor(self, delta: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))

    def action_move_page(self, direction: int) -> None:
        self.action_move_cursor(direction * max(1, self._rows_shown - 1))

    def action_move_to(self, index: int) -> None:
        if self.rows:
            self.cursor = len(self.rows) - 1 if index < 0 else min(index, len(self.rows) - 1)

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_offset.y) + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.rows):
            self.cursor = index
