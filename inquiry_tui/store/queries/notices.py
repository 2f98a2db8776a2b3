"""The notices' SQL: inquiries that need an overdue warning (open, due soon or lately, not yet warned)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, text
from sqlmodel import Session

from inquiry_tui.store.queries.folders import open_sql
from inquiry_tui.store.types import UTCDateTime

OVERDUE_KEY = "overdue:"  # a warning's dedupe key is this and the inquiry id

_SUBJECT_CHARS = 120


def _due_soon(*, own: bool) -> Any:
    mine = " AND i.owner_id = :me" if own else ""
    sql = (
        f"SELECT i.id, i.owner_id, i.due_at, substr(i.subject, 1, {_SUBJECT_CHARS}) FROM inquiry AS i "
        f"WHERE {open_sql('i')} AND i.due_at IS NOT NULL AND i.due_at <= :until AND i.due_at > :since{mine} "
        "AND NOT EXISTS (SELECT 1 FROM notice AS n WHERE n.account_id = i.owner_id "
        f"AND n.dedupe = '{OVERDUE_KEY}' || CAST(i.id AS VARCHAR(20))) ORDER BY i.due_at, i.id"
    )
    return text(sql).bindparams(bindparam("until", type_=UTCDateTime()), bindparam("since", type_=UTCDateTime()))


_DUE_SOON_ALL = _due_soon(own=False)
_DUE_SOON_OWN = _due_soon(own=True)


def due_soon(conn: Session | Connection, *, until: datetime, since: datetime, owner: int | None) -> list[Any]:
    """(id, owner id, due_at, subject) of open inquiries due in (SINCE, UNTIL] with no warning to their owner yet;
    OWNER: one owner's."""
    if owner is None:
        return list(conn.execute(_DUE_SOON_ALL, {"until": until, "since": since}))
    return list(conn.execute(_DUE_SOON_OWN, {"until": until, "since": since, "me": owner}))
