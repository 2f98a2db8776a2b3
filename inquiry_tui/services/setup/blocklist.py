"""The block list: e-mails, member ids and countries whose arrivals go straight to Deleted.

The admin keeps it; every change is audited. Values are stored the way arrivals compare them
(e-mail lower case, country as its ISO alpha-2 code), so what is listed is what blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.domain.text import safe_line
from inquiry_tui.domain.vocabulary import BlockKind
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.records.errors import FieldErrors
from inquiry_tui.store.models import BlockEntry

KINDS = tuple(k.value for k in BlockKind)  # the admin's block-list form offers these


@dataclass(frozen=True)
class BlockInfo:
    kind: str
    value: str
    note: str
    created_at: datetime


def _checked(kind: str, value: str, note: str = "") -> tuple[str, str, str]:
    """(kind, value, note) as stored and compared, or a FieldErrors naming each bad field.

    A bad value is named by its kind (`country: 'QQ' is not ...`): that is the field a person typed.
    """
    from inquiry_tui.services.records.blocks import BlockEntryRecord  # pydantic: only when the list changes
    from inquiry_tui.services.records.validate import check_form

    try:
        entry = check_form(BlockEntryRecord, {"kind": kind, "value": value, "note": note})
    except FieldErrors as exc:
        named = kind.strip().lower().replace("-", "_") if "kind" not in exc.errors else "value"
        raise FieldErrors({named if k == "value" else k: v for k, v in exc.errors.items()}) from None
    return entry.kind, entry.value, entry.note


def normalize_block(kind: str, value: str) -> tuple[str, str]:
    """(kind, value) as stored and compared, or a ValidationError naming what is wrong."""
    kind, value, _ = _checked(kind, value)
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
    kind, value, note = _checked(kind, value, note)
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
