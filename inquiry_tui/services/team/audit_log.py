"""The audit-log viewer's data: keyset pages of audit rows (who, what, before, after, when), admin only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import col, select

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.vocabulary import SYSTEM_LOGIN
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.core import id_of
from inquiry_tui.store.models import Account, AuditLog

PAGE_SIZE = 50
MAX_PAGE = 500


@dataclass(frozen=True)
class FieldChange:
    """One top-level key whose value differs between `before` and `after` (JSON text of each)."""

    key: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    before: str  # JSON as stored ("" when there was no before)
    after: str
    os_user: str = ""  # the OS account of the process that wrote it ("" for rows older than the column)

    def changes(self) -> tuple[FieldChange, ...]:
        return diff_fields(self.before, self.after)


@dataclass(frozen=True)
class AuditPage:
    entries: tuple[AuditEntry, ...]
    next_before_id: int | None  # pass as `before_id` for the next (older) page; None at the end


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    actor: str | None = None
    entity: str | None = None


def _loads(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _show(value: Any) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)


def diff_fields(before: str, after: str) -> tuple[FieldChange, ...]:
    """Top-level keys that changed, added or went away; a non-object side compares as a whole."""
    b, a = _loads(before), _loads(after)
    if isinstance(b, dict) or isinstance(a, dict):
        b_d = b if isinstance(b, dict) else {}
        a_d = a if isinstance(a, dict) else {}
        keys = sorted(set(b_d) | set(a_d))
        return tuple(FieldChange(k, _show(b_d.get(k)), _show(a_d.get(k))) for k in keys if b_d.get(k) != a_d.get(k))
    if b == a:
        return ()
    return (FieldChange("", _show(b), _show(a)),)


def audit_page(
    ctx: Ctx, flt: AuditFilter = AuditFilter(), *, before_id: int | None = None, limit: int = PAGE_SIZE
) -> AuditPage:
    """Newest first; keyset on id (rows are append-only, so ids order them by insertion)."""
    ctx.require_admin("read the audit log")
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"page size must be 1..{MAX_PAGE}, got {limit}")
    query = select(AuditLog)
    if before_id is not None:
        query = query.where(col(AuditLog.id) < before_id)
    if flt.action:
        query = query.where(AuditLog.action == flt.action)
    if flt.actor:
        query = query.where(AuditLog.actor == flt.actor)
    if flt.entity:
        query = query.where(AuditLog.entity == flt.entity)
    query = query.order_by(col(AuditLog.id).desc()).limit(limit + 1)
    with ctx.read() as session:
        rows = session.exec(query).all()
        entries = tuple(
            AuditEntry(id_of(r), r.at, r.actor, r.action, r.entity, r.entity_id, r.before, r.after, r.os_user)
            for r in rows[:limit]
        )
    more = len(rows) > limit
    return AuditPage(entries, entries[-1].id if more and entries else None)


def audit_choices(ctx: Ctx) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The distinct actions and actors, for the viewer's filters."""
    ctx.require_admin("read the audit log")
    with ctx.read() as session:
        # A loose index scan (one seek per distinct value on ix_auditlog_action): the log grows
        # by a row per arrival, and SELECT DISTINCT would read every one of them.
        actions = session.execute(_DISTINCT_ACTIONS).scalars().all()
        logins = session.exec(select(Account.login).order_by(Account.login)).all()
    # Actors are accounts or `system`; reading them from the accounts avoids a full log scan.
    return tuple(actions), (SYSTEM_LOGIN, *logins)


_DISTINCT_ACTIONS = text(
    """
    WITH RECURSIVE a(x) AS (
        SELECT min(action) FROM audit_log
        UNION ALL
        SELECT (SELECT min(action) FROM audit_log WHERE action > a.x) FROM a WHERE a.x IS NOT NULL
    )
    SELECT x FROM a WHERE x IS NOT NULL
    """
)
