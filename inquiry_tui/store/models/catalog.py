"""The catalogue and the block list: products with owners, country owners, blocked senders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from inquiry_tui.store.models.columns import timestamp_column
from inquiry_tui.store.models.table import TableModel


class Product(TableModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(unique=True)
    name: str
    category: str = ""
    keywords: str = ""  # comma-separated, used to tell related buyer searches from unrelated ones
    owner_id: int | None = Field(default=None, foreign_key="account.id", index=True)


class CountryOwner(TableModel, table=True):
    """One owner per country (ISO 3166-1 alpha-2): the primary key enforces it."""

    __tablename__ = "country_owner"
    country: str = Field(primary_key=True, max_length=2)
    account_id: int = Field(foreign_key="account.id", index=True)


class BlockEntry(TableModel, table=True):
    __tablename__ = "block_entry"
    id: int | None = Field(default=None, primary_key=True)
    kind: str  # BlockKind: email | member_id | country
    value: str
    note: str = ""
    created_at: datetime = Field(sa_column=timestamp_column())

    __table_args__ = (UniqueConstraint("kind", "value"),)
