"""Threads and what happens to them: inquiries, messages, allocation decisions, reply templates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, text
from sqlmodel import Field

from inquiry_tui.domain.vocabulary import Channel, Direction, Folder, View
from inquiry_tui.store.models.columns import timestamp_column, version_column
from inquiry_tui.store.models.table import TableModel
from inquiry_tui.store.queries.folders import escalation_sql, open_sql, predicate

_inquiry_version = version_column()


def _partial(view: View) -> dict[str, Any]:
    """The WHERE of a view's partial index, in each engine's spelling of booleans."""
    return {
        "sqlite_where": text(predicate(view, alias="")),
        "postgresql_where": text(predicate(view, alias="", dialect="postgresql")),
    }


class Inquiry(TableModel, table=True):
    """A thread: an inquiry, chat (tm), email or RFQ (Channel). `folder` is a Folder: inbox | junk | deleted."""

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, unique=True)
    channel: str = Channel.INQUIRY.value
    buyer_id: int = Field(foreign_key="buyer.id")
    product_id: int | None = Field(default=None, foreign_key="product.id", index=True)
    subject: str = ""
    quantity: float | None = None
    unit: str | None = None
    received_at: datetime = Field(sa_column=timestamp_column())
    owner_id: int = Field(foreign_key="account.id")
    # When the current owner got it: the last move to them (reassign, hand-over, successor, escalation,
    # a return, `allocate`), never before received_at; None when it never moved. An account's reply-rate
    # clock starts here (docs/domain.md, Reply rate).
    owned_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    rule: str = ""  # the Rule of the latest allocation
    folder: str = Folder.INBOX.value
    is_junk: bool = False  # the filter's or a person's judgement; restore returns junk to Junk
    junk_score: int = 0
    junk_reasons: str = ""  # one reason per line
    unread: bool = True
    tagged: bool = False
    replied: bool = False  # has an outgoing human message: the Sent folder
    first_response_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    last_message_at: datetime = Field(sa_column=timestamp_column())
    due_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    auto_replies: int = 0
    deleted_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    terms: str = ""  # JSON of domain.terms.Terms: what the buyer stated (quantity, price, incoterm, ...)
    asked: str = ""  # what smart reception's questions asked (domain.questions.asked_to_text), for reading answers
    escalated_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))  # moved once
    version: int = Field(default=1, sa_column=_inquiry_version)

    __mapper_args__ = {"version_id_col": _inquiry_version}
    __table_args__ = (
        # Inbox lists page by keyset on (received_at, id) newest first, per owner and folder; the
        # partial indexes carry their view's own predicate (store.queries.folders), as SQLite needs.
        Index("ix_inquiry_owner_folder_recv", "owner_id", "folder", "received_at", "id"),
        Index("ix_inquiry_folder_recv", "folder", "received_at", "id"),
        Index(
            "ix_inquiry_owner_unread",
            "owner_id",
            "received_at",
            "id",
            **_partial(View.UNREAD),
        ),
        Index("ix_inquiry_unread", "received_at", "id", **_partial(View.UNREAD)),
        Index(
            "ix_inquiry_owner_tagged",
            "owner_id",
            "received_at",
            "id",
            **_partial(View.TAGGED),
        ),
        Index("ix_inquiry_tagged", "received_at", "id", **_partial(View.TAGGED)),
        Index(
            "ix_inquiry_owner_sent",
            "owner_id",
            "received_at",
            "id",
            **_partial(View.SENT),
        ),
        Index("ix_inquiry_sent", "received_at", "id", **_partial(View.SENT)),
        # A buyer's threads; with is_junk, the activity rollup counts every buyer's valid inquiries index-only;
        # with replied and product_id, the buyer profile's per-day counts read no inquiry row (migration 0018).
        Index("ix_inquiry_buyer_recv", "buyer_id", "received_at", "is_junk", "replied", "product_id"),
        Index("ix_inquiry_recv", "received_at"),
        # The deleted inquiries by id: a search's count leaves them out with one probe of this small
        # index per hit instead of a read of the hit's row (store.queries.inbox.count_search).
        Index(
            "ix_inquiry_deleted",
            "id",
            sqlite_where=text(f"folder = '{Folder.DELETED.value}'"),
            postgresql_where=text(f"folder = '{Folder.DELETED.value}'"),
        ),
        # The reply rate's pass over inquiries that moved to their owner within a run of days: only moved
        # rows, and covering (what the pass reads of them), so a day after a deactivation that moved
        # thousands of old inquiries reads the index alone, not their scattered rows.
        Index(
            "ix_inquiry_owned",
            "owned_at",
            "owner_id",
            "buyer_id",
            "channel",
            "first_response_at",
            "is_junk",
            sqlite_where=text("owned_at IS NOT NULL"),
            postgresql_where=text("owned_at IS NOT NULL"),
        ),
        # The dashboard's open and overdue counts, index-only (the query names the same predicate).
        Index(
            "ix_inquiry_open",
            "owner_id",
            "due_at",
            sqlite_where=text(open_sql(alias="")),
            postgresql_where=text(open_sql(alias="")),
        ),
        # Escalation's sweep: open inquiries not yet escalated, by arrival (store.queries.routing).
        Index(
            "ix_inquiry_escalation",
            "received_at",
            sqlite_where=text(escalation_sql(alias="")),
            postgresql_where=text(escalation_sql(alias="")),
        ),
    )


class Message(TableModel, table=True):
    """One message of a thread (Direction): `in` from the buyer, `out` by a person, `auto` by reception."""

    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int = Field(foreign_key="inquiry.id")
    direction: str = Direction.IN.value
    author_id: int | None = Field(default=None, foreign_key="account.id")
    sent_at: datetime = Field(sa_column=timestamp_column())
    body: str = ""

    __table_args__ = (Index("ix_message_inquiry_sent", "inquiry_id", "sent_at"),)


class AllocationRecord(TableModel, table=True):
    """Every routing decision: on arrival (actor `system`), reassignment or hand-over."""

    __tablename__ = "allocation_record"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=timestamp_column(index=True))
    inquiry_id: int = Field(foreign_key="inquiry.id", index=True)
    from_id: int | None = Field(default=None, foreign_key="account.id")
    to_id: int = Field(foreign_key="account.id", index=True)
    rule: str
    actor: str  # vocabulary.SYSTEM_LOGIN or a login
    reason: str = ""


_template_version = version_column()


class ReplyTemplate(TableModel, table=True):
    __tablename__ = "reply_template"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    body: str
    owner_id: int | None = Field(default=None, foreign_key="account.id")  # None: shared by the team
    version: int = Field(default=1, sa_column=_template_version)

    __mapper_args__ = {"version_id_col": _template_version}
