"""The RFQ market: requests for quotation, our quotes on them, keyword subscriptions, the quota's lock and the fit state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field

from inquiry_tui.store.models.columns import timestamp_column, version_column
from inquiry_tui.store.models.table import TableModel

# Fitting, non-junk RFQs: the recommendation walks only these, best standing first.
_FITTING = text("NOT is_junk AND fit > 0")  # portable: a boolean is not an integer on PostgreSQL


class Rfq(TableModel, table=True):
    """A buyer's request for quotation posted on the marketplace (`import rfqs`); open until `expires_at`.

    `fit` (0..100), `fit_terms` (one per line) and `fit_category` are the RFQ's fit to the
    catalogue, computed when it arrives and again when the catalogue changes (rfq_fit_state).
    `buyer_points` (the buyer's verification and tier) and `standing` (fit + buyer_points) are
    kept by triggers of migration 0012_rfq_standing when the RFQ is written or its buyer's
    verification or tier changes: writers never set them.
    """

    id: int | None = Field(default=None, primary_key=True)
    external_id: str = Field(unique=True)
    buyer_id: int = Field(foreign_key="buyer.id", index=True)
    posted_at: datetime = Field(sa_column=timestamp_column())
    expires_at: datetime = Field(sa_column=timestamp_column())
    title: str
    description: str = ""
    category: str = ""
    quantity: float | None = None
    unit: str = ""
    destination: str | None = Field(default=None, max_length=2)
    target_price: str | None = None  # a decimal as text (never a float)
    currency: str | None = Field(default=None, max_length=3)
    is_junk: bool = False
    junk_score: int = 0
    junk_reasons: str = ""  # one reason per line
    fit: int = 0
    fit_terms: str = ""  # catalogue terms matched, one per line
    fit_category: str = ""
    buyer_points: int = 0
    standing: int = 0
    imported_at: datetime = Field(sa_column=timestamp_column())

    __table_args__ = (
        # The market lists newest first by keyset on (posted_at, id); filters ride on these.
        Index("ix_rfq_junk_posted", "is_junk", "posted_at", "id"),
        Index("ix_rfq_category_posted", "category", "posted_at", "id"),
        Index("ix_rfq_destination_posted", "destination", "posted_at", "id"),
        # The recommendation: best standing first, newest among equals; fit and expiry ride along so
        # rows too weak or expired are passed over in the index.
        Index(
            "ix_rfq_standing",
            "standing",
            "posted_at",
            "id",
            "fit",
            "expires_at",
            sqlite_where=_FITTING,
            postgresql_where=_FITTING,
        ),
    )


_quote_version = version_column()


class RfqQuote(TableModel, table=True):
    """The company's one quote on an RFQ, by the salesperson who owns its `rfq` thread (`inquiry_id`)."""

    __tablename__ = "rfq_quote"
    id: int | None = Field(default=None, primary_key=True)
    rfq_id: int = Field(foreign_key="rfq.id", unique=True)
    account_id: int = Field(foreign_key="account.id")
    inquiry_id: int = Field(foreign_key="inquiry.id", index=True)
    price: str  # a decimal as text
    currency: str = Field(max_length=3)
    moq: int
    lead_days: int
    incoterm: str | None = None
    message: str = ""
    sent_at: datetime = Field(sa_column=timestamp_column())
    edits: int = 0
    edited_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    won_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    order_ref: str = ""
    version: int = Field(default=1, sa_column=_quote_version)

    __mapper_args__ = {"version_id_col": _quote_version}
    __table_args__ = (
        Index("ix_rfq_quote_sent", "sent_at"),  # the quota counts a month of these
        Index("ix_rfq_quote_account_sent", "account_id", "sent_at", "id"),  # my quotes
    )


class RfqSubscription(TableModel, table=True):
    """A keyword a salesperson follows: new RFQs with all its words raise an RFQ-match notice."""

    __tablename__ = "rfq_subscription"
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    word: str
    created_at: datetime = Field(sa_column=timestamp_column())

    __table_args__ = (UniqueConstraint("account_id", "word"),)


class RfqQuota(TableModel, table=True):
    """One row per quota month (YYYY-MM of the company's zone): the row a quoting transaction locks.

    SQLite serialises writers anyway (BEGIN IMMEDIATE); on PostgreSQL `SELECT ... FOR UPDATE` on
    this row makes concurrent quotes of one month take turns, so the count they check is exact.
    """

    __tablename__ = "rfq_quota"
    month: str = Field(primary_key=True)
    quotes: int = 0


class RfqFitState(TableModel, table=True):
    """The catalogue (a digest of SKUs, names, categories, keywords) the stored fits were computed against."""

    __tablename__ = "rfq_fit_state"
    id: int = Field(default=1, primary_key=True)
    catalogue: str = ""
