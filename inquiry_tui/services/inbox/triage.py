"""Triage actions on one inquiry: read, tag, junk, delete, restore, reply; and the admin's purge.

One write transaction each. `expected_version` is the version the caller's screen showed: a
different stored version means someone else changed the inquiry, and the action is refused
with StaleWrite ("changed by someone else, reloaded") instead of silently overwriting.
A salesperson acts only on inquiries they own; any other id is NotFound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import object_session
from sqlmodel import Session, col

from inquiry_tui.domain.due import is_overdue
from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.domain.files import MB
from inquiry_tui.domain.vocabulary import Channel, Direction, Folder
from inquiry_tui.services.allocation.races import gone_from, stale_inquiry
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files.attachments import AttachmentSource, attach_source
from inquiry_tui.services.mail import outbox
from inquiry_tui.services.setup.settings import load_settings
from inquiry_tui.store.core import id_of
from inquiry_tui.store.models import AdminNote, AllocationRecord, Inquiry, Message
from inquiry_tui.store.queries.contact import contacted

PURGE_AFTER_DAYS = 30
MAX_REPLY_CHARS = 50_000


@dataclass(frozen=True)
class InquiryState:
    """What a list row needs after an action."""

    id: int
    version: int
    folder: str
    is_junk: bool
    unread: bool
    tagged: bool
    replied: bool
    owner_id: int
    first_response_at: datetime | None
    overdue: bool
    note: bool = False  # an admin note on it not seen yet (services.notes)


@dataclass(frozen=True)
class PurgeResult:
    purged: int
    messages: int


def _state(ctx: Ctx, inquiry: Inquiry) -> InquiryState:
    assert inquiry.id is not None
    overdue = is_overdue(inquiry.folder, inquiry.first_response_at, inquiry.due_at, ctx.now())
    session = object_session(inquiry)
    note = session is not None and bool(
        session.execute(
            select(exists().where(col(AdminNote.inquiry_id) == inquiry.id, col(AdminNote.seen_at).is_(None)))
        ).scalar()
    )
    return InquiryState(
        inquiry.id,
        inquiry.version,
        inquiry.folder,
        bool(inquiry.is_junk),
        bool(inquiry.unread),
        bool(inquiry.tagged),
        bool(inquiry.replied),
        inquiry.owner_id,
        inquiry.first_response_at,
        overdue,
        note,
    )


def _load(session: Session, ctx: Ctx, inquiry_id: int, expected_version: int | None, *, lock: bool = True) -> Inquiry:
    # lock: FOR UPDATE on PostgreSQL, so two writers of one row take turns as on SQLite (no StaleWrite
    # between two people acting at once; a stale *screen* is still caught by expected_version).
    inquiry = session.get(Inquiry, inquiry_id, with_for_update=lock)
    if inquiry is None:
        raise NotFound(f"no inquiry {inquiry_id}")
    if not ctx.actor.is_admin and inquiry.owner_id != ctx.actor.id:
        raise gone_from(session, inquiry_id, ctx.actor.id)  # "#1997 was reassigned to ben at 10:42", if it was theirs
    if expected_version is not None and inquiry.version != expected_version:
        raise stale_inquiry(session, inquiry_id)
    return inquiry


def _done(session: Session, ctx: Ctx, inquiry: Inquiry) -> InquiryState:
    session.flush()  # bumps the version (version_id_col) and runs the stale check
    return _state(ctx, inquiry)


def get_state(ctx: Ctx, inquiry_id: int) -> InquiryState:
    with ctx.read() as session:
        return _state(ctx, _load(session, ctx, inquiry_id, None, lock=False))


def set_read(ctx: Ctx, inquiry_id: int, read: bool, expected_version: int | None = None) -> InquiryState:
    with ctx.write() as session:
        inquiry = _load(session, ctx, inquiry_id, expected_version)
        if inquiry.unread == (not read):
            return _state(ctx, inquiry)
        inquiry.unread = not read
        return _done(session, ctx, inquiry)


def set_tagged(ctx: Ctx, inquiry_id: int, tagged: bool, expected_version: int | None = None) -> InquiryState:
    with ctx.write() as session:
        inquiry = _load(session, ctx, inquiry_id, expected_version)
        if inquiry.tagged == tagged:
            return _state(ctx, inquiry)
        inquiry.tagged = tagged
        return _done(session, ctx, inquiry)


def set_junk(ctx: Ctx, inquiry_id: int, junk: bool, expected_version: int | None = None) -> InquiryState:
    """Mark junk (to Junk; counts as a response for the reply rate) or not junk (back to the inbox).

    A deleted inquiry stays deleted; the judgement decides where restore returns it.
    """
    with ctx.write() as session:
        inquiry = _load(session, ctx, inquiry_id, expected_version)
        if bool(inquiry.is_junk) == junk and inquiry.folder in (Folder.DELETED, Folder.JUNK if junk else Folder.INBOX):
            return _state(ctx, inquiry)
        before = {"folder": inquiry.folder, "is_junk": bool(inquiry.is_junk)}
        inquiry.is_junk = junk
        if inquiry.folder != Folder.DELETED:
            inquiry.folder = Folder.JUNK if junk else Folder.INBOX
        if junk and inquiry.first_response_at is None:
            # The marketplace counts a person's junk judgement as a response.
            inquiry.first_response_at = ctx.now()
        after = {"folder": inquiry.folder, "is_junk": junk}
        audit(
            session,
            ctx,
            "inquiry_junk" if junk else "inquiry_not_junk",
            "inquiry",
            inquiry_id,
            before=before,
            after=after,
        )
        return _done(session, ctx, inquiry)


def delete_inquiry(ctx: Ctx, inquiry_id: int, expected_version: int | None = None) -> InquiryState:
    """Move to Deleted (not a response); restore brings it back, purge removes it after 30 days."""
    with ctx.write() as session:
        inquiry = _load(session, ctx, inquiry_id, expected_version)
        if inquiry.folder == Folder.DELETED:
            raise ValidationError(f"inquiry {inquiry_id} is already deleted")
        before = inquiry.folder
        inquiry.folder = Folder.DELETED
        inquiry.deleted_at = ctx.now()
        audit(
            session,
            ctx,
            "inquiry_delete",
            "inquiry",
            inquiry_id,
            before={"folder": before},
            after={"folder": Folder.DELETED},
        )
        return _done(session, ctx, inquiry)


def restore_inquiry(ctx: Ctx, inquiry_id: int, expected_version: int | None = None) -> InquiryState:
    """Back from Deleted: junk to Junk, everything else to the inbox."""
    with ctx.write() as session:
        inquiry = _load(session, ctx, inquiry_id, expected_version)
        if inquiry.folder != Folder.DELETED:
            raise ValidationError(f"inquiry {inquiry_id} is not in Deleted")
        inquiry.folder = Folder.JUNK if inquiry.is_junk else Folder.INBOX
        inquiry.deleted_at = None
        audit(
            session,
            ctx,
            "inquiry_restore",
            "inquiry",
            inquiry_id,
            before={"folder": Folder.DELETED},
            after={"folder": inquiry.folder},
        )
        return _done(session, ctx, inquiry)


def reply(
    ctx: Ctx,
    inquiry_id: int,
    body: str,
    expected_version: int | None = None,
    attachments: Sequence[AttachmentSource] = (),
) -> InquiryState:
    """An outgoing message by the acting person, with files from the cloud disk or local paths: answered, read,
    no longer overdue.

    On an `email` thread the reply is also saved to the outbox, in the same transaction; it is
    sent after the commit (services/mail/sending.py).
    """
    text = reply_text(body, with_files=bool(attachments))
    with ctx.write() as session:
        inquiry, _ = add_reply(session, ctx, inquiry_id, text, expected_version, attachments)
        return _done(session, ctx, inquiry)


def reply_text(body: str, *, with_files: bool = False) -> str:
    """BODY as a reply's text (line ends made plain, blank lines at the ends dropped); refused when empty or huge.

    A reply that carries files may have no text."""
    text = body.replace("\r\n", "\n").strip("\n")
    if not text.strip() and not with_files:
        raise ValidationError("the reply is empty")
    if len(text) > MAX_REPLY_CHARS:
        raise ValidationError(f"the reply is too long ({len(text):,} characters; at most {MAX_REPLY_CHARS:,})")
    return text


def add_reply(
    session: Session,
    ctx: Ctx,
    inquiry_id: int,
    text: str,
    expected_version: int | None = None,
    attachments: Sequence[AttachmentSource] = (),
) -> tuple[Inquiry, Message]:
    """The reply's writes in the caller's transaction (text from reply_text); the message is flushed (it has its id)."""
    now = ctx.now()
    inquiry = _load(session, ctx, inquiry_id, expected_version)
    if inquiry.folder == Folder.DELETED:
        raise ValidationError(f"inquiry {inquiry_id} is deleted; restore it (u) before replying")
    message = Message(inquiry_id=inquiry_id, direction=Direction.OUT, author_id=ctx.actor.id, sent_at=now, body=text)
    session.add(message)
    inquiry.replied = True
    inquiry.unread = False
    inquiry.last_message_at = now
    if inquiry.first_response_at is None:
        inquiry.first_response_at = now
    contacted(session, inquiry.buyer_id, now)  # docs/domain.md, Buyers: the last contact
    session.flush()
    if attachments:
        max_bytes = load_settings(session).files.max_mb * MB
        for source in attachments:
            attach_source(session, ctx, id_of(message), source, max_bytes=max_bytes)
    if inquiry.channel == Channel.EMAIL:
        outbox.queue(session, inquiry_id=inquiry_id, message_id=message.id, author_id=ctx.actor.id, body=text, at=now)
    return inquiry, message


def purge_deleted(ctx: Ctx, older_than_days: int = PURGE_AFTER_DAYS) -> PurgeResult:
    """Remove inquiries deleted more than OLDER_THAN_DAYS ago, with their messages (admin only)."""
    ctx.require_admin("purge deleted inquiries")
    if older_than_days < PURGE_AFTER_DAYS:
        raise ValidationError(f"only inquiries deleted over {PURGE_AFTER_DAYS} days ago can be purged")
    cutoff = ctx.now() - timedelta(days=older_than_days)
    with ctx.write() as session:
        ids = list(
            session.execute(
                select(col(Inquiry.id)).where(col(Inquiry.folder) == Folder.DELETED, col(Inquiry.deleted_at) < cutoff)
            ).scalars()
        )
        if not ids:
            return PurgeResult(0, 0)
        messages = 0
        for start in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
            chunk = ids[start : start + 500]
            messages += session.exec(delete(Message).where(col(Message.inquiry_id).in_(chunk))).rowcount
            session.execute(delete(AllocationRecord).where(col(AllocationRecord.inquiry_id).in_(chunk)))
            session.execute(delete(AdminNote).where(col(AdminNote.inquiry_id).in_(chunk)))
            session.execute(delete(Inquiry).where(col(Inquiry.id).in_(chunk)))
        audit(
            session,
            ctx,
            "inquiry_purge",
            "inquiry",
            f"{len(ids)} inquiries",
            after={"count": len(ids), "messages": messages, "deleted_before": cutoff.isoformat(), "ids": ids[:1000]},
        )
        return PurgeResult(len(ids), messages)
