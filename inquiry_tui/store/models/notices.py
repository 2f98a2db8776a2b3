"""Each account's notice feed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field

from inquiry_tui.store.models.columns import timestamp_column
from inquiry_tui.store.models.table import TableModel

_NOTICE_UNREAD = text("read_at IS NULL")  # module level: the class below has a `text` field


class Notice(TableModel, table=True):
    """One entry of an account's notice feed ("push information"); read once `read_at` is set.

    `dedupe` keeps a producer from telling the same thing twice (e.g. one overdue warning per
    inquiry): unique per account when given.
    """

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    kind: str
    text: str = ""  # may quote buyer text: shown through safe_text
    ref_kind: str = ""  # inquiry | customer | rfq | appointment | order | ... ("" for none)
    ref_id: str = ""
    created_at: datetime = Field(sa_column=timestamp_column())
    read_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    dedupe: str | None = None

    __table_args__ = (
        Index("ix_notice_account_created", "account_id", "created_at", "id"),
        Index("ix_notice_unread", "account_id", sqlite_where=_NOTICE_UNREAD, postgresql_where=_NOTICE_UNREAD),
        Index("ux_notice_dedupe", "account_id", "dedupe", unique=True),
    )
