"""The append-only audit log."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from inquiry_tui.store.models.columns import timestamp_column


class AuditLog(SQLModel, table=True):
    """Append-only: triggers refuse UPDATE and DELETE (see the initial migration)."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=timestamp_column(index=True))
    actor: str
    action: str = Field(index=True)
    entity: str
    entity_id: str = ""
    before: str = ""  # JSON
    after: str = ""  # JSON
