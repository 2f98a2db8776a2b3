"""The block list: e-mails, member ids and countries whose arrivals go straight to Deleted.

The admin keeps it; every change is audited. Values are stored the way arrivals compare them
(e-mail lower case, country as its ISO alpha-2 code), so what is listed is what blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from inquiry_tui.domain.countries import normalize_country
from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.context import Ctx, audit
from inquiry_tui.services.customers.input import EMAIL_RE
from inquiry_tui.store.models import BlockEntry

KINDS = ("email", "member_id", "country")
MAX_VALUE = 200
MAX_NOTE = 200


@dataclass(frozen=True)
class BlockInfo:
    kind: str
    value: str
    note: str
    created_at: datetime


def normalize_block(kind: str, value: str) -> tuple[str, str]:
    """(kind, value) as stored and compared, or a ValidationError naming what is wrong."""
    kind = kind.strip().lower().replace("-", "_")
    if kind not in KINDS:
        raise ValidationError(f"block kind {kind!r} is not allowed; allowed: {', '.join(KINDS)}")
    value = value.strip()
    if not value:
        raise ValidationError(f"a blocked {kind} must not be empty")
    if len(value) > MAX_VALUE:
        raise ValidationError(f"a blocked {kind} is at most {MAX_VALUE} characters")
    if kind == "email":
        value = value.lower()
        if not EMAIL_RE.match(value):
            raise ValidationError(f"{safe_line(value)!r} is not an e-mail address")
    elif kind == "country":
        value = normalize_country(value)
    return kind, value


def list_blocks(ctx: Ctx) -> list[BlockInfo]:
    """Every entry, by kind then value (admin only: the list names buyers)."""
    ctx.require_admin("see the block list")
    with ctx.read() as session:
        rows = session.exec(select(BlockEntry).order_by(col(BlockEntry.kind), col(BlockEntry.value))).all()
        return [BlockInfo(r.kind, r.value, r.note, r.created_at) for r in rows]


def add_block(ctx: Ctx, kind: str, value: str, note: str = "") -> BlockInfo:
    """Block future arrivals from this e-mail, member id or country (already there: an error)."""
    ctx.require_admin("change the block list")
    kind, value = normalize_block(kind, value)
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(f"the note is at most {MAX_NOTE} characters")
    with ctx.write() as session:
        if _find(session, kind, value) is not None:
            raise ValidationError(f"{kind} {safe_line(value)!r} is already blocked")
        entry = BlockEntry(kind=kind, value=value, note=note, created_at=ctx.now())
        session.add(entry)
        audit(session, ctx, "block_add", "block", f"{kind}:{value}", after={"kind": kind, "value": value, "note": note})
        return BlockInfo(kind, value, note, entry.created_at)


def remove_block(ctx: Ctx, kind: str, value: str) -> BlockInfo:
    """Unblock: arrivals from it are judged normally again (inquiries already deleted stay)."""
    ctx.require_admin("change the block list")
    kind, value = normalize_block(kind, value)
    with ctx.write() as session:
        entry = _find(session, kind, value)
        if entry is None:
            raise NotFound(f"{kind} {safe_line(value)!r} is not on the block list")
        info = BlockInfo(entry.kind, entry.value, entry.note, entry.created_at)
        session.delete(entry)
        audit(
            session,
            ctx,
            "block_remove",
            "block",
            f"{kind}:{value}",
            before={"kind": kind, "value": value, "note": info.note},
        )
        return info


def _find(session: Session, kind: str, value: str) -> BlockEntry | None:
    return session.exec(select(BlockEntry).where(BlockEntry.kind == kind, BlockEntry.value == value)).one_or_none()
