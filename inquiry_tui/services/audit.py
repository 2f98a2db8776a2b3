"""The one audit writer: every audit row is built by `audit_row` and appended to the chain in the caller's transaction.

Two forms share the row: `audit` writes it on an ORM session's connection (the use cases),
`audit_conn` on a Core connection (the bulk paths: imports, re-allocation). Each row records
the acting account and the real OS user of the process, and is appended to the chain by
`append`: the next id, the previous row's hash and its own (`domain.audit_chain`), the chain's
head moved in the same transaction. Rows are append-only: triggers refuse UPDATE and DELETE
(migration 0001), and `db verify` finds a row changed, inserted or removed outside the app.

`append` is the one place that locks the chain (docs/store.md, "Audit log"): it reads the head
with `SELECT ... FOR UPDATE` (a row lock on PostgreSQL, so writers on several hosts take turns;
SQLite drops the clause, its write transactions being serialised by BEGIN IMMEDIATE), gives
the row the next id, and moves the head in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, update
from sqlmodel import Session

from inquiry_tui.config import real_os_user
from inquiry_tui.domain.audit_chain import at_text, row_hash
from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.store import raw
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import AuditChain, AuditLog
from inquiry_tui.store.queries.audit_chain import HEAD, HEAD_ID
from inquiry_tui.store.types import bind_text

if TYPE_CHECKING:
    from inquiry_tui.services.context import Ctx

__all__ = ["ChainHeadMissing", "append", "audit", "audit_conn", "audit_row"]

_INSERT = insert(table_of(AuditLog))
_chain = table_of(AuditChain)
_MOVE_HEAD = update(_chain).where(_chain.c.id == HEAD_ID)
# The same three statements as driver SQL (SQLite: its write transactions are serialised, so no FOR UPDATE).
_COLUMNS = ("actor", "action", "entity", "entity_id", "before", "after", "os_user")
_HEAD_SQL = "SELECT last_id, last_hash FROM audit_chain WHERE id = ?"
_INSERT_SQL = (
    'INSERT INTO audit_log (id, at, actor, action, entity, entity_id, "before", "after", os_user, prev_hash, hash) '
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_MOVE_HEAD_SQL = "UPDATE audit_chain SET last_id = ?, last_hash = ? WHERE id = ?"


class ChainHeadMissing(InquiryError):
    def __init__(self) -> None:
        super().__init__(
            "the audit log's chain head was removed outside the app, so nothing more can be recorded; "
            "`inquiry-tui db verify` tells what else changed; restore the store from a backup"
        )


def _json(value: dict[str, Any] | None) -> str:
    return json.dumps(value, sort_keys=True, default=str) if value is not None else ""


def audit_row(
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    os_user: str | None = None,
) -> dict[str, Any]:
    """The columns of one audit row: who (account and OS user) did what to which entity, with its state before and after (JSON)."""
    return {
        "at": at,
        "actor": actor,
        "os_user": os_user if os_user is not None else real_os_user(),
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "before": _json(before),
        "after": _json(after),
    }


def audit(
    session: Session,
    ctx: Ctx,
    action: str,
    entity: str,
    entity_id: object = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append an audit row by the acting account, now, in the session's transaction."""
    row = audit_row(
        at=ctx.now(),
        actor=ctx.actor.login,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
        os_user=ctx.os_user,
    )
    append(session.connection(), row)


def audit_conn(
    conn: Connection,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: object = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    os_user: str | None = None,
) -> None:
    """Append an audit row on a Core connection, in its transaction (the bulk paths)."""
    row = audit_row(
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
        os_user=os_user,
    )
    append(conn, row)


def append(conn: Connection, row: Mapping[str, Any]) -> int:
    """Insert audit ROW (the columns of `audit_row`) as the chain's next row, under the head's lock; its id.

    On SQLite through the DBAPI cursor (store.raw: every write of the app ends here, an arrival
    included), with the time as the text SQLAlchemy would have stored; elsewhere Core statements.
    """
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        found = raw.first(conn, _HEAD_SQL, (HEAD_ID,))
    else:
        head = conn.execute(HEAD.with_for_update()).one_or_none()
        found = None if head is None else tuple(head)
    if found is None:
        raise ChainHeadMissing()
    last_id, last_hash = found
    row_id = int(last_id) + 1
    at = row["at"]
    digest = row_hash(
        last_hash,
        row_id,
        at=at_text(at),
        actor=row["actor"],
        os_user=row["os_user"],
        action=row["action"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        before=row["before"],
        after=row["after"],
    )
    if sqlite:
        values = (row_id, bind_text(at), *(row[c] for c in _COLUMNS), last_hash, digest)
        raw.run(conn, _INSERT_SQL, values)
        raw.run(conn, _MOVE_HEAD_SQL, (row_id, digest, HEAD_ID))
        return row_id
    conn.execute(_INSERT, {**row, "id": row_id, "prev_hash": last_hash, "hash": digest})
    conn.execute(_MOVE_HEAD, {"last_id": row_id, "last_hash": digest})
    return row_id
