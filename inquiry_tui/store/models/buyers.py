"""Buyers (customers once added) and their free tags."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from inquiry_tui.store.models.columns import timestamp_column, version_column
from inquiry_tui.store.models.table import TableModel

_buyer_version = version_column()


class Buyer(TableModel, table=True):
    """A buyer; `is_customer` marks those added to customer management."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True)  # stored lower-case: same email is the same buyer
    member_id: str | None = Field(default=None, index=True)
    name: str = ""
    company: str = ""
    country: str | None = Field(default=None, max_length=2, index=True)
    phone: str = ""
    website: str = ""
    address: str = ""
    business_type: str = ""
    employees: str = ""
    year_established: int | None = None
    verified: bool = False
    tier: str | None = None  # Tier: L0..L4
    owner_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    is_customer: bool = False
    customer_since: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    group_name: str = ""
    type: str = ""
    source: str = ""
    stars: int = 0
    notes: str = ""
    first_seen_at: datetime = Field(sa_column=timestamp_column())
    last_contact_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    version: int = Field(default=1, sa_column=_buyer_version)

    __mapper_args__ = {"version_id_col": _buyer_version}
    __table_args__ = (
        Index("ix_buyer_owner_customer", "owner_id", "is_customer"),
        Index("ix_buyer_company", "company"),
        Index("ix_buyer_name", "name"),
    )


class BuyerTag(TableModel, table=True):
    __tablename__ = "buyer_tag"
    buyer_id: int = Field(foreign_key="buyer.id", primary_key=True)
    tag: str = Field(primary_key=True, index=True)
