"""An e-mail's place in the outbox as a person reads it (`OutboxItem`), and the thread's view of it.

Kept apart from services/mail/outbox.py (queueing, listing: the ORM's models) so that the inbox's
thread pane reads each message's status in plain SQL without loading SQLAlchemy; outbox.py
builds its own items with `outbox_item` too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from inquiry_tui.domain.mail import OutboxStatus
from inquiry_tui.domain.settings import MailSettings, settings_from_dict
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.plain_sql import Reader
from inquiry_tui.store.queries import settings as q_settings
from inquiry_tui.store.queries import thread as q_thread
from inquiry_tui.store.types import as_utc


@dataclass(frozen=True)
class OutboxItem:
    """One e-mail of the outbox as `mail outbox` and the thread show it."""

    id: int
    inquiry_id: int
    message_id: int | None
    author: str | None  # login; None for smart reception's auto-reply
    rfc_id: str
    to_address: str
    subject: str  # the thread's subject (buyer text): show through safe_text
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str
    created_at: datetime
    sent_at: datetime | None

    @property
    def why(self) -> str:
        """What a person reads beside the message: where it is and, if it waits, why."""
        if self.status is OutboxStatus.SENT:
            return "sent"
        if self.status is OutboxStatus.SENDING:
            return "sending"
        reason = self.last_error or ("not tried yet" if not self.attempts else "")
        if self.status is OutboxStatus.HELD:
            return f"held: {reason}; `inquiry-tui mail flush --held` sends it again"
        return f"queued: {reason}" if reason else "queued"


def outbox_item(r: Sequence[Any]) -> OutboxItem:
    """The item of an outbox row read as store.queries.thread.OUTBOX_COLUMNS lists its columns."""
    next_attempt_at, created_at = as_utc(r[9]), as_utc(r[11])
    assert next_attempt_at is not None and created_at is not None  # NOT NULL columns
    return OutboxItem(
        id=r[0],
        inquiry_id=r[1],
        message_id=r[2],
        author=r[3],
        rfc_id=r[4],
        to_address=r[5],
        subject=r[6],
        status=OutboxStatus(r[7]),
        attempts=r[8],
        next_attempt_at=next_attempt_at,
        last_error=r[10],
        created_at=created_at,
        sent_at=as_utc(r[12]),
    )


def mail_settings(conn: Reader) -> MailSettings:
    """The `mail` settings, read in the caller's transaction."""
    return settings_from_dict({"mail": q_settings.section(conn, "mail")}).mail


def delivery_of(conn: Reader, message_ids: Iterable[int]) -> dict[int, OutboxItem]:
    """The outbox row of each of these messages that went out by e-mail (the thread shows its status)."""
    ids = sorted(set(message_ids))
    if not ids:
        return {}
    items = {i.message_id: i for i in map(outbox_item, q_thread.outbox_of(conn, ids)) if i.message_id is not None}
    waiting = [k for k, i in items.items() if i.status is OutboxStatus.QUEUED and not i.attempts]
    if waiting:
        mail = mail_settings(conn)
        if not (mail.smtp_host and mail.from_address):  # say why it was never tried rather than "not tried yet"
            why = "e-mail is not set up (settings mail.smtp_host and mail.from); it goes once it is"
            items.update((k, replace(items[k], last_error=why)) for k in waiting)
    return items


def mail_set_up(ctx: Ctx) -> bool:
    """Whether the store names an SMTP server and a sender: an open session tries to send only then.

    Read in plain SQL, so a session of a company without e-mail never loads the sender (and SQLAlchemy) for it."""
    with ctx.read_plain() as conn:
        mail = mail_settings(conn)
    return bool(mail.smtp_host and mail.from_address)
