"""The call log: voice and video calls and appointment requests from the marketplace."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field

from inquiry_tui.store.models.columns import timestamp_column
from inquiry_tui.store.models.table import TableModel

_PENDING = text("outcome = 'pending'")


class CallLog(TableModel, table=True):
    """One call or appointment request (`import calls`); an appointment is confirmed or declined by its owner."""

    __tablename__ = "call_log"
    id: int | None = Field(default=None, primary_key=True)
    external_id: str = Field(unique=True)  # the file's id, or kind:email:time: importing twice adds nothing
    kind: str  # domain.calls.CallKind: voice | video
    scenario: str  # domain.calls.Scenario: product | store | video | chat
    buyer_id: int = Field(foreign_key="buyer.id", index=True)
    product_id: int | None = Field(default=None, foreign_key="product.id")
    owner_id: int = Field(foreign_key="account.id")
    requested_at: datetime = Field(sa_column=timestamp_column())
    appointment_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    outcome: str  # domain.calls.Outcome
    outside_window: bool = False  # requested outside the call windows (settings at import)
    decided_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    decided_by: str = ""  # the login that confirmed or declined
    note: str = ""  # from the file: buyer text, shown through safe_text
    imported_at: datetime = Field(sa_column=timestamp_column())

    __table_args__ = (
        Index("ix_call_log_owner_requested", "owner_id", "requested_at", "id"),
        Index("ix_call_log_requested", "requested_at", "id"),
        Index("ix_call_log_pending", "owner_id", "requested_at", sqlite_where=_PENDING, postgresql_where=_PENDING),
    )
