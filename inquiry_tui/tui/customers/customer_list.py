"""CustomerList: a virtual list of customers (Line API) that asks for keyset pages as it scrolls.

It holds only the rows fetched so far; its height is the match count (plus the column
header, its first line, which stays put while the rows scroll), so the scrollbar is true.
When a line past the fetched rows comes into view (or the cursor jumps there), it posts RowsWanted and its screen fetches the next pages in a worker and calls `add_rows`.
Buyer text is cut to cells and drawn as plain segments: never markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
from inquiry_tui.services.customers.listing import CustomerRow
from inquiry_tui.tui.common import clock

# (title, width); width 0 takes what is left.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("Stars", 5),
    ("Name", 18),
    ("Company", 0),
    ("CC", 2),
    ("Group", 12),
    ("Type", 12),
    ("Source", 9),
    ("Tags", 12),
    ("Owner", 6),
    ("Contact", 10),
    ("Act", 3),
)


def _cell(text: str, width: int) -> str:
    """TEXT made safe and cut or padded to exactly WIDTH cells (… when cut)."""
    text = safe_line(text)
    if cell_len(text) > width:
        return set_cell_size(text, max(0, width - 1)) + "…"
    return set_cell_size(text, width)


def _date(moment: datetime | None) -> str:
    return clock.day(moment, none="never")


def column_widths(total: int) -> list[int]:
    fixed = sum(w for _, w in COLUMNS) + len(COLUMNS)  # a space after each column
    return [w or max(8, total - fixed) for _, w in COLUMNS]


def header_text(total: int) -> str:
    return " ".join(_cell(title, w) for (title, _), w in zip(COLUMNS, column_widths(total)))


def row_cells(row: CustomerRow) -> list[str]:
    return [
        "★" * row.stars + "·" * (5 - row.stars),
        ("✎ " if row.note else "") + (row.name or row.email),  # ✎: an admin note not seen yet
        row.company,
        row.country or "",
        row.group,
        row.type,
        row.source,
        ", ".join(row.tags),
        row.owner_login or "-",
        _date(row.last_contact_at),
        "" if row.activity is None else str(row.activity),
    ]


class CustomerList(ScrollView, can_focus=True):
    """The customers matching the screen's query, in its order."""

    DEFAULT_CSS = """
    CustomerList { height: 1fr; overflow-x: hidden; }
    CustomerList > .customer-list--cursor { background: $accent 40%; text-style: bold; }
    CustomerList:focus > .customer-list--cursor { background: $accent; }
    CustomerList > .customer-list--pending { color: $text-muted; }
    CustomerList > .customer-list--header { color: $text-accent; text-style: bold; }
    """
    COMPONENT_CLASSES = {"customer-list--cursor", "customer-list--pending", "customer-list--header"}
    BINDINGS = [
        Binding("up,k", "move_cursor(-1)", "Up", show=False, id="customers-up"),
        Binding("down,j", "move_cursor(1)", "Down", show=False, id="customers-down"),
        Binding("pageup", "move_page(-1)", "Page up", show=False, id="customers-page-up"),
        Binding("pagedown", "move_page(1)", "Page down", show=False, id="customers-page-down"),
        Binding("home", "move_to(0)", "First", show=False, id="customers-first"),
        Binding("end", "move_to(-1)", "Last", show=False, id="customers-last"),
        Binding("enter", "open_row", "Open", id="customers-open"),
    ]

    cursor: reactive[int] = reactive(0)

    @dataclass
    class RowsWanted(Message):
        """More rows are needed: at least UPTO rows in all."""

        upto: int

    @dataclass
    class RowHighlighted(Message):
        row: CustomerRow | None

    @dataclass
    class RowOpened(Message):
        row: CustomerRow

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[CustomerRow] = []
        self.total = 0
        self.complete = True
        self._asked = 0

    # --- data from the screen --------------------------------------------------------------

    def reset(self, total: int) -> None:
        """A new query: TOTAL rows will come, none fetched yet."""
        self.rows, self.total, self.complete, self._asked = [], total, total == 0, 0
        self.virtual_size = Size(self.size.width, total + 1)
        self.scroll_to(y=0, animate=False)
        self.cursor = 0
        self.refresh()
        self._want(min(total, self._rows_shown * 2))

    def add_rows(self, rows: list[CustomerRow], complete: bool) -> None:
        self.rows.extend(rows)
        self.complete = complete
        if complete:
            self.total = len(self.rows)  # rows added or removed since the count
            self.virtual_size = Size(self.size.width, self.total + 1)
        self._asked = len(self.rows)
        self.refresh()
        if self.cursor < len(self.rows):
            self.post_message(self.RowHighlighted(self.rows[self.cursor]))
        self.cursor = min(self.cursor, max(0, self.total - 1))

    def replace_row(self, row: CustomerRow) -> None:
        """Show an edited row where it is (the order refreshes with the next query)."""
        for i, old in enumerate(self.rows):
            if old.buyer_id == row.buyer_id:
                self.rows[i] = row
                self.refresh()
                if i == self.cursor:
                    self.post_message(self.RowHighlighted(row))

    @property
    def current(self) -> CustomerRow | None:
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
        if y == 0:
            style = self.rich_style + self.get_component_rich_style("customer-list--header")
            return Strip([Segment(header_text(width), style)]).crop_extend(0, width, self.rich_style)
        index = round(self.scroll_offset.y) + y - 1
        if index >= self.total:
            return Strip.blank(width, self.rich_style)
        if index >= len(self.rows):
            self._want(index + self._rows_shown * 2)
            style = self.get_component_rich_style("customer-list--pending")
            return Strip([Segment(set_cell_size(" …", width), style)], width)
        row = self.rows[index]
        base = self.rich_style
        if index == self.cursor:
            base = base + self.get_component_rich_style("customer-list--cursor")
        segments = []
        for i, (text, w) in enumerate(zip(row_cells(row), column_widths(width))):
            style = base + Style(color="yellow") if i == 0 and index != self.cursor else base
            segments.append(Segment(_cell(text, w) + " ", style))
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

    def action_open_row(self) -> None:
        if self.current is not None:
            self.post_message(self.RowOpened(self.current))

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_offset.y) + event.y - 1
        if event.y >= 1 and 0 <= index < self.total:
            self.cursor = index
