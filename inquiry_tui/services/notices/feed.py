"""Each account's notice feed: `notify` (the one place notices are written), read, count, mark read.

Producers (allocation, overdue warnings, RFQ subscriptions, appointments, admin notes,
platform notices) call `notify` inside their own transaction, so a notice exists exactly when
the change it tells of was committed. Reading a feed is not a change of the business and
writes no audit row; marking read touches only the reader's own notices.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, RowMapping, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.notices import MAX_TEXT, NoticeKind
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notices.checks import unread_count as unread_count
from inquiry_tui.store import raw
from inquiry_tui.store.core import run_dml, table_of
from inquiry_tui.store.models import Notice
from inquiry_tui.store.types import bind_text

PAGE = 200

_t = table_of(Notice)
_INSERT_SQL = (
    "INSERT INTO notice (account_id, kind, text, ref_kind, ref_id, created_at, read_at, dedupe) "
    "VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)"
)


@dataclass(frozen=True)
class NoticeRow:
    """One notice as the feed shows it. `text` may quote buyer text: show it through safe_text."""

    id: int
    kind: NoticeKind
    text: str
    ref_kind: str
    ref_id: str
    created_at: datetime
    read: bool

    @property
    def title(self) -> str:
        return self.kind.title


def notify(
    conn: Session | Connection,
    to: int | Iterable[int],
    kind: NoticeKind,
    text: str,
    *,
    at: datetime,
    ref_kind: str = "",
    ref_id: object = "",
    dedupe: str | None = None,
) -> int:
    """Add a notice for each account in TO in the caller's transaction; returns how many were added.

    With DEDUPE, an account that already has a notice with the same key gets no second one
    (one overdue warning per inquiry, one match per RFQ and subscriber).
    """
    ids = [to] if isinstance(to, int) else sorted(set(to))
    if not ids:
        return 0
    rows = [
        {
            "account_id": account_id,
            "kind": str(kind),
            "text": text[:MAX_TEXT],
            "ref_kind": ref_kind,
            "ref_id": str(ref_id),
            "created_at": at,
            "read_at": None,
            "dedupe": dedupe,
        }
        for account_id in ids
    ]
    if dedupe is None:
        if isinstance(conn, Connection) and conn.dialect.name == "sqlite":  # every arrival's: store.raw
            created = bind_text(at)
            raw.run_many(
                conn,
                _INSERT_SQL,
                [(r["account_id"], r["kind"], r["text"], r["ref_kind"], r["ref_id"], created) for r in rows],
            )
            return len(rows)
        conn.execute(insert(_t), rows)
        return len(rows)
    dialect = conn.get_bind().dialect.name if isinstance(conn, Session) else conn.dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(_t).on_conflict_do_nothing(index_elements=["account_id", "dedupe"])
    added = 0
    for row in rows:  # the ids returned tell what was added (rowcount is not told for ON CONFLICT on every driver)
        added += len(run_dml(conn, statement.returning(_t.c.id), row).all())
    return added


def notices(ctx: Ctx, *, unread_only: bool = False, before_id: int | None = None, limit: int = PAGE) -> list[NoticeRow]:
    """The acting account's notices, newest first, one keyset page after BEFORE_ID."""
    if ctx.actor.id is None:
        return []
    query = select(_t).where(_t.c.account_id == ctx.actor.id)
    if unread_only:
        query = query.where(_t.c.read_at.is_(None))
    if before_id is not None:
        query = query.where(_t.c.id < before_id)
    query = query.order_by(_t.c.id.desc()).limit(max(1, min(limit, PAGE)))
    with ctx.read() as session:
        return [_row(r) for r in session.execute(query).mappings()]


def mark_read(ctx: Ctx, ids: Iterable[int] | None = None) -> int:
    """Mark the acting account's notices IDS read (all unread ones with None); returns how many changed.

    An id that is not one of the reader's own notices is an error, and nothing is marked.
    """
    if ctx.actor.id is None:
        return 0
    wanted = None if ids is None else sorted(set(ids))
    with ctx.write() as session:
        if wanted is not None:
            own = set(
                session.execute(select(_t.c.id).where(_t.c.account_id == ctx.actor.id, _t.c.id.in_(wanted))).scalars()
            )
            missing = [i for i in wanted if i not in own]
            if missing:
                raise ValidationError(f"no notice {missing[0]} in your feed")
        statement = update(_t).where(_t.c.account_id == ctx.actor.id, _t.c.read_at.is_(None)).values(read_at=ctx.now())
        if wanted is not None:
            statement = statement.where(_t.c.id.in_(wanted))
        return session.exec(statement).rowcount or 0


def _row(r: RowMapping) -> NoticeRow:
    m = dict(r)
    try:
        kind = NoticeKind(m["kind"])
    except ValueError:
        kind = NoticeKind.PLATFORM  # a kind from a newer app reads as a plain notice
    return NoticeRow(
        id=m["id"],
        kind=kind,
        text=m["text"],
        ref_kind=m["ref_kind"],
        ref_id=m["ref_id"],
        created_at=m["created_at"],
        read=m["read_at"] is not None,
    )
