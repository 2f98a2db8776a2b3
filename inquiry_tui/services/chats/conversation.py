"""One conversation: a buyer's chat lines across their chat threads, marking it read, sending a line.

Sending a line is a reply on the buyer's latest chat thread (services.inbox.triage.reply): an
outgoing `tm` message by the acting person, with files from the cloud disk or local paths. The
first one after the buyer's line sets the thread's first response, so a line sent within an
hour of the buyer's counts for the reply rate (chats: 1 hour, docs/domain.md, Reply rate).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.services.chats.conversations import ts
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files.attachments import AttachmentInfo, AttachmentSource, attachments_of
from inquiry_tui.services.inbox import triage
from inquiry_tui.services.inbox.rows import sql_params
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import Account, Buyer, Inquiry
from inquiry_tui.store.queries import chats as q_chats

MAX_LINES = 300  # the newest; older ones are counted, not shown
MAX_CHARS = 20_000
MAX_LINE_CHARS = 5_000  # a chat line is short; a long text belongs in a reply
_i = table_of(Inquiry)
_b = table_of(Buyer)
_a = table_of(Account)


@dataclass(frozen=True)
class ChatLine:
    id: int
    thread_id: int
    direction: str  # in (buyer) | out (a person) | auto (smart reception)
    author: str | None
    sent_at: datetime
    text: str  # untrusted for `in`
    cut_bytes: int
    attachments: tuple[AttachmentInfo, ...]


@dataclass(frozen=True)
class Conversation:
    buyer_id: int
    email: str  # untrusted
    name: str
    company: str
    country: str | None
    is_customer: bool
    thread_id: int  # the latest thread: where a new line goes
    version: int  # of that thread
    owner_login: str
    lines: tuple[ChatLine, ...]  # oldest first
    earlier: int  # older lines not included


def conversation(ctx: Ctx, buyer_id: int, *, limit: int = MAX_LINES) -> Conversation:
    """The buyer's chat lines the actor may see, newest LIMIT, oldest first."""
    with ctx.read() as session:
        threads = q_chats.threads_of(session, sql_params(ctx, b=buyer_id), own=not ctx.actor.is_admin)
        if not threads:
            raise NotFound(f"no chat with buyer {buyer_id}")
        ids = [t[0] for t in threads]
        rows = q_chats.messages_of(session, ids, limit, MAX_CHARS)
        total = len(rows) if len(rows) < limit else q_chats.count_messages(session, ids)
        files = attachments_of(session, [r[0] for r in rows])
        b = session.execute(
            select(_b.c.email, _b.c.name, _b.c.company, _b.c.country, _b.c.is_customer).where(_b.c.id == buyer_id)
        ).one()
        login = session.execute(select(_a.c.login).where(_a.c.id == threads[-1][1])).scalar_one()
    lines = tuple(
        ChatLine(
            mid,
            thread,
            direction,
            author,
            ts(sent_at),
            body or "",
            max(0, (size or 0) - len((body or "").encode())),
            tuple(files.get(mid, ())),
        )
        for mid, thread, direction, author, sent_at, body, size in reversed(rows)
    )
    latest = threads[-1]
    return Conversation(
        buyer_id,
        b.email,
        b.name or "",
        b.company or "",
        b.country,
        bool(b.is_customer),
        latest[0],
        latest[3],
        login,
        lines,
        max(0, total - len(lines)),
    )


def mark_read(ctx: Ctx, buyer_id: int) -> int:
    """Opening a conversation reads it: its unread threads (the actor's, or any for the admin) become read."""
    with ctx.write() as session:
        threads = q_chats.threads_of(session, sql_params(ctx, b=buyer_id), own=not ctx.actor.is_admin)
        unread = [t[0] for t in threads if t[2]]
        if unread:
            session.execute(update(_i).where(_i.c.id.in_(unread)).values(unread=False, version=_i.c.version + 1))
        return len(unread)


def send_line(
    ctx: Ctx,
    buyer_id: int,
    text: str,
    attachments: Sequence[AttachmentSource] = (),
    *,
    thread_version: int | None = None,
) -> triage.InquiryState:
    """An outgoing chat line (with files) on the buyer's latest chat thread; see the module docstring."""
    body = text.strip()
    if len(body) > MAX_LINE_CHARS:
        raise ValidationError(f"a chat line is at most {MAX_LINE_CHARS:,} characters; send a longer text as a reply")
    if not body and not attachments:
        raise ValidationError("the line is empty")
    with ctx.read() as session:
        threads = q_chats.threads_of(session, sql_params(ctx, b=buyer_id), own=not ctx.actor.is_admin)
    if not threads:
        raise NotFound(f"no chat with buyer {buyer_id}")
    return triage.reply(ctx, threads[-1][0], body, thread_version, attachments)
