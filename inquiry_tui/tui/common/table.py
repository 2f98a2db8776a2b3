"""Table: Textual's DataTable, with its drawn lines dropped once new rows have been measured.

DataTable measures added rows on idle. A frame drawn between `add_row` and that measuring caches
the rows' lines at the old column widths (squashed to the headers), and nothing drops those
lines until the cursor, the focus or the size changes (Textualize/textual#4470, still open in
8.2.8). Every table of the app uses this class so that none of them shows squashed columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


class Table(DataTable[Any]):
    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        super()._update_dimensions(new_rows)
        # The widths may have changed: the cached lines are stale (the private names are
        # DataTable's own; textual is pinned, and tests/tui covers the tables' snapshots).
        self._clear_caches()
        self._update_count += 1
        self.refresh()
