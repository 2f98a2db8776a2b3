"""The notices' SQL: inquiries that need an overdue warning (open, due soon or lately, not yet warned).

An inquiry is due exactly RESPONSE_LIMIT after it arrived (domain.due; every writer of
`due_at` uses that rule), so a window of due times is also a window of arrival times: the
query bounds `received_at` too and SQLite walks (folder, received_at) over that window only,
instead of every open inquiry in the inbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, text
from sqlmodel import Session

from inquiry_tui.domain.due import RESPONSE_LIMIT
from inquiry_tui.store import raw
from inquiry_tui.store.queries.folders import open_sql
from inquiry_tui.store.types import UTCDateTime, bind_text

OVERDUE_KEY = "overdue:"  # a warning's dedupe key is this and the inquiry id

_SUBJECT_CHARS = 120


def _due_soon_sql(*, own: bool = False, ids: bool = False, hint: str = "") -> str:
    mine = " AND i.owner_id = :me" if own else ""
    among = " AND i.id BETWEEN :first AND :last" if ids else ""
    sql = (
        f"SELECT i.id, i.owner_id, i.due_at, substr(i.subject, 1, {_SUBJECT_CHARS}) FROM inquiry AS i{hint} "
        f"WHERE {open_sql('i')} AND i.due_at IS NOT NULL AND i.due_at <= :until AND i.due_at > :since{mine}{among} "
        "AND i.received_at <= :received_until AND i.received_at > :received_since "
        "AND NOT EXISTS (SELECT 1 FROM notice AS n WHERE n.account_id = i.owner_id "
        f"AND n.dedupe = '{OVERDUE_KEY}' || CAST(i.id AS VARCHAR(20))) ORDER BY i.due_at, i.id"
    )
    return sql


_TIMES = ("until", "since", "received_until", "received_since")


def _due_soon(*, own: bool = False, ids: bool = False, hint: str = "") -> Any:
    sql = _due_soon_sql(own=own, ids=ids, hint=hint)
    return text(sql).bindparams(*(bindparam(name, type_=UTCDateTime()) for name in _TIMES))


_DUE_SOON_ALL = _due_soon()
_DUE_SOON_OWN = _due_soon(own=True)
_DUE_SOON_IDS = _due_soon(ids=True)
# A batch's own new inquiries: SQLite would walk the arrival-time window; the id range is a few rows.
_DUE_SOON_IDS_NOT_INDEXED = _due_soon(ids=True, hint=" NOT INDEXED")
# Every arrival batch runs these on SQLite (services.notices.producers.warn_arrivals): driver SQL through
# the DBAPI cursor (store.raw), times bound as the text UTCDateTime would bind.
_DUE_SOON_ALL_SQLITE = _due_soon_sql()
_DUE_SOON_OWN_SQLITE = _due_soon_sql(own=True)
_DUE_SOON_IDS_SQLITE = _due_soon_sql(ids=True, hint=" NOT INDEXED")


def due_soon(
    conn: Session | Connection,
    *,
    until: datetime,
    since: datetime,
    owner: int | None,
    ids: tuple[int, int] | None = None,
) -> list[Any]:
    """(id, owner id, due_at, subject) of open inquiries due in (SINCE, UNTIL] with no warning to their owner yet;
    OWNER: one owner's; IDS: only ids in that (first, last) range."""
    params: dict[str, Any] = {
        "until": until,
        "since": since,
        "received_until": until - RESPONSE_LIMIT,
        "received_since": since - RESPONSE_LIMIT,
    }
    if isinstance(conn, Connection) and conn.dialect.name == "sqlite":
        texts: dict[str, Any] = {name: bind_text(params[name]) for name in _TIMES}
        if ids is not None:
            return raw.rows(conn, _DUE_SOON_IDS_SQLITE, {**texts, "first": ids[0], "last": ids[1]})
        if owner is None:
            return raw.rows(conn, _DUE_SOON_ALL_SQLITE, texts)
        return raw.rows(conn, _DUE_SOON_OWN_SQLITE, {**texts, "me": owner})
    if ids is not None:
        sqlite = (conn.get_bind() if isinstance(conn, Session) else conn).dialect.name == "sqlite"
        query = _DUE_SOON_IDS_NOT_INDEXED if sqlite else _DUE_SOON_IDS
        return list(conn.execute(query, {**params, "first": ids[0], "last": ids[1]}))
    if owner is None:
        return list(conn.execute(_DUE_SOON_ALL, params))
    return list(conn.execute(_DUE_SOON_OWN, {**params, "me": owner}))
