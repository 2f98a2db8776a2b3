"""E-mail: Message-IDs of the threads' messages, what a Maildir import has read, the outbox; the E-mail view's indexes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Table, text
from sqlmodel import Field

from inquiry_tui.domain.vocabulary import View
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models.columns import timestamp_column
from inquiry_tui.store.models.inquiries import Inquiry
from inquiry_tui.store.models.table import TableModel
from inquiry_tui.store.queries.folders import predicate


class MailLink(TableModel, table=True):
    """A Message-ID known to the store: an e-mail imported into a thread, or one we sent.

    A buyer's answer names earlier ids in In-Reply-To / References; this table finds its thread.
    """

    __tablename__ = "mail_link"
    id: int | None = Field(default=None, primary_key=True)
    rfc_id: str = Field(unique=True)  # the Message-ID without angle brackets
    inquiry_id: int = Field(foreign_key="inquiry.id")
    message_id: int | None = Field(default=None, foreign_key="message.id")
    direction: str  # Direction: in | out
    reply_to: str = ""  # an incoming message's answer address (Reply-To, else From)
    refs: str = ""  # its References ids, space-separated (the next reply's References build on them)
    at: datetime = Field(sa_column=timestamp_column())

    __table_args__ = (Index("ix_mail_link_inquiry_at", "inquiry_id", "at"),)


class MaildirSeen(TableModel, table=True):
    """A Maildir message already read (by the folder's path and the message's key): the next run skips it unread."""

    __tablename__ = "maildir_seen"
    folder: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    status: str  # imported | joined | duplicate | skipped
    reason: str = ""  # why it was skipped
    at: datetime = Field(sa_column=timestamp_column())


class OutboxMail(TableModel, table=True):
    """An e-mail to send: saved with the reply, sent after the commit, marked sent in its own transaction."""

    __tablename__ = "outbox"
    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int = Field(foreign_key="inquiry.id", index=True)
    message_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="account.id")  # None: smart reception
    rfc_id: str = Field(unique=True)  # its Message-ID, kept from the first try to the last
    to_address: str
    subject: str
    in_reply_to: str = ""
    refs: str = ""  # References ids, space-separated
    body: str
    status: str  # domain.mail.OutboxStatus
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=timestamp_column())
    last_error: str = ""
    created_at: datetime = Field(sa_column=timestamp_column())
    claimed_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    claim: str = ""  # the claiming sender's token: only it marks the outcome
    sent_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))

    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)


# The inbox's E-mail view (store.queries.folders): partial indexes with the view's own predicate.
_inquiry: Table = table_of(Inquiry)
_EMAIL = text(predicate(View.EMAIL, alias=""))
Index(
    "ix_inquiry_email",
    _inquiry.c.received_at,
    _inquiry.c.id,
    sqlite_where=_EMAIL,
    postgresql_where=_EMAIL,
)
Index(
    "ix_inquiry_owner_email",
    _inquiry.c.owner_id,
    _inquiry.c.received_at,
    _inquiry.c.id,
    sqlite_where=_EMAIL,
    postgresql_where=_EMAIL,
)
