"""The one audit writer: every audit row is built by `audit_row` and written in the caller's transaction.

Two forms share the row: `audit` adds it to an ORM session (the use cases), `audit_conn`
inserts it on a Core connection (the bulk paths: imports, re-allocation). Rows are
append-only: triggers refuse UPDATE and DELETE (see the initial migration). A later change
that chains rows (each carrying a hash of the one before) changes `audit_row` and the two
writers here, and nothing else.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert
from sqlmodel import Session

from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import AuditLog

if TYPE_CHECKING:
    from inquiry_tui.services.context import Ctx

__all__ = ["audit", "audit_conn", "audit_row"]

_INSERT = insert(table_of(AuditLog))


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
) -> dict[str, Any]:
    """The columns of one audit row: who did what to which entity, with its state before and after (JSON)."""
    return {
        "at": at,
        "actor": actor,
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
    )
    session.add(AuditLog(**row))


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
) -> None:
    """Append an audit row on a Core connection, in its transaction (the bulk paths)."""
    row = audit_row(at=at, actor=actor, action=action, entity=entity, entity_id=entity_id, before=before, after=after)
    conn.execute(_INSERT, row)
