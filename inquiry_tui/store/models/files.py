"""The file store's rows, attachments on messages, the cloud disk (folders and entries) and the chat manager's indexes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field

from inquiry_tui.domain.vocabulary import Channel
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models.columns import timestamp_column
from inquiry_tui.store.models.inquiries import Inquiry
from inquiry_tui.store.models.table import TableModel


class StoredFile(TableModel, table=True):
    """A file kept by content (sha256) in the file store beside the store; one row per content."""

    __tablename__ = "stored_file"
    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    mime: str = "application/octet-stream"  # sniffed from the content, never from the name
    created_at: datetime = Field(sa_column=timestamp_column())


class Attachment(TableModel, table=True):
    """A file on a message, under the name it came with (cleaned: no paths, no control characters)."""

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    sha256: str = Field(foreign_key="stored_file.sha256", index=True, max_length=64)
    name: str
    added_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    added_by: str | None = None  # the login that attached it; None: it came with the message (an import)


class DiskFolder(TableModel, table=True):
    """A folder of the cloud disk: in the shared library (`owner_id` None) or in one account's private folder."""

    __tablename__ = "disk_folder"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    parent_id: int | None = Field(default=None, foreign_key="disk_folder.id")
    owner_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = Field(sa_column=timestamp_column())
    created_by: str
    deleted_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))  # in the trash

    __table_args__ = (Index("ix_disk_folder_place", "owner_id", "parent_id", "name"),)


class DiskFile(TableModel, table=True):
    """A file on the cloud disk: a name in a folder (None: the top of its space) for one stored content."""

    __tablename__ = "disk_file"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    folder_id: int | None = Field(default=None, foreign_key="disk_folder.id")
    owner_id: int | None = Field(default=None, foreign_key="account.id")  # None: the shared library
    sha256: str = Field(foreign_key="stored_file.sha256", index=True, max_length=64)
    size: int  # the content's size, kept here so that listing and the quota read one table
    added_at: datetime = Field(sa_column=timestamp_column())
    added_by: str
    deleted_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))  # in the trash

    __table_args__ = (Index("ix_disk_file_place", "owner_id", "folder_id", "name", "id"),)


# The chat manager lists conversations (a buyer's `tm` threads) newest first, for everyone or
# for one owner, and finds a buyer's latest chat: partial indexes over chat threads only.
_inquiry = table_of(Inquiry)
_CHATS = text(f"channel = '{Channel.TM}'")
Index(
    "ix_inquiry_tm_last",
    _inquiry.c.last_message_at,
    _inquiry.c.id,
    sqlite_where=_CHATS,
    postgresql_where=_CHATS,
)
Index(
    "ix_inquiry_tm_owner_last",
    _inquiry.c.owner_id,
    _inquiry.c.last_message_at,
    _inquiry.c.id,
    sqlite_where=_CHATS,
    postgresql_where=_CHATS,
)
Index(
    "ix_inquiry_tm_buyer",
    _inquiry.c.buyer_id,
    _inquiry.c.last_message_at,
    _inquiry.c.id,
    sqlite_where=_CHATS,
    postgresql_where=_CHATS,
)
