"""The read-ahead asks for a neighbour's buyer profile only when it is neither remembered nor on view, and a
neighbour read without it is remembered with its own buyer's profile, never with the one on view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from inquiry_tui.services.inbox.listing import ListItem
from inquiry_tui.services.inbox.rows import InquiryRow
from inquiry_tui.tui.inbox.panes import NeighbourLoaded, ReadingPanes
from tests.conftest import FIXED_NOW


def _row(inquiry_id: int, buyer_id: int) -> InquiryRow:
    return InquiryRow(
        id=inquiry_id,
        key=("2026-11-23 09:00:00.000000", inquiry_id),
        received_at=FIXED_NOW,
        subject=f"subject {inquiry_id}",
        buyer_id=buyer_id,
        buyer_name=f"buyer {buyer_id}",
        buyer_company="",
        country=None,
        verified=False,
        tier=None,
        owner_login="ana",
        channel="inquiry",
        folder="inbox",
        is_junk=False,
        unread=False,
        tagged=False,
        replied=False,
        auto_replies=0,
        overdue=False,
        version=1,
    )


@dataclass
class _List:
    rows: list[ListItem]
    cursor: int = 0
    last_step: int = 1
    page_step: int = 40

    @property
    def total(self) -> int:
        return len(self.rows)

    def item_at(self, position: int) -> ListItem | None:
        return self.rows[position] if 0 <= position < len(self.rows) else None

    def position_of(self, inquiry_id: int) -> int | None:
        return next((i for i, row in enumerate(self.rows) if row.id == inquiry_id), None)


@dataclass
class _Host:
    inquiry_list: _List
    profile_visible: bool = True
    posted: list[Any] = field(default_factory=list)
    zone: Any = UTC

    def post_message(self, message: Any) -> bool:
        self.posted.append(message)
        return True


def _panes(rows: list[ListItem]) -> tuple[ReadingPanes, _Host]:
    host = _Host(_List(rows))
    panes = ReadingPanes(host, thread=None, profile=None, on_painted=lambda _id: None)  # type: ignore[arg-type]
    return panes, host


def test_a_remembered_buyers_profile_is_not_read_again() -> None:
    # Rows 0-4; buyer 7 is on view (row 0), buyer 8 remembered from earlier, buyer 9 unknown.
    rows: list[ListItem] = [_row(1, 7), _row(2, 8), _row(3, 9), _row(4, 7), _row(5, 8)]
    panes, _host = _panes(rows)
    panes.profile_for, panes.profile = 7, "profile of 7"  # type: ignore[assignment]
    panes.profiles[7] = "profile of 7"  # type: ignore[assignment]
    panes.profiles[8] = "profile of 8"  # type: ignore[assignment]
    wanted = {item.id: want for item, want in panes._ahead_of(rows[0])}
    assert wanted == {2: False, 3: True, 4: False}  # (STEPPING: +1, +2, -1 (none), +3)


def test_a_neighbour_read_without_its_profile_keeps_its_own_buyers() -> None:
    rows: list[ListItem] = [_row(1, 7), _row(2, 8), _row(3, 9)]
    panes, _host = _panes(rows)
    panes.profile_for, panes.profile = 7, "profile of 7"  # type: ignore[assignment]
    panes.profiles[8] = "profile of 8"  # type: ignore[assignment]
    panes.neighbour_loaded(NeighbourLoaded(rows[1], "thread 2", None, False))  # type: ignore[arg-type]
    assert panes.details[2] == "thread 2" and panes.profiles[8] == "profile of 8"
    # A buyer forgotten meanwhile (neither remembered nor on view): the thread alone, no profile made up.
    panes.neighbour_loaded(NeighbourLoaded(rows[2], "thread 3", None, False))  # type: ignore[arg-type]
    assert panes.details[3] == "thread 3" and 9 not in panes.profiles
    # The buyer on view: its profile.
    panes.neighbour_loaded(NeighbourLoaded(rows[0], "thread 1", None, False))  # type: ignore[arg-type]
    assert panes.profiles[7] == "profile of 7"
    # And one read with its profile keeps the one read.
    panes.neighbour_loaded(NeighbourLoaded(_row(6, 10), "thread 6", "profile of 10", True))  # type: ignore[arg-type]
    assert panes.profiles[10] == "profile of 10"
