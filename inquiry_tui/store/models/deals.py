"""Deals: contract templates, letters of intent with their versions, orders with their status history, trade per buyer.

Documents (a template's sections, an LOI's or order's lines and terms) are JSON of
`domain.deals.DealDoc` with decimals as strings; totals are kept as whole minor units
(`total_minor`, cents), so sums over many orders are exact integer sums on every backend.
`owner_id` on an LOI and an order is the owner of its buyer, copied so that a salesperson's
list is one index range; triggers of migration 0006 keep it equal to `buyer.owner_id` when a
buyer changes hands (a transfer, a successor).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field

from inquiry_tui.store.models.columns import timestamp_column, version_column
from inquiry_tui.store.models.table import TableModel

_template_version = version_column()


class ContractTemplate(TableModel, table=True):
    """A contract template ("My contract templates"): named sections with placeholders, shared by the team."""

    __tablename__ = "contract_template"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    doc: str = "{}"  # JSON of DealDoc
    owner_id: int | None = Field(default=None, foreign_key="account.id")  # who made it (may edit it; so may the admin)
    created_at: datetime = Field(sa_column=timestamp_column())
    updated_at: datetime = Field(sa_column=timestamp_column())
    version: int = Field(default=1, sa_column=_template_version)

    __mapper_args__ = {"version_id_col": _template_version}


_loi_version = version_column()


class Loi(TableModel, table=True):
    """A letter of intent to one buyer; `version` counts its edits (every one is kept in loi_version)."""

    id: int | None = Field(default=None, primary_key=True)
    buyer_id: int = Field(foreign_key="buyer.id", index=True)
    owner_id: int | None = Field(default=None, foreign_key="account.id")
    inquiry_id: int | None = Field(default=None, foreign_key="inquiry.id")
    template_id: int | None = Field(default=None, foreign_key="contract_template.id")
    status: str = "draft"  # LoiStatus
    currency: str = "USD"
    total_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    doc: str = "{}"
    created_by: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = Field(sa_column=timestamp_column())
    updated_at: datetime = Field(sa_column=timestamp_column())
    sent_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))  # confirmed / withdrawn
    message_id: int | None = Field(default=None, foreign_key="message.id")  # the latest outgoing message carrying it
    version: int = Field(default=1, sa_column=_loi_version)

    __mapper_args__ = {"version_id_col": _loi_version}
    __table_args__ = (
        Index("ix_loi_owner_id", "owner_id", "id"),
        Index("ix_loi_status_id", "status", "id"),
    )


class LoiVersion(TableModel, table=True):
    """One saved state of an LOI: its document after an edit (or a status change), by whom and when."""

    __tablename__ = "loi_version"
    loi_id: int = Field(foreign_key="loi.id", primary_key=True)
    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(sa_column=timestamp_column())
    actor: str
    status: str
    change: str  # created | edited | sent | confirmed | withdrawn
    doc: str


_order_version = version_column()


class DealOrder(TableModel, table=True):
    """An order ("All orders"): from a confirmed LOI or imported from the marketplace."""

    __tablename__ = "deal_order"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    source: str = "loi"  # OrderSource
    kind: str = "regular"  # OrderKind
    loi_id: int | None = Field(default=None, foreign_key="loi.id", unique=True)
    buyer_id: int = Field(foreign_key="buyer.id")
    owner_id: int | None = Field(default=None, foreign_key="account.id")
    status: str = "confirmed"  # OrderStatus
    currency: str = "USD"
    total_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    doc: str = "{}"
    placed_at: datetime = Field(sa_column=timestamp_column())
    updated_at: datetime = Field(sa_column=timestamp_column())
    version: int = Field(default=1, sa_column=_order_version)

    __mapper_args__ = {"version_id_col": _order_version}
    # The list pages newest first by (placed_at, id), for everyone or one owner, with or without
    # a status; the totals per currency read the same ranges (status, currency and total ride along).
    __table_args__ = (
        Index("ix_order_placed", "placed_at", "id", "status", "currency", "total_minor"),
        Index("ix_order_owner_placed", "owner_id", "placed_at", "id", "status", "currency", "total_minor"),
        Index("ix_order_status_placed", "status", "placed_at", "id", "currency", "total_minor"),
        Index("ix_order_owner_status_placed", "owner_id", "status", "placed_at", "id", "currency", "total_minor"),
        Index("ix_order_buyer_placed", "buyer_id", "placed_at", "id", "status", "currency", "total_minor"),
    )


class OrderSum(TableModel, table=True):
    """The orders' count and total per owner, status and currency, kept by triggers on `deal_order`.

    The orders list's totals without a period or customer filter read these few rows instead of
    every order (200k orders: a full index scan of about a second on a shared machine). OWNER_KEY
    is the owner's account id, 0 for orders of a buyer nobody owns (a key column is never NULL).
    """

    __tablename__ = "order_sum"
    owner_key: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    status: str = Field(primary_key=True)
    currency: str = Field(primary_key=True)
    orders: int = 0
    total_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))


class OrderDaySum(TableModel, table=True):
    """The orders placed on one UTC day, counted and summed per owner, status and currency (migration 0011).

    Kept by triggers on `deal_order` like `order_sum`; the totals of a period filter read these rows
    for the days at the edges of the period and `order_month_sum` for the whole months inside it.
    """

    __tablename__ = "order_day_sum"
    day: date = Field(primary_key=True)
    owner_key: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    status: str = Field(primary_key=True)
    currency: str = Field(primary_key=True)
    orders: int = 0
    total_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))

    __table_args__ = (
        Index("ix_order_day_sum_owner", "owner_key", "day", "status", "currency", "orders", "total_minor"),
        {"sqlite_with_rowid": False},
    )


class OrderMonthSum(TableModel, table=True):
    """The orders placed in one UTC month (MONTH is its first day), as `order_day_sum` per day (migration 0011)."""

    __tablename__ = "order_month_sum"
    month: date = Field(primary_key=True)
    owner_key: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    status: str = Field(primary_key=True)
    currency: str = Field(primary_key=True)
    orders: int = 0
    total_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))

    __table_args__ = (
        Index("ix_order_month_sum_owner", "owner_key", "month", "status", "currency", "orders", "total_minor"),
        {"sqlite_with_rowid": False},
    )


class OrderEvent(TableModel, table=True):
    """A dated change of an order's status (the first one is its placing)."""

    __tablename__ = "order_event"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="deal_order.id")
    at: datetime = Field(sa_column=timestamp_column())
    actor: str
    from_status: str | None = None
    to_status: str
    note: str = ""

    __table_args__ = (Index("ix_order_event_order", "order_id", "id"),)


class BuyerTrade(TableModel, table=True):
    """A buyer's orders summed up: the customer stage and counts, rewritten with every order change."""

    __tablename__ = "buyer_trade"
    buyer_id: int = Field(foreign_key="buyer.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    stage: str = "inquiry"  # CustomerStage
    orders: int = 0  # regular orders not cancelled
    sample_orders: int = 0
    first_order_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    last_order_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))

    __table_args__ = (Index("ix_buyer_trade_stage", "stage", "buyer_id"),)
