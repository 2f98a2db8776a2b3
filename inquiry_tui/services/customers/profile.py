"""The buyer profile (docs/domain.md, Buyers; seeds 000/001), built from the store's aggregates only.

One read transaction of a handful of bounded, indexed queries: the buyer row, its tags,
activity_daily (<= window x 8 rows), per-day counts of the buyer's inquiries in the window,
activity_detail (top search terms and SKUs viewed), visitor_session rows in the window and
the newest few messages. Raw activity_event rows are never scanned, so opening a profile
stays within one frame at 50k buyers and 5M events.

Who may look: the admin sees every buyer; a salesperson sees the buyers they own, buyers
nobody owns yet (visitors known only from activity: anyone may approach them) and the
buyers of inquiries they own (the inbox pane shows the buyer of whatever thread is open,
even when sticky allocation is off and the buyer belongs to a colleague). Any other id is
NotFound, so existence does not leak. Latest messages come only from threads the actor may
read (a salesperson: their own threads).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Integer, String, bindparam, column, text

from inquiry_tui.domain.activity import (
    DEFAULT_WINDOW_DAYS,
    ActivityLevel,
    Behaviour,
    DailyCounts,
    activity_level,
    behaviour,
)
from inquiry_tui.domain.authenticity import Authenticity, BuyerFacts, authenticity, trading_company_hint
from inquiry_tui.domain.countries import country_name
from inquiry_tui.domain.errors import NotFound
from inquiry_tui.domain.vocabulary import ActivityKind, Folder
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.types import UTCDateTime

if TYPE_CHECKING:
    from sqlmodel import Session

LATEST_THREADS = 5  # newest threads looked at for the latest messages
LATEST_MESSAGES = 5
PREVIEW_CHARS = 240
TOP_TERMS = 10
TOP_PRODUCTS = 6
MAX_SESSIONS = 500  # visitor sessions read per profile (newest first): a bound, not a filter


@dataclass(frozen=True)
class BuyerTags:
    """Customer-management tags: the four fixed ones and the free tags (sorted)."""

    group: str
    type: str
    source: str
    stars: int
    free: tuple[str, ...]


@dataclass(frozen=True)
class ProductInterest:
    """An intended product: how often the buyer viewed it and asked about it in the window."""

    sku: str
    name: str
    views: int
    inquiries: int
    ours: bool  # in our catalogue


@dataclass(frozen=True)
class LatestMessage:
    inquiry_id: int
    subject: str  # untrusted: render through safe_line
    direction: str  # in | out | auto
    sent_at: datetime
    preview: str  # untrusted: first PREVIEW_CHARS characters of the body


@dataclass(frozen=True)
class TermCount:
    term: str  # untrusted
    count: int


@dataclass(frozen=True)
class VisitorDetails:
    """Seed 001 point 5: page views, region, common search terms, store and site behaviour."""

    sessions: int
    page_views: int
    regions: tuple[str, ...]  # alpha-2 codes (or the raw value), most frequent first
    search_terms: tuple[TermCount, ...]  # most common first
    store_pages: int
    site_products: int
    site_sellers: int
    last_visit_at: datetime | None


@dataclass(frozen=True)
class BuyerProfile:
    buyer_id: int
    email: str
    name: str
    company: str
    country: str | None
    country_name: str | None
    phone: str
    website: str
    address: str
    business_type: str
    employees: str
    year_established: int | None
    member_id: str | None
    verified: bool
    tier: str | None
    owner_login: str | None
    owner_name: str | None
    is_customer: bool
    customer_since: datetime | None
    first_seen_at: datetime
    last_contact_at: datetime | None
    notes: str
    tags: BuyerTags
    version: int  # pass back to update_customer for the stale-write check
    window_days: int
    behaviour: Behaviour
    activity: ActivityLevel
    authenticity: Authenticity
    intended_products: tuple[ProductInterest, ...]
    latest_messages: tuple[LatestMessage, ...]
    visitor: VisitorDetails
    trading_company_note: str | None
    stage: str = "inquiry"  # CustomerStage, from the buyer's orders (services.deals.trade)
    orders: int = 0  # orders not cancelled, regular and sample


def buyer_profile(ctx: Ctx, buyer_id: int, *, window_days: int = DEFAULT_WINDOW_DAYS) -> BuyerProfile:
    """The profile of one buyer over the last WINDOW_DAYS days (today counts as day 1)."""
    today = ctx.now().astimezone(UTC).date()
    start = today - timedelta(days=max(1, window_days) - 1)
    with ctx.read() as session:
        buyer = session.connection().execute(_Q_BUYER, {"b": buyer_id}).first()
        if buyer is None or not can_see_buyer(session, ctx, buyer_id, buyer.owner_id):
            raise NotFound(f"no buyer {buyer_id}")
        return _build(session, ctx, buyer, today, start, window_days)


def can_see_buyer(session: Session, ctx: Ctx, buyer_id: int, owner_id: int | None) -> bool:
    """The admin sees all; a salesperson their own buyers, unowned ones and the buyers of their inquiries."""
    if ctx.actor.is_admin or owner_id is None or owner_id == ctx.actor.id:
        return True
    return session.connection().execute(_Q_OWN_THREAD, {"b": buyer_id, "me": ctx.actor.id}).first() is not None


# Plain statements, compiled once: this runs on every cursor move of the inbox, and building
# ORM statements per call cost more than the queries themselves. Typed columns and binds keep
# them portable (UTCDateTime on every backend).
_Q_BUYER = text(
    "SELECT b.id, b.email, b.name, b.company, b.country, b.phone, b.website, b.address, b.business_type, "
    "b.employees, b.year_established, b.member_id, b.verified, b.tier, b.owner_id, b.is_customer, "
    "b.customer_since, b.first_seen_at, b.last_contact_at, b.notes, b.group_name, b.type, b.source, b.stars, "
    "b.version, a.login, a.name AS owner_name FROM buyer b LEFT JOIN account a ON a.id = b.owner_id WHERE b.id = :b"
).columns(
    *(
        column(n)
        for n in (
            "id",
            "email",
            "name",
            "company",
            "country",
            "phone",
            "website",
            "address",
            "business_type",
            "employees",
            "year_established",
            "member_id",
            "verified",
            "tier",
            "owner_id",
            "is_customer",
        )
    ),
    column("customer_since", UTCDateTime()),
    column("first_seen_at", UTCDateTime()),
    column("last_contact_at", UTCDateTime()),
    *(column(n) for n in ("notes", "group_name", "type", "source", "stars", "version", "login", "owner_name")),
)
_Q_OWN_THREAD = text("SELECT 1 FROM inquiry WHERE buyer_id = :b AND owner_id = :me LIMIT 1")
_Q_TAGS = text("SELECT tag FROM buyer_tag WHERE buyer_id = :b ORDER BY tag")
_Q_DAILY = text("SELECT day, kind, count FROM activity_daily WHERE buyer_id = :b AND day >= :start AND day <= :today")
# A busy buyer has thousands of threads: counted per day in SQL over the (buyer, received_at) index.
_Q_THREADS = text(
    "SELECT date(received_at) AS day, product_id, is_junk, replied, count(*) FROM inquiry "
    "WHERE buyer_id = :b AND received_at >= :since GROUP BY 1, 2, 3, 4"
).bindparams(bindparam("since", type_=UTCDateTime()))
_Q_DETAILS = text(
    "SELECT detail, count FROM activity_detail WHERE buyer_id = :b AND kind = :kind AND last_at >= :since "
    "ORDER BY count DESC, detail LIMIT :n"
).bindparams(bindparam("since", type_=UTCDateTime()))
_Q_VISITS = (
    text(
        "SELECT at, region, page_views, store_pages, site_products, site_sellers, search_terms FROM visitor_session "
        "WHERE buyer_id = :b AND at >= :since ORDER BY at DESC LIMIT :n"
    )
    .bindparams(bindparam("since", type_=UTCDateTime()))
    .columns(
        column("at", UTCDateTime()),
        *(column(n) for n in ("region", "page_views", "store_pages", "site_products", "site_sellers", "search_terms")),
    )
)
_Q_KEYWORDS = text("SELECT keywords FROM product WHERE keywords != ''")
_Q_THREADS_LATEST = text(
    f"SELECT id, subject FROM inquiry WHERE buyer_id = :b AND folder != '{Folder.DELETED}' AND (:all OR owner_id = :me) "
    "ORDER BY received_at DESC LIMIT :n"
)
_Q_MESSAGES = (
    text(
        "SELECT inquiry_id, direction, sent_at, substr(body, 1, :chars) FROM message WHERE inquiry_id IN :ids "
        "ORDER BY sent_at DESC, id DESC LIMIT :n"
    )
    .bindparams(bindparam("ids", expanding=True))
    .columns(column("inquiry_id"), column("direction"), column("sent_at", UTCDateTime()), column("body"))
)
_Q_PRODUCTS = text("SELECT id, sku, name FROM product WHERE sku IN :skus OR id IN :ids").bindparams(
    bindparam("skus", expanding=True, type_=String()), bindparam("ids", expanding=True, type_=Integer())
)


def _day(value: Any) -> date:
    # SQLite's date() gives text, PostgreSQL's a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _build(session: Session, ctx: Ctx, b: Any, today: date, start: date, window_days: int) -> BuyerProfile:
    conn = session.connection()
    since = datetime.combine(start, time.min, tzinfo=UTC)
    daily = [
        DailyCounts(date.fromisoformat(day), kind, count)
        for day, kind, count in conn.execute(
            _Q_DAILY, {"b": b.id, "start": start.isoformat(), "today": today.isoformat()}
        )
    ]
    # Our own threads with this buyer: valid inquiries (the "inquiries" dimension), replies,
    # junk, and which products were asked about.
    inquired: Counter[int] = Counter()
    replies = 0
    per_day: Counter[tuple[date, str]] = Counter()
    for day, product_id, is_junk, replied, n in conn.execute(_Q_THREADS, {"b": b.id, "since": since}):
        # Junk inquiries: the marketplace's own count (activity "junk") plus threads judged junk here.
        per_day[(_day(day), ActivityKind.JUNK if is_junk else ActivityKind.INQUIRY)] += n
        if is_junk:
            continue
        if replied:
            replies += n
        if product_id is not None:
            inquired[product_id] += n
    daily.extend(DailyCounts(d, kind, n) for (d, kind), n in per_day.items())
    box = behaviour(daily, today, window_days, replies=replies)
    level = activity_level(daily, today, window_days)

    terms = _top_details(conn, b.id, ActivityKind.SEARCH, since, TOP_TERMS * 2)
    viewed = _top_details(conn, b.id, ActivityKind.PRODUCT_VIEW, since, TOP_PRODUCTS)
    visitor = _visitor(conn, b.id, since, terms)
    products = _intended_products(conn, viewed, inquired)
    keywords = [k.strip() for (row,) in conn.execute(_Q_KEYWORDS) for k in row.split(",") if k.strip()]
    note = trading_company_hint([t.term for t in visitor.search_terms], keywords)

    facts = BuyerFacts(
        verified=bool(b.verified),
        tier=b.tier,
        company=b.company,
        country=b.country,
        phone=b.phone,
        website=b.website,
        email=b.email,
        junk_count=box.junk_inquiries,
        blacklist_count=box.times_blacklisted,
        activity_level=level.level,
        valid_inquiries=box.valid_inquiries,
        login_days=box.login_days,
        window_days=window_days,
    )
    tags = tuple(conn.execute(_Q_TAGS, {"b": b.id}).scalars())
    latest = _latest_messages(conn, ctx, b.id)
    return BuyerProfile(
        buyer_id=b.id,
        email=b.email,
        name=b.name,
        company=b.company,
        country=b.country,
        country_name=country_name(b.country) if b.country else None,
        phone=b.phone,
        website=b.website,
        address=b.address,
        business_type=b.business_type,
        employees=b.employees,
        year_established=b.year_established,
        member_id=b.member_id,
        verified=bool(b.verified),
        tier=b.tier,
        owner_login=b.login,
        owner_name=b.owner_name,
        is_customer=bool(b.is_customer),
        customer_since=b.customer_since,
        first_seen_at=b.first_seen_at,
        # The stored value, as the list, the CLI and the recommendations show it: every write that adds a
        # message by the buyer or a person moves it (docs/domain.md, Buyers), so no message on this page
        # is newer than it.
        last_contact_at=b.last_contact_at,
        notes=b.notes,
        tags=BuyerTags(b.group_name, b.type, b.source, b.stars, tags),
        version=b.version,
        window_days=window_days,
        behaviour=box,
        activity=level,
        authenticity=authenticity(facts),
        intended_products=products,
        latest_messages=latest,
        visitor=visitor,
        trading_company_note=note,
        **_trade(conn, b.id),
    )


_Q_TRADE = text("SELECT stage, orders + sample_orders FROM buyer_trade WHERE buyer_id = :b")


def _trade(conn: Connection, buyer_id: int) -> dict[str, Any]:
    row = conn.execute(_Q_TRADE, {"b": buyer_id}).first()
    return {"stage": row[0], "orders": int(row[1])} if row else {}


def _top_details(conn: Connection, buyer_id: int, kind: str, since: datetime, limit: int) -> list[TermCount]:
    """Most frequent details of KIND last seen inside the window (counts are all-time totals)."""
    rows = conn.execute(_Q_DETAILS, {"b": buyer_id, "kind": kind, "since": since, "n": limit})
    return [TermCount(detail, count) for detail, count in rows]


def _visitor(conn: Connection, buyer_id: int, since: datetime, terms: list[TermCount]) -> VisitorDetails:
    rows = conn.execute(_Q_VISITS, {"b": buyer_id, "since": since, "n": MAX_SESSIONS}).all()
    regions: Counter[str] = Counter(r.region for r in rows if r.region)
    # Search terms: the on-site search counts, plus terms the visit log saw (once per visit).
    counts: Counter[str] = Counter({t.term: t.count for t in terms})
    for r in rows:
        for term in {t.strip() for t in r.search_terms.split(",") if t.strip()}:
            counts[term] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]
    return VisitorDetails(
        sessions=len(rows),
        page_views=sum(r.page_views for r in rows),
        regions=tuple(code for code, _ in regions.most_common(3)),
        search_terms=tuple(TermCount(t, n) for t, n in ranked),
        store_pages=sum(r.store_pages for r in rows),
        site_products=sum(r.site_products for r in rows),
        site_sellers=sum(r.site_sellers for r in rows),
        last_visit_at=rows[0].at if rows else None,
    )


def _intended_products(
    conn: Connection, viewed: list[TermCount], inquired: Counter[int]
) -> tuple[ProductInterest, ...]:
    """Products the buyer viewed or asked about, by views + 3 x inquiries (an inquiry says more)."""
    top_inquired = [pid for pid, _ in inquired.most_common(TOP_PRODUCTS)]
    skus = [v.term for v in viewed]
    known: dict[str, tuple[int, str]] = {}
    if skus or top_inquired:
        for pid, sku, name in conn.execute(_Q_PRODUCTS, {"skus": skus, "ids": top_inquired}):
            known[sku] = (pid, name)
    by_id = {pid: sku for sku, (pid, _) in known.items()}
    views = {v.term: v.count for v in viewed}
    merged: dict[str, ProductInterest] = {}
    for sku in {*views, *(by_id[p] for p in top_inquired if p in by_id)}:
        pid, name = known.get(sku, (None, ""))
        merged[sku] = ProductInterest(sku, name, views.get(sku, 0), inquired.get(pid, 0) if pid else 0, pid is not None)
    ranked = sorted(merged.values(), key=lambda p: (-(p.views + 3 * p.inquiries), p.sku))
    return tuple(ranked[:TOP_PRODUCTS])


def _latest_messages(conn: Connection, ctx: Ctx, buyer_id: int) -> tuple[LatestMessage, ...]:
    """The newest messages of the buyer's newest threads the actor may read."""
    params = {"b": buyer_id, "all": ctx.actor.is_admin, "me": ctx.actor.id, "n": LATEST_THREADS}
    subjects: dict[int, str] = dict(conn.execute(_Q_THREADS_LATEST, params).all())
    if not subjects:
        return ()
    rows = conn.execute(_Q_MESSAGES, {"ids": list(subjects), "chars": PREVIEW_CHARS, "n": LATEST_MESSAGES})
    return tuple(
        LatestMessage(iid, subjects[iid], direction, sent_at, body or "") for iid, direction, sent_at, body in rows
    )
