"""Admin notes: add (admin), read (the owner and the admin), mark seen (the owner), list.

A note is for the owner of what it is on at the time it is written (`to`); the owner gets a
notice (kind `admin_note`) and the inquiry list and the customer's profile mark it until it is
seen. Opening the inquiry (or the customer's profile) marks its notes seen when the viewer is
its owner now or the note's addressee, so a reassigned inquiry's new owner clears the mark
too. Adding is audited (`note_add`, with the text); seeing is not a change of the business.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session

from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.domain.notices import NoticeKind
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.domain.vocabulary import NoteTarget
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notes.note_row import NoteRow as NoteRow
from inquiry_tui.services.notes.note_row import note_row, notes_on_inquiry_in
from inquiry_tui.services.notices.feed import notify
from inquiry_tui.store.core import run_dml, table_of
from inquiry_tui.store.models import Account, AdminNote, Buyer, Inquiry

PAGE = 200
_n = table_of(AdminNote)
_i = table_of(Inquiry)
_b = table_of(Buyer)
_a = table_of(Account)


def _check(text: str) -> str:
    from inquiry_tui.services.records.notes import NoteRecord  # pydantic stays off the TUI's start-up path
    from inquiry_tui.services.records.validate import check_form

    return check_form(NoteRecord, {"text": text}).text


def add_note(ctx: Ctx, *, text: str, inquiry_id: int | None = None, buyer_email: str | None = None) -> NoteRow:
    """Leave TEXT on an inquiry (INQUIRY_ID) or a customer (BUYER_EMAIL) for its owner (admin only)."""
    ctx.require_admin("leave notes")
    if (inquiry_id is None) == (buyer_email is None):
        raise ValidationError("a note is on an inquiry or on a customer: give one of them")
    body = _check(text)
    now = ctx.now()
    with ctx.write() as session:
        if inquiry_id is not None:
            found = session.execute(select(_i.c.owner_id, _i.c.buyer_id).where(_i.c.id == inquiry_id)).first()
            if found is None:
                raise NotFound(f"no inquiry {inquiry_id}")
            to_id, buyer_id = found
            target, on = NoteTarget.INQUIRY, f"#{inquiry_id}"
        else:
            email = (buyer_email or "").strip().lower()
            found = session.execute(select(_b.c.id, _b.c.owner_id).where(_b.c.email == email)).first()
            if found is None:
                raise NotFound(f"no customer {email!r}")
            buyer_id, to_id = found
            if to_id is None:
                raise ValidationError(f"{email} has no owner yet: transfer the customer to someone first")
            target, on = NoteTarget.CUSTOMER, f"customer {email}"
        author_id = ctx.actor.id
        if author_id is None:
            raise ValidationError("notes are written by a person (the main account)")
        note_id = session.execute(
            insert(_n)
            .values(
                inquiry_id=inquiry_id if target is NoteTarget.INQUIRY else None,
                buyer_id=buyer_id if target is NoteTarget.CUSTOMER else None,
                author_id=author_id,
                to_id=to_id,
                text=body,
                created_at=now,
                seen_at=None,
            )
            .returning(_n.c.id)
        ).scalar_one()
        if to_id != author_id:
            preview = truncate(" ".join(body.split()), 120)
            notify(
                session, to_id, NoticeKind.ADMIN_NOTE, f"{on}: {preview}", at=now, ref_kind=target.value, ref_id=note_id
            )
        audit(
            session,
            ctx,
            "note_add",
            "note",
            note_id,
            after={"on": target.value, "inquiry_id": inquiry_id, "buyer_id": buyer_id, "to": to_id, "text": body},
        )
        return note_row(session.execute(_query().where(_n.c.id == note_id)).one())


@functools.cache
def _query() -> Select[Any]:
    """The notes with what they are on and who wrote them for whom (in the order note_row.note_row reads them)."""
    author, to = aliased(_a), aliased(_a)
    return (
        select(
            _n.c.id,
            _n.c.inquiry_id,
            _n.c.buyer_id,
            func.coalesce(_b.c.company, "").label("company"),
            func.coalesce(_b.c.email, "").label("email"),
            func.coalesce(_i.c.subject, "").label("subject"),
            author.c.login.label("author"),
            to.c.login.label("to"),
            _n.c.text,
            _n.c.created_at,
            _n.c.seen_at,
        )
        .select_from(_n)
        .outerjoin(_i, _i.c.id == _n.c.inquiry_id)
        .outerjoin(_b, _b.c.id == func.coalesce(_n.c.buyer_id, _i.c.buyer_id))
        .join(author, author.c.id == _n.c.author_id)
        .join(to, to.c.id == _n.c.to_id)
    )


def _may_see_inquiry(session: Session, ctx: Ctx, inquiry_id: int) -> int:
    """The inquiry's owner id, if the actor may see it (the admin, or its owner); else NotFound."""
    owner = session.execute(select(_i.c.owner_id).where(_i.c.id == inquiry_id)).scalar_one_or_none()
    if owner is None or (not ctx.actor.is_admin and owner != ctx.actor.id):
        raise NotFound(f"no inquiry {inquiry_id}")
    return int(owner)


def notes_on_inquiry(ctx: Ctx, inquiry_id: int) -> tuple[NoteRow, ...]:
    """An inquiry's notes, oldest first (the admin, or the inquiry's owner)."""
    with ctx.read() as session:
        _may_see_inquiry(session, ctx, inquiry_id)
        return notes_on_inquiry_in(session, inquiry_id)


def notes_on_customer(ctx: Ctx, buyer_id: int) -> tuple[NoteRow, ...]:
    """A customer's notes, oldest first (the admin, or the customer's owner)."""
    with ctx.read() as session:
        owner = session.execute(select(_b.c.owner_id).where(_b.c.id == buyer_id)).first()
        if owner is None:
            raise NotFound(f"no customer {buyer_id}")
        if not ctx.actor.is_admin and owner[0] != ctx.actor.id:
            return ()
        rows = session.execute(_query().where(_n.c.buyer_id == buyer_id).order_by(_n.c.created_at, _n.c.id))
        return tuple(note_row(r) for r in rows)


def list_notes(
    ctx: Ctx, *, unseen_only: bool = False, before_id: int | None = None, limit: int = PAGE
) -> list[NoteRow]:
    """Newest first: a salesperson's notes to them; the admin's, every note (one keyset page after BEFORE_ID)."""
    query = _query()
    if not ctx.actor.is_admin:
        query = query.where(_n.c.to_id == ctx.actor.id)
    if unseen_only:
        query = query.where(_n.c.seen_at.is_(None))
    if before_id is not None:
        query = query.where(_n.c.id < before_id)
    query = query.order_by(_n.c.id.desc()).limit(max(1, min(limit, PAGE)))
    with ctx.read() as session:
        return [note_row(r) for r in session.execute(query)]


def mark_seen(
    ctx: Ctx, *, inquiry_id: int | None = None, buyer_id: int | None = None, note_ids: Iterable[int] | None = None
) -> int:
    """Mark seen the unseen notes on an inquiry, a customer, or by id, that are the actor's to see: addressed
    to them, or on what they own now. Returns how many changed."""
    if ctx.actor.id is None:
        return 0
    me = ctx.actor.id
    with ctx.write() as session:
        statement = update(_n).where(_n.c.seen_at.is_(None)).values(seen_at=ctx.now())
        if inquiry_id is not None:
            owner = session.execute(select(_i.c.owner_id).where(_i.c.id == inquiry_id)).scalar_one_or_none()
            if owner is None:
                raise NotFound(f"no inquiry {inquiry_id}")
            statement = statement.where(_n.c.inquiry_id == inquiry_id)
            if owner != me:
                statement = statement.where(_n.c.to_id == me)
        elif buyer_id is not None:
            owner = session.execute(select(_b.c.owner_id).where(_b.c.id == buyer_id)).scalar_one_or_none()
            statement = statement.where(_n.c.buyer_id == buyer_id)
            if owner != me:
                statement = statement.where(_n.c.to_id == me)
        else:
            wanted = sorted(set(note_ids or ()))
            own = set(session.execute(select(_n.c.id).where(_n.c.to_id == me, _n.c.id.in_(wanted))).scalars())
            missing = [i for i in wanted if i not in own]
            if missing:
                raise ValidationError(f"no note {missing[0]} for you")
            if note_ids is None:
                statement = statement.where(_n.c.to_id == me)
            else:
                statement = statement.where(_n.c.id.in_(wanted))
        return run_dml(session, statement).rowcount or 0


def unseen_count(ctx: Ctx) -> int:
    """Notes to the actor not seen yet."""
    if ctx.actor.id is None:
        return 0
    query = select(func.count()).select_from(_n).where(_n.c.to_id == ctx.actor.id, _n.c.seen_at.is_(None))
    with ctx.read() as session:
        return int(session.execute(query).scalar_one())


def note_line(note: NoteRow) -> str:
    """One line for a header or a list: `boss → ana, 11-23: text` (the text made safe)."""
    return f"{note.author} → {note.to}: {safe_line(note.text)}"
