"""The buyer profile (DESIGN.md section 3, seeds 000/001), built from the store's aggregates only.

One read transaction of a handful of bounded, indexed queries: the buyer row, its tags,
activity_daily (<= window x 8 rows), per-day counts of the buyer's inquiries in the window,
activity_detail (top search terms and SKUs viewed), visitor_session rows in the window and
the newest few messages. Raw activity_event rows are never scanned, so opening a profile
stays within one frame at 50k buyers and 5M events.

Who may look: the admin sees every buyer; a salesperson sees the buyers they own and the
buyers of inquiries they own (the inbox pane shows the buyer of whatever thread is open,
even when sticky allocation is off and the buyer belongs to a colleague). Any other id is
NotFound, so existence does not leak. Latest messages come only from threads the actor may
read (a salesperson: their own threads).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

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
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.models import (
    Account,
    ActivityDaily,
    ActivityDetail,
    Buyer,
    BuyerTag,
    Inquiry,
    Message,
    Product,
    VisitorSession,
)

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


def buyer_profile(ctx: Ctx, buyer_id: int, *, window_days: int = DEFAULT_WINDOW_DAYS) -> BuyerProfile:
    """The profile of one buyer over the last WINDOW_DAYS days (today counts as day 1)."""
    today = ctx.now().astimezone(UTC).date()
    start = today - timedelta(days=max(1, window_days) - 1)
    with ctx.read() as session:
        buyer = session.get(Buyer, buyer_id)
        if buyer is None or not can_see_buyer(session, ctx, buyer):
            raise NotFound(f"no buyer {buyer_id}")
        return _build(session, ctx, buyer, today, start, window_days)


def can_see_buyer(session: Session, ctx: Ctx, buyer: Buyer) -> bool:
    """The admin sees all; a salesperson their own buyers and the buyers of their inquiries."""
    if ctx.actor.is_admin or buyer.owner_id == ctx.actor.id:
        return True
    hit = session.execute(
        select(Inquiry.id).where(Inquiry.buyer_id == buyer.id, Inquiry.owner_id == ctx.actor.id).limit(1)
    ).first()
    return hit is not None


def _day(value: Any) -> date:
    # SQLite's date() gives text, PostgreSQL's a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _build(session: Session, ctx: Ctx, buyer: Buyer, today: date, start: date, window_days: int) -> BuyerProfile:
    assert buyer.id is not None
    since = datetime.combine(start, time.min, tzinfo=UTC)
    daily = [
        DailyCounts(date.fromisoformat(day), kind, count)
        for day, kind, count in session.execute(
            select(ActivityDaily.day, ActivityDaily.kind, ActivityDaily.count).where(
                ActivityDaily.buyer_id == buyer.id, ActivityDaily.day >= start.isoformat(), ActivityDaily.day <= today.isoformat()
            )
        )
    ]
    # Our own threads with this buyer: valid inquiries (the "inquiries" dimension), replies,
    # junk, and which products were asked about. Grouped in SQL: a busy buyer has thousands.
    day_col = func.date(Inquiry.received_at)
    inquired: Counter[int] = Counter()
    replies = 0
    per_day: Counter[tuple[date, str]] = Counter()
    for day, product_id, is_junk, replied, n in session.execute(
        select(day_col, Inquiry.product_id, Inquiry.is_junk, Inquiry.replied, func.count())
        .where(Inquiry.buyer_id == buyer.id, Inquiry.received_at >= since)
        .group_by(day_col, Inquiry.product_id, Inquiry.is_junk, Inquiry.replied)
    ):
        # Junk inquiries: the marketplace's own count (activity "junk") plus threads judged junk here.
        per_day[(_day(day), "junk" if is_junk else "inquiry")] += n
        if is_junk:
            continue
        if replied:
            replies += n
        if product_id is not None:
            inquired[product_id] += n
    daily.extend(DailyCounts(d, kind, n) for (d, kind), n in per_day.items())
    box = behaviour(daily, today, window_days, replies=replies)
    level = activity_level(daily, today, window_days)

    terms = _top_details(session, buyer.id, "search", since, TOP_TERMS * 2)
    viewed = _top_details(session, buyer.id, "product_view", since, TOP_PRODUCTS)
    visitor = _visitor(session, buyer.id, since, terms)
    products = _intended_products(session, viewed, inquired)
    keywords = [k.strip() for row in session.execute(select(Product.keywords)) for k in row[0].split(",") if k.strip()]
    note = trading_company_hint([t.term for t in visitor.search_terms], keywords)

    facts = BuyerFacts(
        verified=bool(buyer.verified), tier=buyer.tier, company=buyer.company, country=buyer.country,
        phone=buyer.phone, website=buyer.website, email=buyer.email, junk_count=box.junk_inquiries,
        blacklist_count=box.times_blacklisted, activity_level=level.level, valid_inquiries=box.valid_inquiries,
        login_days=box.login_days,
    )
    owner = session.get(Account, buyer.owner_id) if buyer.owner_id is not None else None
    tags = tuple(sorted(session.execute(select(BuyerTag.tag).where(BuyerTag.buyer_id == buyer.id)).scalars()))
    return BuyerProfile(
        buyer_id=buyer.id, email=buyer.email, name=buyer.name, company=buyer.company, country=buyer.country,
        country_name=country_name(buyer.country) if buyer.country else None, phone=buyer.phone,
        website=buyer.website, address=buyer.address, business_type=buyer.business_type,
        employees=buyer.employees, year_established=buyer.year_established, member_id=buyer.member_id,
        verified=bool(buyer.verified), tier=buyer.tier, owner_login=owner.login if owner else None,
        owner_name=owner.name if owner else None, is_customer=bool(buyer.is_customer),
        customer_since=buyer.customer_since, first_seen_at=buyer.first_seen_at,
        last_contact_at=buyer.last_contact_at, notes=buyer.notes,
        tags=BuyerTags(buyer.group_name, buyer.type, buyer.source, buyer.stars, tags), version=buyer.version,
        window_days=window_days, behaviour=box, activity=level, authenticity=authenticity(facts),
        intended_products=products, latest_messages=_latest_messages(session, ctx, buyer.id), visitor=visitor,
        trading_company_note=note,
    )


def _top_details(session: Session, buyer_id: int, kind: str, since: datetime, limit: int) -> list[TermCount]:
    """Most frequent details of KIND last seen inside the window (counts are all-time totals)."""
    rows = session.execute(
        select(ActivityDetail.detail, ActivityDetail.count)
        .where(ActivityDetail.buyer_id == buyer_id, ActivityDetail.kind == kind, ActivityDetail.last_at >= since)
        .order_by(ActivityDetail.count.desc(), ActivityDetail.detail)  # type: ignore[attr-defined]
        .limit(limit)
    )
    return [TermCount(detail, count) for detail, count in rows]


def _visitor(session: Session, buyer_id: int, since: datetime, terms: list[TermCount]) -> VisitorDetails:
    rows = session.execute(
        select(
            VisitorSession.at, VisitorSession.region, VisitorSession.page_views, VisitorSession.store_pages,
            VisitorSession.site_products, VisitorSession.site_sellers, VisitorSession.search_terms,
        )
        .where(VisitorSession.buyer_id == buyer_id, VisitorSession.at >= since)
        .order_by(VisitorSession.at.desc())  # type: ignore[attr-defined]
        .limit(MAX_SESSIONS)
    ).all()
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


def _intended_products(session: Session, viewed: list[TermCount], inquired: Counter[int]) -> tuple[ProductInterest, ...]:
    """Products the buyer viewed or asked about, by views + 3 x inquiries (an inquiry says more)."""
    top_inquired = [pid for pid, _ in inquired.most_common(TOP_PRODUCTS)]
    skus = [v.term for v in viewed]
    known: dict[str, tuple[int, str]] = {}
    if skus or top_inquired:
        for pid, sku, name in session.execute(
            select(Product.id, Product.sku, Product.name).where(
                Product.sku.in_(skus) | Product.id.in_(top_inquired)  # type: ignore[attr-defined,union-attr]
            )
        ):
            known[sku] = (pid, name)
    by_id = {pid: sku for sku, (pid, _) in known.items()}
    views = {v.term: v.count for v in viewed}
    merged: dict[str, ProductInterest] = {}
    for sku in {*views, *(by_id[p] for p in top_inquired if p in by_id)}:
        pid, name = known.get(sku, (None, ""))
        merged[sku] = ProductInterest(sku, name, views.get(sku, 0), inquired.get(pid, 0) if pid else 0, pid is not None)
    ranked = sorted(merged.values(), key=lambda p: (-(p.views + 3 * p.inquiries), p.sku))
    return tuple(ranked[:TOP_PRODUCTS])


def _latest_messages(session: Session, ctx: Ctx, buyer_id: int) -> tuple[LatestMessage, ...]:
    """The newest messages of the buyer's newest threads the actor may read."""
    threads = select(Inquiry.id, Inquiry.subject).where(Inquiry.buyer_id == buyer_id, Inquiry.folder != "deleted")
    if not ctx.actor.is_admin:
        threads = threads.where(Inquiry.owner_id == ctx.actor.id)
    subjects = dict(session.execute(threads.order_by(Inquiry.received_at.desc()).limit(LATEST_THREADS)).all())  # type: ignore[attr-defined]
    if not subjects:
        return ()
    rows = session.execute(
        select(Message.inquiry_id, Message.direction, Message.sent_at, func.substr(Message.body, 1, PREVIEW_CHARS))
        .where(Message.inquiry_id.in_(list(subjects)))  # type: ignore[attr-defined]
        .order_by(Message.sent_at.desc(), Message.id.desc())  # type: ignore[attr-defined,union-attr]
        .limit(LATEST_MESSAGES)
    )
    return tuple(LatestMessage(iid, subjects[iid], direction, sent_at, body or "") for iid, direction, sent_at, body in rows)
