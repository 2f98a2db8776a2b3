"""The outbox: e-mail saved with the reply (one transaction), listed with why it waits, and its per-message status.

A reply on an `email` thread writes its message and an outbox row together (`queue`); the
row carries everything the e-mail needs (To, Subject, In-Reply-To, References, its own
Message-ID, the text), so sending never depends on the thread changing meanwhile. The id we
made is also recorded as a `mail_link`, so the buyer's answer to it joins the thread.
Sending is services/mail/sending.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid, parseaddr
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlmodel import Session

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.mail import OutboxStatus, references, reply_subject
from inquiry_tui.domain.settings import MailSettings
from inquiry_tui.domain.vocabulary import Direction
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.mail.delivery import OutboxItem as OutboxItem
from inquiry_tui.services.mail.delivery import delivery_of as delivery_of
from inquiry_tui.services.mail.delivery import mail_settings as mail_settings
from inquiry_tui.services.mail.delivery import outbox_item
from inquiry_tui.store import bulk
from inquiry_tui.store.core import run_dml, table_of
from inquiry_tui.store.models import Account, Buyer, Inquiry, MailLink, OutboxMail
from inquiry_tui.store.types import db_text

_o = table_of(OutboxMail)
_l = table_of(MailLink)
_i = table_of(Inquiry)
_b = table_of(Buyer)
_a = table_of(Account)
WAITING = (OutboxStatus.QUEUED, OutboxStatus.SENDING, OutboxStatus.HELD)
PAGE = 500


def _domain(mail: MailSettings) -> str:
    address = parseaddr(mail.from_address)[1]
    return address.rpartition("@")[2] or "inquiry-tui.invalid"


def _thread_headers(conn: Session | Connection, inquiry_id: int) -> tuple[str, str, str, list[str]]:
    """(subject, To, In-Reply-To, References) of a reply on INQUIRY_ID: to the buyer's latest e-mail in it."""
    row = conn.execute(
        select(_i.c.subject, _b.c.email).join(_b, _b.c.id == _i.c.buyer_id).where(_i.c.id == inquiry_id)
    ).first()
    if row is None:
        raise ValidationError(f"no inquiry {inquiry_id}")
    last = conn.execute(
        select(_l.c.rfc_id, _l.c.reply_to, _l.c.refs)
        .where(_l.c.inquiry_id == inquiry_id, _l.c.direction == Direction.IN.value)
        .order_by(_l.c.at.desc(), _l.c.id.desc())
        .limit(1)
    ).first()
    subject = reply_subject(" ".join((row.subject or "").split()))
    if last is None:
        return subject, row.email, "", []
    return subject, last.reply_to or row.email, last.rfc_id, references(last.refs.split(), last.rfc_id)


@dataclass(frozen=True)
class Outgoing:
    """An e-mail to save to the outbox: its thread, message, writer (None: smart reception) and headers."""

    inquiry_id: int
    message_id: int | None
    author_id: int | None
    to: str
    subject: str
    in_reply_to: str  # "" when it answers no e-mail
    refs: tuple[str, ...]
    body: str


def queue(
    conn: Session | Connection,
    *,
    inquiry_id: int,
    message_id: int | None,
    author_id: int | None,
    body: str,
    at: datetime,
) -> int:
    """Save an e-mail of the thread INQUIRY_ID to its buyer in the caller's transaction; returns the outbox id."""
    subject, to, parent, refs = _thread_headers(conn, inquiry_id)
    mail = Outgoing(inquiry_id, message_id, author_id, to, subject, parent, tuple(refs), body)
    row, link = _rows(mail, make_msgid(domain=_domain(mail_settings(conn)))[1:-1], at)
    new_id = run_dml(conn, insert(_o).values(**row)).inserted_primary_key
    assert new_id is not None
    conn.execute(insert(_l), [link])
    return int(new_id[0])


def queue_many(conn: Session | Connection, mails: Sequence[Outgoing], *, at: datetime) -> int:
    """Save MAILS to the outbox in the caller's transaction (two executemany); returns how many."""
    if not mails:
        return 0
    domain = _domain(mail_settings(conn))
    pairs = [_rows(m, make_msgid(domain=domain)[1:-1], at) for m in mails]
    # Raw executemany of tuples (COPY on PostgreSQL): an import queues one per new thread.
    raw = conn.connection() if isinstance(conn, Session) else conn
    when = db_text(at)
    bulk.insert_rows(
        raw,
        "outbox",
        _OUTBOX_COLUMNS,
        [tuple(when if c in _TIMES else r[c] for c in _OUTBOX_COLUMNS) for r, _ in pairs],
    )
    bulk.insert_rows(
        raw, "mail_link", _LINK_COLUMNS, [tuple(when if c == "at" else k[c] for c in _LINK_COLUMNS) for _, k in pairs]
    )
    return len(mails)


_OUTBOX_COLUMNS = (
    "inquiry_id",
    "message_id",
    "author_id",
    "rfc_id",
    "to_address",
    "subject",
    "in_reply_to",
    "refs",
    "body",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "created_at",
    "claim",
)
_TIMES = ("next_attempt_at", "created_at")
_LINK_COLUMNS = ("rfc_id", "inquiry_id", "message_id", "direction", "reply_to", "refs", "at")


def _rows(m: Outgoing, rfc_id: str, at: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The outbox row of M under RFC_ID, and its `mail_link` (an answer to it joins the thread)."""
    refs = " ".join(m.refs)
    row = {
        "inquiry_id": m.inquiry_id,
        "message_id": m.message_id,
        "author_id": m.author_id,
        "rfc_id": rfc_id,
        "to_address": m.to,
        "subject": m.subject,
        "in_reply_to": m.in_reply_to,
        "refs": refs,
        "body": m.body,
        "status": OutboxStatus.QUEUED.value,
        "attempts": 0,
        "next_attempt_at": at,
        "last_error": "",
        "created_at": at,
        "claim": "",
    }
    link = {
        "rfc_id": rfc_id,
        "inquiry_id": m.inquiry_id,
        "message_id": m.message_id,
        "direction": Direction.OUT.value,
        "reply_to": "",
        "refs": refs,
        "at": at,
    }
    return row, link


# --- reading ---------------------------------------------------------------------------------


def _columns() -> Any:
    return select(
        _o.c.id,
        _o.c.inquiry_id,
        _o.c.message_id,
        _a.c.login,
        _o.c.rfc_id,
        _o.c.to_address,
        _o.c.subject,
        _o.c.status,
        _o.c.attempts,
        _o.c.next_attempt_at,
        _o.c.last_error,
        _o.c.created_at,
        _o.c.sent_at,
    ).outerjoin(_a, _a.c.id == _o.c.author_id)


def outbox(ctx: Ctx, *, include_sent: bool = False, after_id: int = 0, limit: int = PAGE) -> list[OutboxItem]:
    """What waits (or, with INCLUDE_SENT, everything), oldest first, by keyset on the id.

    The admin sees every e-mail; a salesperson those they wrote or that belong to their inquiries.
    """
    query = _columns().where(_o.c.id > after_id)
    if not include_sent:
        query = query.where(_o.c.status.in_([s.value for s in WAITING]))
    if not ctx.actor.is_admin:
        mine = select(_i.c.id).where(_i.c.owner_id == ctx.actor.id)
        query = query.where((_o.c.author_id == ctx.actor.id) | _o.c.inquiry_id.in_(mine))
    query = query.order_by(_o.c.id).limit(max(1, min(limit, PAGE)))
    with ctx.read() as session:
        return [outbox_item(r) for r in session.execute(query)]
