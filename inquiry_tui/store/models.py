"""SQLModel tables for the whole domain (docs/store.md).

Mutable rows that people edit concurrently (inquiry, buyer, settings, reply templates) carry
a `version` column wired as SQLAlchemy's `version_id_col`: a stale ORM flush raises
StaleDataError, which services turn into a "changed by someone else" message.
Hot paths (arrivals, the generator, list pages) use Core statements over the same tables.
Columns holding a word of the domain (role, channel, folder, direction, rule, tier, kind) store
the plain text of its `domain.vocabulary` enum member.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Integer, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from inquiry_tui.domain.vocabulary import Channel, Direction, Folder, Role, View
from inquiry_tui.store.queries.folders import open_sql, predicate
from inquiry_tui.store.types import UTCDateTime


def _ts(*, nullable: bool = False, index: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable, index=index)


def _version() -> Column:
    return Column("version", Integer, nullable=False, server_default=text("1"))


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(unique=True)
    name: str
    role: str = Role.SALES.value  # Role: admin | sales
    active: bool = True
    away: bool = False
    successor_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = Field(sa_column=_ts())


class Product(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(unique=True)
    name: str
    category: str = ""
    keywords: str = ""  # comma-separated, used to tell related buyer searches from unrelated ones
    owner_id: int | None = Field(default=None, foreign_key="account.id", index=True)


class CountryOwner(SQLModel, table=True):
    """One owner per country (ISO 3166-1 alpha-2): the primary key enforces it."""

    __tablename__ = "country_owner"
    country: str = Field(primary_key=True, max_length=2)
    account_id: int = Field(foreign_key="account.id", index=True)


_buyer_version = _version()


class Buyer(SQLModel, table=True):
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
    customer_since: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    group_name: str = ""
    type: str = ""
    source: str = ""
    stars: int = 0
    notes: str = ""
    first_seen_at: datetime = Field(sa_column=_ts())
    last_contact_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    version: int = Field(default=1, sa_column=_buyer_version)

    __mapper_args__ = {"version_id_col": _buyer_version}
    __table_args__ = (
        Index("ix_buyer_owner_customer", "owner_id", "is_customer"),
        Index("ix_buyer_company", "company"),
        Index("ix_buyer_name", "name"),
    )


class BuyerTag(SQLModel, table=True):
    __tablename__ = "buyer_tag"
    buyer_id: int = Field(foreign_key="buyer.id", primary_key=True)
    tag: str = Field(primary_key=True, index=True)


_inquiry_version = _version()


class Inquiry(SQLModel, table=True):
    """A thread: an inquiry, chat (tm), email or RFQ (Channel). `folder` is a Folder: inbox | junk | deleted."""

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, unique=True)
    channel: str = Channel.INQUIRY.value
    buyer_id: int = Field(foreign_key="buyer.id")
    product_id: int | None = Field(default=None, foreign_key="product.id", index=True)
    subject: str = ""
    quantity: float | None = None
    unit: str | None = None
    received_at: datetime = Field(sa_column=_ts())
    owner_id: int = Field(foreign_key="account.id")
    rule: str = ""  # the Rule of the latest allocation
    folder: str = Folder.INBOX.value
    is_junk: bool = False  # the filter's or a person's judgement; restore returns junk to Junk
    junk_score: int = 0
    junk_reasons: str = ""  # one reason per line
    unread: bool = True
    tagged: bool = False
    replied: bool = False  # has an outgoing human message: the Sent folder
    first_response_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    last_message_at: datetime = Field(sa_column=_ts())
    due_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    auto_replies: int = 0
    deleted_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    terms: str = ""  # JSON of domain.terms.Terms: what the buyer stated (quantity, price, incoterm, ...)
    version: int = Field(default=1, sa_column=_inquiry_version)

    __mapper_args__ = {"version_id_col": _inquiry_version}
    __table_args__ = (
        # Inbox lists page by keyset on (received_at, id) newest first, per owner and folder; the
        # partial indexes carry their view's own predicate (store.queries.folders), as SQLite needs.
        Index("ix_inquiry_owner_folder_recv", "owner_id", "folder", "received_at", "id"),
        Index("ix_inquiry_folder_recv", "folder", "received_at", "id"),
        Index(
            "ix_inquiry_owner_unread",
            "owner_id",
            "received_at",
            "id",
            sqlite_where=text(predicate(View.UNREAD, alias="")),
        ),
        Index("ix_inquiry_unread", "received_at", "id", sqlite_where=text(predicate(View.UNREAD, alias=""))),
        Index(
            "ix_inquiry_owner_tagged",
            "owner_id",
            "received_at",
            "id",
            sqlite_where=text(predicate(View.TAGGED, alias="")),
        ),
        Index("ix_inquiry_tagged", "received_at", "id", sqlite_where=text(predicate(View.TAGGED, alias=""))),
        Index(
            "ix_inquiry_owner_sent",
            "owner_id",
            "received_at",
            "id",
            sqlite_where=text(predicate(View.SENT, alias="")),
        ),
        Index("ix_inquiry_sent", "received_at", "id", sqlite_where=text(predicate(View.SENT, alias=""))),
        # A buyer's threads; with is_junk, the activity rollup counts every buyer's valid inquiries index-only.
        Index("ix_inquiry_buyer_recv", "buyer_id", "received_at", "is_junk"),
        Index("ix_inquiry_recv", "received_at"),
        # The dashboard's open and overdue counts, index-only (the query names the same predicate).
        Index("ix_inquiry_open", "owner_id", "due_at", sqlite_where=text(open_sql(alias=""))),
    )


class Message(SQLModel, table=True):
    """One message of a thread (Direction): `in` from the buyer, `out` by a person, `auto` by reception."""

    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int = Field(foreign_key="inquiry.id")
    direction: str = Direction.IN.value
    author_id: int | None = Field(default=None, foreign_key="account.id")
    sent_at: datetime = Field(sa_column=_ts())
    body: str = ""

    __table_args__ = (Index("ix_message_inquiry_sent", "inquiry_id", "sent_at"),)


class AllocationRecord(SQLModel, table=True):
    """Every routing decision: on arrival (actor `system`), reassignment or hand-over."""

    __tablename__ = "allocation_record"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_ts(index=True))
    inquiry_id: int = Field(foreign_key="inquiry.id", index=True)
    from_id: int | None = Field(default=None, foreign_key="account.id")
    to_id: int = Field(foreign_key="account.id", index=True)
    rule: str
    actor: str  # vocabulary.SYSTEM_LOGIN or a login
    reason: str = ""


class AuditLog(SQLModel, table=True):
    """Append-only: triggers refuse UPDATE and DELETE (see the initial migration)."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_ts(index=True))
    actor: str
    action: str = Field(index=True)
    entity: str
    entity_id: str = ""
    before: str = ""  # JSON
    after: str = ""  # JSON


_setting_version = _version()


class Setting(SQLModel, table=True):
    """One JSON document per settings section (allocation, reception, calls)."""

    key: str = Field(primary_key=True)
    value: str = "{}"
    version: int = Field(default=1, sa_column=_setting_version)

    __mapper_args__ = {"version_id_col": _setting_version}


class RotationState(SQLModel, table=True):
    """The main-account rotation turn; shared by every process, updated inside BEGIN IMMEDIATE."""

    __tablename__ = "rotation_state"
    id: int = Field(default=1, primary_key=True)
    last_login: str | None = None
    turns: int = 0


_template_version = _version()


class ReplyTemplate(SQLModel, table=True):
    __tablename__ = "reply_template"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    body: str
    owner_id: int | None = Field(default=None, foreign_key="account.id")  # None: shared by the team
    version: int = Field(default=1, sa_column=_template_version)

    __mapper_args__ = {"version_id_col": _template_version}


class ActivityEvent(SQLModel, table=True):
    """A raw on-site event of a buyer; profiles read the daily aggregates instead."""

    __tablename__ = "activity_event"
    id: int | None = Field(default=None, primary_key=True)
    buyer_id: int = Field(foreign_key="buyer.id")
    at: datetime = Field(sa_column=_ts())
    kind: str
    detail: str = ""

    __table_args__ = (Index("ix_activity_buyer_at", "buyer_id", "at"),)


class ActivityDaily(SQLModel, table=True):
    """Events per buyer, day (UTC, ISO date) and kind: a profile reads <= 90 x 8 rows."""

    __tablename__ = "activity_daily"
    buyer_id: int = Field(foreign_key="buyer.id", primary_key=True)
    day: str = Field(primary_key=True)
    kind: str = Field(primary_key=True)
    count: int = 0


class ActivityDetail(SQLModel, table=True):
    """Counts per buyer, kind and detail: common search terms, SKUs viewed."""

    __tablename__ = "activity_detail"
    buyer_id: int = Field(foreign_key="buyer.id", primary_key=True)
    kind: str = Field(primary_key=True)
    detail: str = Field(primary_key=True)
    count: int = 0
    last_at: datetime = Field(sa_column=_ts())


class VisitorSession(SQLModel, table=True):
    """Visitor details: one visit to the store with what was seen on the site around it."""

    __tablename__ = "visitor_session"
    id: int | None = Field(default=None, primary_key=True)
    buyer_id: int = Field(foreign_key="buyer.id")
    at: datetime = Field(sa_column=_ts())
    region: str = ""
    page_views: int = 0
    store_pages: int = 0
    site_products: int = 0
    site_sellers: int = 0
    search_terms: str = ""  # comma-separated

    __table_args__ = (Index("ix_visitor_buyer_at", "buyer_id", "at"),)


class BlockEntry(SQLModel, table=True):
    __tablename__ = "block_entry"
    id: int | None = Field(default=None, primary_key=True)
    kind: str  # BlockKind: email | member_id | country
    value: str
    note: str = ""
    created_at: datetime = Field(sa_column=_ts())

    __table_args__ = (UniqueConstraint("kind", "value"),)


class ReplyDay(SQLModel, table=True):
    """A cache: the reply-rate tallies of one closed local day, per owner (0: the company's groups).

    Written by `services.team.reply_rate_cache` for days whose every inquiry is past its response limit;
    triggers of migration 0003 delete a day's rows when an inquiry received that day is added,
    removed, or changed in a column the rate reads. Never a source of truth: deleting every row
    only makes the next dashboard slower.
    """

    __tablename__ = "reply_day"
    timezone: str = Field(primary_key=True)
    day: str = Field(primary_key=True)  # the local date, ISO
    owner_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    day_start: datetime = Field(sa_column=_ts())  # local midnight, as UTC
    day_end: datetime = Field(sa_column=_ts())  # the next local midnight, as UTC
    answered: int = 0
    counted: int = 0
    delays: bytes = b""  # stats_sql.Histogram.to_bytes: the responses' delays in minutes, for the median
    computed_at: datetime = Field(sa_column=_ts())


class ReplyDayEpoch(SQLModel, table=True):
    """One counter the reply_day triggers bump: a cache write checks that nothing changed since its read."""

    __tablename__ = "reply_day_epoch"
    id: int = Field(default=1, primary_key=True)
    n: int = 0


class ActivityRollup(SQLModel, table=True):
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


class ActivityRollupState(SQLModel, table=True):
    """What a stored rollup saw: its watermarks and the catalogue it judged intent against."""

    __tablename__ = "activity_rollup_state"
    day: str = Field(primary_key=True)
    window_days: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    marks: str  # JSON [activity_daily rowid, activity_event id, inquiry id]
    catalogue: str  # a digest of the products' SKUs, names and keywords


_NOTICE_UNREAD = text("read_at IS NULL")  # module level: the class below has a `text` field


class Notice(SQLModel, table=True):
    """One entry of an account's notice feed ("push information"); read once `read_at` is set.

    `dedupe` keeps a producer from telling the same thing twice (e.g. one overdue warning per
    inquiry): unique per account when given.
    """

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    kind: str
    text: str = ""  # may quote buyer text: shown through safe_text
    ref_kind: str = ""  # inquiry | customer | rfq | appointment | order | ... ("" for none)
    ref_id: str = ""
    created_at: datetime = Field(sa_column=_ts())
    read_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    dedupe: str | None = None

    __table_args__ = (
        Index("ix_notice_account_created", "account_id", "created_at", "id"),
        Index("ix_notice_unread", "account_id", sqlite_where=_NOTICE_UNREAD, postgresql_where=_NOTICE_UNREAD),
        Index("ux_notice_dedupe", "account_id", "dedupe", unique=True),
    )


class StoredFile(SQLModel, table=True):
    """A file kept by content (sha256) in the file store beside the store; one row per content."""

    __tablename__ = "stored_file"
    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    mime: str = "application/octet-stream"  # sniffed from the content, never from the name
    created_at: datetime = Field(sa_column=_ts())


class Attachment(SQLModel, table=True):
    """A file on a message, under the name it came with (cleaned: no paths, no control characters)."""

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    sha256: str = Field(foreign_key="stored_file.sha256", index=True, max_length=64)
    name: str
