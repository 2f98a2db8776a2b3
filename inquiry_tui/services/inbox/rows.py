"""The inbox's row shapes and the SQL that reads them: folders, columns, role filters.

Buyer text columns are cut only when long (see `_short`), the SQL is built from constants
here, never from user text, and `INDEXED BY` pins each folder to its partial index.
Used by services.inbox; the UI imports the dataclasses from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.types import db_text

FOLDER_NAMES = ("all", "unread", "sent", "tagged", "junk", "deleted", "allocation")
FOLDER_TITLES = {
    "all": "All",
    "unread": "Unread",
    "sent": "Sent",
    "tagged": "Tagged",
    "junk": "Junk",
    "deleted": "Deleted",
    "allocation": "Allocation record",
}
ALLOCATION_DAYS = 30
MAX_PAGE = 500
_SUBJECT_CHARS = 240  # a list row never needs more; a hostile 1 MB subject stays in the store


@dataclass(frozen=True)
class _Folder:
    where: str
    index: str  # admin: every owner
    owner_index: str  # salesperson: leading owner_id column


_FOLDERS = {
    "all": _Folder("i.folder = 'inbox'", "ix_inquiry_folder_recv", "ix_inquiry_owner_folder_recv"),
    "unread": _Folder("i.unread = 1 AND i.folder = 'inbox'", "ix_inquiry_unread", "ix_inquiry_owner_unread"),
    "sent": _Folder("i.replied = 1 AND i.folder != 'deleted'", "ix_inquiry_sent", "ix_inquiry_owner_sent"),
    "tagged": _Folder("i.tagged = 1 AND i.folder != 'deleted'", "ix_inquiry_tagged", "ix_inquiry_owner_tagged"),
    "junk": _Folder("i.folder = 'junk'", "ix_inquiry_folder_recv", "ix_inquiry_owner_folder_recv"),
    "deleted": _Folder("i.folder = 'deleted'", "ix_inquiry_folder_recv", "ix_inquiry_owner_folder_recv"),
}


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
    channel: str
    folder: str  # inbox | junk | deleted
    is_junk: bool
    unread: bool
    tagged: bool
    replied: bool
    auto_replies: int
    overdue: bool
    version: int

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


def check_folder(folder: str) -> str:
    if folder not in FOLDER_NAMES:
        raise ValidationError(f"unknown folder {folder!r}; allowed: {', '.join(FOLDER_NAMES)}")
    return folder


def _ts(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def on_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


# --- inquiry folders -------------------------------------------------------------------------


def _short(column: str, chars: int) -> str:
    """COLUMN, cut to CHARS characters only when it is long.

    SQLite's substr() and length() stop at a NUL character, so cutting every value would let
    a NUL hide the rest of a subject; the byte length (of the value as a blob) does not stop.
    """
    return (
        f"CASE WHEN length(CAST({column} AS BLOB)) <= {chars * 4} THEN {column} ELSE substr({column}, 1, {chars}) END"
    )


ROW_COLUMNS = (
    f"i.id, i.received_at, {_short('i.subject', _SUBJECT_CHARS)}, i.buyer_id, {_short('b.name', 120)}, "
    f"{_short('b.company', 120)}, b.country, b.verified, b.tier, a.login, i.channel, i.folder, i.is_junk, "
    "i.unread, i.tagged, i.replied, i.auto_replies, "
    "(i.first_response_at IS NULL AND i.folder = 'inbox' AND i.due_at IS NOT NULL AND i.due_at < :now), i.version"
)
ROW_JOINS = "JOIN buyer b ON b.id = i.buyer_id JOIN account a ON a.id = i.owner_id"


def row_from(r: Any, offset: int = 0) -> InquiryRow:
    v = r[offset:]
    return InquiryRow(
        id=v[0],
        key=(str(v[1]), v[0]),
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
    )


def inquiry_from(session: Session, ctx: Ctx, folder: str) -> tuple[str, str]:
    """FROM clause with the folder's index, and the WHERE clause (role filter included)."""
    spec = _FOLDERS[folder]
    own = not ctx.actor.is_admin
    hint = f" INDEXED BY {spec.owner_index if own else spec.index}" if on_sqlite(session) else ""
    where = spec.where + (" AND i.owner_id = :me" if own else "")
    return f"inquiry AS i{hint}", where


# --- allocation record -----------------------------------------------------------------------

ALLOC_COLUMNS = f"ar.id, ar.at, fa.login, ta.login, ar.rule, ar.actor, {ROW_COLUMNS}"
ALLOC_FROM = (
    "allocation_record AS ar JOIN inquiry i ON i.id = ar.inquiry_id "
    f"{ROW_JOINS} LEFT JOIN account fa ON fa.id = ar.from_id JOIN account ta ON ta.id = ar.to_id"
)


def alloc_where(ctx: Ctx) -> str:
    # A salesperson's record: what was allocated to them and what they (or the admin) moved away.
    own = "" if ctx.actor.is_admin else " AND (ar.to_id = :me OR ar.from_id = :me)"
    return "ar.at >= :since" + own


def alloc_row_from(r: Any) -> AllocationRow:
    return AllocationRow(
        record_id=r[0],
        key=(str(r[1]), r[0]),
        at=_ts(r[1]),
        from_login=r[2],
        to_login=r[3],
        rule=r[4],
        actor=r[5],
        inquiry=row_from(r, 6),
    )


def sql_params(ctx: Ctx, **extra: Any) -> dict[str, Any]:
    now = ctx.now()
    return {
        "me": ctx.actor.id,
        "now": db_text(now),
        "since": db_text(now - timedelta(days=ALLOCATION_DAYS)),
        **extra,
    }
