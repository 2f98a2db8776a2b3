"""Admin notes: what the main account leaves on an inquiry or a customer for its owner (services.notes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from inquiry_tui.store.models.columns import timestamp_column
from inquiry_tui.store.models.table import TableModel


class AdminNote(TableModel, table=True):
    """One note; `inquiry_id` or `buyer_id` names what it is on (vocabulary.NoteTarget), `to_id` whom it is for."""

    __tablename__ = "admin_note"
    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int | None = Field(default=None, foreign_key="inquiry.id")
    buyer_id: int | None = Field(default=None, foreign_key="buyer.id")
    author_id: int = Field(foreign_key="account.id")
    to_id: int = Field(foreign_key="account.id")
    text: str
    created_at: datetime = Field(sa_column=timestamp_column())
    seen_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))

    __table_args__ = (
        # An inquiry's or a customer's notes; the lists' "unseen note" mark is one probe of these per row.
        Index("ix_admin_note_inquiry", "inquiry_id", "created_at"),
        Index("ix_admin_note_buyer", "buyer_id", "created_at"),
        Index("ix_admin_note_to", "to_id", "created_at"),
    )
