"""The overdue warnings: their text, and on SQLite their write in plain SQL (no ORM, no models).

The TUI's overdue check (services/notices/checks.py) runs once a minute; at 1M inquiries it finds
warnings to write, and writing them through `feed.notify` loaded SQLModel, pydantic, SQLAlchemy's ORM
and the models into a session that only reads its inbox: some 18 MB of RSS for the rest of the
session (docs/performance.md, "A session's memory, session 12"). On SQLite the warnings go in here
as `notify` would write them (one per inquiry and owner: the dedupe key, ON CONFLICT DO NOTHING);
on PostgreSQL, `services/notices/producers.py` writes them through `notify`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from inquiry_tui.domain.notices import MAX_TEXT, NoticeKind
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.store import raw
from inquiry_tui.store.queries.notices import OVERDUE_KEY, due_soon
from inquiry_tui.store.types import bind_text

if TYPE_CHECKING:
    from sqlalchemy import Connection

SUBJECT_CHARS = 100

_INSERT_SQL = (
    "INSERT INTO notice (account_id, kind, text, ref_kind, ref_id, created_at, read_at, dedupe) "
    "VALUES (?, ?, ?, 'inquiry', ?, ?, NULL, ?) ON CONFLICT (account_id, dedupe) DO NOTHING RETURNING id"
)


def subject_line(subject: str) -> str:
    """A buyer's subject as a notice quotes it: one safe line, cut to SUBJECT_CHARS."""
    return truncate(safe_line(subject).strip(), SUBJECT_CHARS) or "(no subject)"


def _in(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def due_time(due: object) -> datetime:
    """A due time as read (a datetime, or SQLite's stored text), aware in UTC."""
    due_at = due if isinstance(due, datetime) else datetime.fromisoformat(str(due))
    return due_at.replace(tzinfo=UTC) if due_at.tzinfo is None else due_at


def overdue_text(inquiry_id: int, due_at: datetime, now: datetime, subject: str) -> str:
    """The warning for an inquiry due at DUE_AT, as of NOW."""
    if due_at > now:
        return f"#{inquiry_id} will be overdue in {_in(due_at - now)}: {subject_line(subject)}"
    return f"#{inquiry_id} is overdue (since {_in(now - due_at)}): {subject_line(subject)}"


def write_overdue_sqlite(conn: Connection, now: datetime, owner: int | None) -> int:
    """Warn the owners of open inquiries near or just past their limit (once each; OWNER: only theirs), on a
    SQLite Core connection in a write transaction; returns how many warnings were written."""
    from inquiry_tui.services.notices.checks import OVERDUE_FLOOR, OVERDUE_WARNING

    rows: list[Any] = due_soon(conn, until=now + OVERDUE_WARNING, since=now - OVERDUE_FLOOR, owner=owner)
    created = bind_text(now)
    written = 0
    for inquiry_id, owner_id, due, subject in rows:
        text = overdue_text(inquiry_id, due_time(due), now, subject or "")[:MAX_TEXT]
        params = (owner_id, str(NoticeKind.OVERDUE), text, str(inquiry_id), created, f"{OVERDUE_KEY}{inquiry_id}")
        written += len(raw.rows(conn, _INSERT_SQL, params))
    return written
