"""The notices' SQL: inquiries that need an overdue warning (open, due soon or lately, not yet warned).

An inquiry is due exactly RESPONSE_LIMIT after it arrived (domain.due; every writer of
`due_at` uses that rule), so a window of due times is also a window of arrival times: the
query bounds `received_at` too and SQLite walks (folder, received_at) over that window only,
instead of every open inquiry in the inbox.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from inquiry_tui.domain.due import RESPONSE_LIMIT
from inquiry_tui.store import dialect, raw
from inquiry_tui.store.plain_sql import Reader
from inquiry_tui.store.queries.folders import open_sql
from inquiry_tui.store.types import bind_text

if TYPE_CHECKING:
    from sqlalchemy import TextClause

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


@cache
def _due_soon(*, own: bool = False, ids: bool = False, hint: str = "") -> TextClause:
    """The statement with typed times, for SQLAlchemy connections and sessions (made once, when first used)."""
    from sqlalchemy import bindparam, text

    from inquiry_tui.store.utc_column import UTCDateTime

    sql = _due_soon_sql(own=own, ids=ids, hint=hint)
    return text(sql).bindparams(*(bindparam(name, type_=UTCDateTime()) for name in _TIMES))


# Every arrival batch runs these on SQLite (services.notices.producers.warn_arrivals): driver SQL through
# the DBAPI cursor (store.raw), times bound as the text UTCDateTime would bind; the TUI's overdue check
# runs them on a plain sqlite3 connection (Ctx.read_plain).
_DUE_SOON_ALL_SQLITE = _due_soon_sql()
_DUE_SOON_OWN_SQLITE = _due_soon_sql(own=True)
_DUE_SOON_IDS_SQLITE = _due_soon_sql(ids=True, hint=" NOT INDEXED")


def due_soon(
    conn: Reader,
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
    texts: dict[str, Any] = {name: bind_text(params[name]) for name in _TIMES}
    if ids is not None:
        sql, bound = _DUE_SOON_IDS_SQLITE, {**texts, "first": ids[0], "last": ids[1]}
    elif owner is None:
        sql, bound = _DUE_SOON_ALL_SQLITE, texts
    else:
        sql, bound = _DUE_SOON_OWN_SQLITE, {**texts, "me": owner}
    if isinstance(conn, sqlite3.Connection):
        return conn.execute(sql, bound).fetchall()
    from sqlalchemy import Connection  # loaded already: CONN is one of its connections or sessions

    if isinstance(conn, Connection) and conn.dialect.name == "sqlite":
        return raw.rows(conn, sql, bound)
    if ids is not None:
        query = _due_soon(ids=True, hint=" NOT INDEXED" if dialect.is_sqlite(conn) else "")
        return list(conn.execute(query, {**params, "first": ids[0], "last": ids[1]}))
    if owner is None:
        return list(conn.execute(_due_soon(), params))
    return list(conn.execute(_due_soon(own=True), {**params, "me": owner}))
