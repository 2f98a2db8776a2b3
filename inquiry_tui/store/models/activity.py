"""Buyer activity on the marketplace: raw events, daily aggregates, details, visits, the per-buyer rollup."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from inquiry_tui.store.models.columns import timestamp_column
from inquiry_tui.store.models.table import TableModel


class ActivityEvent(TableModel, table=True):
    """A raw on-site event of a buyer; profiles read the daily aggregates instead."""

    __tablename__ = "activity_event"
    id: int | None = Field(default=None, primary_key=True)
    buyer_id: int = Field(foreign_key="buyer.id")
    at: datetime = Field(sa_column=timestamp_column())
    kind: str
    detail: str = ""

    __table_args__ = (Index("ix_activity_buyer_at", "buyer_id", "at"),)


class ActivityDaily(TableModel, table=True):
    """Events per buyer, day (UTC, ISO date) and kind: a profile reads <= 90 x 8 rows."""

    __tablename__ = "activity_daily"
    buyer_id: int = Field(foreign_key="buyer.id", primary_key=True)
    day: str = Field(primary_key=True)
    kind: str = Field(primary_key=True)
    count: int = 0


class ActivityDetail(TableModel, table=True):
    """Counts per buyer, kind and detail: common search terms, SKUs viewed."""

    __tablename__ = "activity_detail"
    buyer_id: int = Field(foreign_key="buyer.id", primary_key=True)
    kind: str = Field(primary_key=True)
    detail: str = Field(primary_key=True)
    count: int = 0
    last_at: datetime = Field(sa_column=timestamp_column())


class VisitorSession(TableModel, table=True):
    """Visitor details: one visit to the store with what was seen on the site around it."""

    __tablename__ = "visitor_session"
    id: int | None = Field(default=None, primary_key=True)
    buyer_id: int = Field(foreign_key="buyer.id")
    at: datetime = Field(sa_column=timestamp_column())
    region: str = ""
    page_views: int = 0
    store_pages: int = 0
    site_products: int = 0
    site_sellers: int = 0
    search_terms: str = ""  # comma-separated

    __table_args__ = (Index("ix_visitor_buyer_at", "buyer_id", "at"),)


class ActivityRollup(TableModel, table=True):
    """A cache: one buyer's activity signals from the day's full rollup (services.customer_activity).

    A process that starts later loads these and brings them up to date from the watermarks in
    ActivityRollupState instead of reading every buyer's activity again. Never a source of truth.
    """

    __tablename__ = "activity_rollup"
    day: str = Field(primary_key=True)  # the UTC date of the rollup, ISO
    window_days: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    buyer_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    level: int
    intent_hits: int
    top_term: str | None = None
    score: int


class ActivityRollupState(TableModel, table=True):
    """What a stored rollup saw: its watermarks and the catalogue it judged intent against."""

    __tablename__ = "activity_rollup_state"
    day: str = Field(primary_key=True)
    window_days: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    marks: str  # JSON [activity_daily rowid, activity_event id, inquiry id]
    catalogue: str  # a digest of the products' SKUs, names and keywords
