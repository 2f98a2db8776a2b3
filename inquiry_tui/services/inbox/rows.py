"""The inbox's row shapes: what a list row, an allocation-record row and a page window hold.

The SQL that reads them is store.queries.inbox (columns, keyset pages) and store.queries.folders
(each view's predicate). Used by services.inbox; the UI imports the dataclasses from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.vocabulary import View, allowed
from inquiry_tui.services.context import Ctx
from inquiry_tui.store import dialect
from inquiry_tui.store.dialect import Bind
from inquiry_tui.store.queries.folders import ALLOCATION_DAYS
from inquiry_tui.store.types import db_text

# The TUI's names for the views (folder bar, bindings, palette): the View enum's, as plain words.
FOLDER_NAMES = tuple(v.value for v in View)
FOLDER_TITLES = {v.value: v.title for v in View}
MAX_PAGE = 500


@dataclass(frozen=True)
class InquiryRow:
    """One line of an inquiry list. Subject, names and company are untrusted text."""

    id: int
    key: tuple[str, int]  # (received_at as stored, id): the keyset position
    received_at: datetime
    subject: str
    buyer_id: int
    buyer_name: str
    buyer_company: str
    country: str | None
    verified: bool
    tier: str | None
    owner_login: str
    channel: str  # Channel
    folder: str  # Folder: inbox | junk | deleted
    is_junk: bool
    unread: bool
    tagged: bool
    replied: bool
    auto_replies: int
    overdue: bool  # domain.due.is_overdue, computed in the query
    version: int
    note: bool = False  # an admin note on it that its owner has not seen yet (services.notes)

    @property
    def inquiry(self) -> InquiryRow:
        return self


@dataclass(frozen=True)
class AllocationRow:
    """One line of the allocation record: a routing decision and the inquiry it moved."""

    record_id: int
    key: tuple[str, int]  # (at as stored, record id)
    at: datetime
    from_login: str | None
    to_login: str
    rule: str
    actor: str
    inquiry: InquiryRow

    @property
    def id(self) -> int:
        return self.inquiry.id


ListItem = InquiryRow | AllocationRow


@dataclass(frozen=True)
class FolderCounts:
    all: int
    unread: int
    sent: int
    tagged: int
    email: int
    junk: int
    deleted: int
    allocation: int

    def of(self, folder: str) -> int:
        return int(getattr(self, folder))


@dataclass(frozen=True)
class Window:
    """Rows around an anchor: `rows[0]` sits at `first_position` of a folder of `total` rows."""

    total: int | None
    first_position: int
    rows: tuple[ListItem, ...]
    anchor_position: int = 0  # where the anchor (or the row that took its place) is


def check_folder(folder: str) -> View:
    """The view FOLDER names, or a ValidationError listing the views."""
    try:
        return View(folder)
    except ValueError:
        raise ValidationError(f"unknown folder {folder!r}; allowed: {allowed(View)}") from None


def _ts(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def key_text(value: Any) -> str:
    """A list key's time as SQLite stores it (fixed microseconds), whichever engine returned it."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(" ", "microseconds")
    return str(value)


def on_sqlite(session: Bind) -> bool:
    return dialect.is_sqlite(session)


# --- rows from the columns of store.queries.inbox --------------------------------------------


def row_from(r: Any, offset: int = 0) -> InquiryRow:
    v = r[offset:]
    return InquiryRow(
        id=v[0],
        key=(key_text(v[1]), v[0]),
        received_at=_ts(v[1]),
        subject=v[2] or "",
        buyer_id=v[3],
        buyer_name=v[4] or "",
        buyer_company=v[5] or "",
        country=v[6],
        verified=bool(v[7]),
        tier=v[8],
        owner_login=v[9],
        channel=v[10],
        folder=v[11],
        is_junk=bool(v[12]),
        unread=bool(v[13]),
        tagged=bool(v[14]),
        replied=bool(v[15]),
        auto_replies=v[16] or 0,
        overdue=bool(v[17]),
        version=v[18],
        note=bool(v[19]) if len(v) > 19 else False,
    )


def alloc_row_from(r: Any) -> AllocationRow:
    return AllocationRow(
        record_id=r[0],
        key=(key_text(r[1]), r[0]),
        at=_ts(r[1]),
        from_login=r[2],
        to_login=r[3],
        rule=r[4],
        actor=r[5],
        inquiry=row_from(r, 6),
    )


def sql_params(ctx: Ctx, **extra: Any) -> dict[str, Any]:
    """The bound values every inbox query may use: who acts, now, and the allocation record's start."""
    now = ctx.now()
    return {
        "me": ctx.actor.id,
        "now": db_text(now),
        "since": db_text(now - timedelta(days=ALLOCATION_DAYS)),
        **extra,
    }
