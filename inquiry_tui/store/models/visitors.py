"""Visitor details: one summary row per visitor of the store, kept up to date on every write of visits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from inquiry_tui.store.models.columns import timestamp_column
from inquiry_tui.store.models.table import TableModel


class VisitorSummary(TableModel, table=True):
    """A visitor's totals over every visit (visitor_session) and their common searches.

    Written by the services that add visits (services/visitors/summary.py), never on read, so
    the Visitors list sorts 100k visitors by an index. `region` is the latest visit's;
    `search_terms` the most common searches, lower-cased, comma-separated.
    """

    __tablename__ = "visitor_summary"
    buyer_id: int = Field(foreign_key="buyer.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    visits: int = 0
    page_views: int = 0
    store_pages: int = 0
    site_products: int = 0
    site_sellers: int = 0
    region: str = ""
    search_terms: str = ""
    last_visit_at: datetime = Field(sa_column=timestamp_column())

    __table_args__ = (
        Index("ix_visitor_views", "page_views", "buyer_id"),
        Index("ix_visitor_recent", "last_visit_at", "buyer_id"),
        Index("ix_visitor_region_views", "region", "page_views", "buyer_id"),
        Index("ix_visitor_region_recent", "region", "last_visit_at", "buyer_id"),
    )
