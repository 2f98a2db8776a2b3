"""The messages of the inbox's list workers: a folder's window, a page, the counts, a search and its hits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from textual.message import Message

from inquiry_tui.services.inbox.listing import FolderCounts, ListItem, SearchPage, Window
from inquiry_tui.tui.inbox.inquiry_list import PageRequest
from inquiry_tui.tui.inbox.panes import Ahead


@dataclass
class Started(Message):
    """The company time zone is known: the first folder opens."""

    zone: tzinfo


@dataclass
class WindowLoaded(Message):
    """A folder's rows around an anchor, for the list load numbered TOKEN."""

    token: int
    folder: str
    window: Window
    total: int | None
    recheck: bool = False  # the rows put back from memory, read again: shown only if they changed


@dataclass
class PageLoaded(Message):
    """One page the list asked for; AHEAD: the thread and profile of the row under the cursor, read with it."""

    request: PageRequest
    rows: list[ListItem]
    more: bool
    ahead: tuple[ListItem, Ahead] | None = None
    # A jump's neighbour pages read with it (PageRequest.neighbours): each a keyset request and its rows.
    neighbours: tuple[tuple[PageRequest, list[ListItem]], ...] = ()


@dataclass
class LadderLoaded(Message):
    """The keys at every LADDER_STEP-th position of the list's rows of EPOCH (`listing.key_ladder`)."""

    epoch: int
    rungs: tuple[tuple[str, int], ...]


@dataclass
class CountsLoaded(Message):
    """Every folder's count; FOLLOW_CHANGES: re-read the list when its folder's count moved."""

    counts: FolderCounts
    follow_changes: bool


@dataclass
class SearchLoaded(Message):
    """The first page of a search (the list load numbered TOKEN)."""

    token: int
    terms: str
    found: SearchPage
    keep_id: int | None
    hits: int | None = None  # the count, read in the same worker: list, count and panes in one frame
    first: tuple[ListItem, Ahead] | None = None  # the first hit's thread and profile, read and laid out with it


@dataclass
class SearchCounted(Message):
    """How many inquiries the search matches (capped)."""

    token: int
    terms: str
    hits: int
