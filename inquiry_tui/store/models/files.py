"""The file store's rows and attachments on messages."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from inquiry_tui.store.models.columns import timestamp_column


class StoredFile(SQLModel, table=True):
    """A file kept by content (sha256) in the file store beside the store; one row per content."""

    __tablename__ = "stored_file"
    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    mime: str = "application/octet-stream"  # sniffed from the content, never from the name
    created_at: datetime = Field(sa_column=timestamp_column())


class Attachment(SQLModel, table=True):
    """A file on a message, under the name it came with (cleaned: no paths, no control characters)."""

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    sha256: str = Field(foreign_key="stored_file.sha256", index=True, max_length=64)
    name: str
