"""InboxSearch: `/` searches subject, messages and buyer company; escape clears; ranked on request.

Results are newest first and grow page by page as the list scrolls (keyset on the inquiry
id); the hit count is counted separately, capped, so a common word never costs a full count.
Text pasted into the search box loses its control and bidi characters before it is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.content import Content
from textual.widgets import Input

from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.tui.inbox.inquiry_list import PAGE

if TYPE_CHECKING:
    from inquiry_tui.tui.inbox.screen import InboxScreen

    _Base = InboxScreen
else:
    _Base = object

SEARCH_DELAY = 0.3  # typing pauses this long before the search runs (enter runs it at once)


def searchable(value: str) -> str:
    """Search box text with controls, bidi and invisible characters as spaces (they match nothing)."""
    return "".join(c if safe_line(c) == c else " " for c in value) if safe_line(value) != value else value


class InboxSearch(_Base):
    """Mixed into InboxScreen."""

    def action_search(self) -> None:
        self.add_class("-searching")
        search = self.query_one("#search", Input)
        search.focus()

    def _hide_search(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self.remove_class("-searching")
        search = self.query_one("#search", Input)
        with search.prevent(Input.Changed):
            search.value = ""

    def action_clear_search(self) -> None:
        """escape: clear the search; otherwise back to the list from another pane."""
        if self.search_terms is None and not self.has_class("-searching"):
            self.inquiry_list.focus()
            return
        was_searching = self.search_terms is not None
        self._hide_search()
        self.inquiry_list.focus()
        if was_searching:
            self._open_folder(self.folder)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "search":
            return
        value = searchable(event.value)
        if value != event.value:
            # A paste can carry escape sequences or bidi overrides: never echo them raw.
            with event.input.prevent(Input.Changed):
                event.input.value = value
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self._search_now(value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "search":
            return
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_now(event.value)
        self.inquiry_list.focus()

    def _search_now(self, value: str) -> None:
        terms = value.strip()
        if not terms:
            if self.search_terms is not None:
                self._open_folder(self.folder)
            return
        if terms != self.search_terms or self.ranked:
            self.ranked = False
            self._run_search(terms)

    def run_search(self, terms: str, *, ranked: bool = False) -> None:
        """Search from outside the search box (the palette, tests)."""
        terms = searchable(terms)
        self.add_class("-searching")
        search = self.query_one("#search", Input)
        with search.prevent(Input.Changed):
            search.value = terms
        self.ranked = ranked
        self._run_search(terms)

    def _run_search(self, terms: str, keep_id: int | None = None) -> None:
        self.search_terms = terms
        listing = self.inquiry_list
        listing.border_title = self._title()
        if keep_id is None:
            listing.begin("Searching…")
        self._search(self._next_token(), terms, self.ranked, keep_id)

    @work(thread=True, exclusive=True, group="inbox-list")
    def _search(self, token: int, terms: str, ranked: bool, keep_id: int | None) -> None:
        found = inbox.search(self.ctx, terms, limit=PAGE, ranked=ranked)
        self._ui(self._show_search, token, terms, found, keep_id)
        hits = inbox.count_search(self.ctx, terms)
        self._ui(self._show_search_count, token, terms, hits)

    def _show_search(self, token: int, terms: str, found: inbox.SearchPage, keep_id: int | None) -> None:
        if token != self._list_token or terms != self.search_terms:
            return
        listing = self.inquiry_list
        cursor = next((i for i, r in enumerate(found.rows) if r.id == keep_id), None)
        if cursor is None and keep_id is not None:
            cursor = min(listing.cursor, max(0, len(found.rows) - 1))
        listing.reset(
            len(found.rows),
            0,
            found.rows,
            cursor=cursor,
            grows=found.more,
            show_folder=True,
            empty_text="No inquiries match (deleted ones are not searched)",
        )

    def _show_search_count(self, token: int, terms: str, hits: int) -> None:
        if token != self._list_token or terms != self.search_terms:
            return
        shown = f"{inbox.SEARCH_COUNT_CAP:,}+" if hits > inbox.SEARCH_COUNT_CAP else f"{hits:,}"
        self.inquiry_list.border_title = self._title() + Content(f" · {shown} hit{'s' if hits != 1 else ''}")

    def action_rank_search(self) -> None:
        if self.search_terms is None:
            self.notify("Search first (/), then rank the results.", severity="warning")
            return
        self.run_search(self.search_terms, ranked=True)
