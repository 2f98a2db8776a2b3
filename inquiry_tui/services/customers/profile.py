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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

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
from inquiry_tui.store import plain_sql
from inquiry_tui.store.plain_sql import Reader
from inquiry_tui.store.types import as_utc, bind_text

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
    with ctx.read_plain() as conn:
        buyer = plain_sql.first(conn, _Q_BUYER, {"b": buyer_id})
        if buyer is None or not can_see_buyer(conn, ctx, buyer_id, buyer[_OWNER]):
            raise NotFound(f"no buyer {buyer_id}")
        return _build(conn, ctx, buyer, today, start, window_days)


def can_see_buyer(conn: Reader, ctx: Ctx, buyer_id: int, owner_id: int | None) -> bool:
    """The admin sees all; a salesperson their own buyers, unowned ones and the buyers of their inquiries."""
    if ctx.actor.is_admin or owner_id is None or owner_id == ctx.actor.id:
        return True
    return plain_sql.first(conn, _Q_OWN_THREAD, {"b": buyer_id, "me": ctx.actor.id}) is not None


# Plain SQL on a sqlite3 connection on SQLite (Ctx.read_plain; store/plain_sql.py), else SQLAlchemy's: this runs
# on every cursor move of the inbox (the profile pane), where SQLAlchemy's statement handling cost more than
# SQLite's work. Times are bound as their stored text (`bind_text`) and read back with `as_utc`.
_Q_BUYER = (
    "SELECT b.id, b.email, b.name, b.company, b.country, b.phone, b.website, b.address, b.business_type, "
    "b.employees, b.year_established, b.member_id, b.verified, b.tier, b.owner_id, b.is_customer, "
    "b.customer_since, b.first_seen_at, b.last_contact_at, b.notes, b.group_name, b.type, b.source, b.stars, "
    "b.version, a.login, a.name AS owner_name FROM buyer b LEFT JOIN account a ON a.id = b.owner_id WHERE b.id = :b"
)
_OWNER = 14  # b.owner_id in _Q_BUYER
_Q_OWN_THREAD = "SELECT 1 FROM inquiry WHERE buyer_id = :b AND owner_id = :me LIMIT 1"
_Q_TAGS = "SELECT tag FROM buyer_tag WHERE buyer_id = :b ORDER BY tag"
_Q_DAILY = "SELECT day, kind, count FROM activity_daily WHERE buyer_id = :b AND day >= :start AND day <= :today"
# A busy buyer has thousands of threads: counted per day in SQL over the (buyer, received_at) index.
_Q_THREADS = (
    "SELECT date(received_at) AS day, product_id, is_junk, replied, count(*) FROM inquiry "
    "WHERE buyer_id = :b AND received_at >= :since GROUP BY 1, 2, 3, 4"
)
_Q_DETAILS = (
    "SELECT detail, count FROM activity_detail WHERE buyer_id = :b AND kind = :kind AND last_at >= :since "
    "ORDER BY count DESC, detail LIMIT :n"
)
_Q_VISITS = (
    "SELECT at, region, page_views, store_pages, site_products, site_sellers, search_terms FROM visitor_session "
    "WHERE buyer_id = :b AND at >= :since ORDER BY at DESC LIMIT :n"
)
_Q_KEYWORDS = "SELECT keywords FROM product WHERE keywords != ''"
_Q_THREADS_LATEST = (
    f"SELECT id, subject FROM inquiry WHERE buyer_id = :b AND folder != '{Folder.DELETED}' AND (:all OR owner_id = :me) "
    "ORDER BY received_at DESC LIMIT :n"
)


def _q_messages(marks: str) -> str:
    """The newest messages of the threads MARKS lists (plain_sql.listed)."""
    return (
        "SELECT inquiry_id, direction, sent_at, substr(body, 1, :chars) FROM message "
        f"WHERE inquiry_id IN ({marks}) ORDER BY sent_at DESC, id DESC LIMIT :n"
    )


def _day(value: Any) -> date:
    # SQLite's date() gives text, PostgreSQL's a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _at(value: Any) -> datetime:
    """as_utc of a NOT NULL column."""
    at = as_utc(value)
    if at is None:
        raise ValueError("a required timestamp is missing")
    return at


def _build(conn: Reader, ctx: Ctx, b: Sequence[Any], today: date, start: date, window_days: int) -> BuyerProfile:
    buyer_id = b[0]
    since = bind_text(datetime.combine(start, time.min, tzinfo=UTC))
    daily = [
        DailyCounts(date.fromisoformat(str(day)[:10]), kind, count)
        for day, kind, count in plain_sql.rows(
            conn, _Q_DAILY, {"b": buyer_id, "start": start.isoformat(), "today": today.isoformat()}
        )
    ]
    # Our own threads with this buyer: valid inquiries (the "inquiries" dimension), replies,
    # junk, and which products were asked about.
    inquired: Counter[int] = Counter()
    replies = 0
    per_day: Counter[tuple[date, str]] = Counter()
    for day, product_id, is_junk, replied, n in plain_sql.rows(conn, _Q_THREADS, {"b": buyer_id, "since": since}):
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

    terms = _top_details(conn, buyer_id, ActivityKind.SEARCH, since, TOP_TERMS * 2)
    viewed = _top_details(conn, buyer_id, ActivityKind.PRODUCT_VIEW, since, TOP_PRODUCTS)
    visitor = _visitor(conn, buyer_id, since, terms)
    products = _intended_products(conn, viewed, inquired)
    keywords = [k.strip() for (row,) in plain_sql.rows(conn, _Q_KEYWORDS) for k in row.split(",") if k.strip()]
    note = trading_company_hint([t.term for t in visitor.search_terms], keywords)

    (
        _,
        email,
        name,
        company,
        country,
        phone,
        website,
        address,
        business_type,
        employees,
        year_established,
        member_id,
        verified,
        tier,
        _,
        is_customer,
        customer_since,
        first_seen_at,
        last_contact_at,
        notes,
        group_name,
        kind,
        source,
        stars,
        version,
        owner_login,
        owner_name,
    ) = b
    facts = BuyerFacts(
        verified=bool(verified),
        tier=tier,
        company=company,
        country=country,
        phone=phone,
        website=website,
        email=email,
        junk_count=box.junk_inquiries,
        blacklist_count=box.times_blacklisted,
        activity_level=level.level,
        valid_inquiries=box.valid_inquiries,
        login_days=box.login_days,
        window_days=window_days,
    )
    tags = tuple(plain_sql.scalars(conn, _Q_TAGS, {"b": buyer_id}))
    latest = _latest_messages(conn, ctx, buyer_id)
    return BuyerProfile(
        buyer_id=buyer_id,
        email=email,
        name=name,
        company=company,
        country=country,
        country_name=country_name(country) if country else None,
        phone=phone,
        website=website,
        address=address,
        business_type=business_type,
        employees=employees,
        year_established=year_established,
        member_id=member_id,
        verified=bool(verified),
        tier=tier,
        owner_login=owner_login,
        owner_name=owner_name,
        is_customer=bool(is_customer),
        customer_since=as_utc(customer_since),
        first_seen_at=_at(first_seen_at),
        # The stored value, as the list, the CLI and the recommendations show it: every write that adds a
        # message by the buyer or a person moves it (docs/domain.md, Buyers), so no message on this page
        # is newer than it.
        last_contact_at=as_utc(last_contact_at),
        notes=notes,
        tags=BuyerTags(group_name, kind, source, stars, tags),
        version=version,
        window_days=window_days,
        behaviour=box,
        activity=level,
        authenticity=authenticity(facts),
        intended_products=products,
        latest_messages=latest,
        visitor=visitor,
        trading_company_note=note,
        **_trade(conn, buyer_id),
    )


_Q_TRADE = "SELECT stage, orders + sample_orders FROM buyer_trade WHERE buyer_id = :b"


def _trade(conn: Reader, buyer_id: int) -> dict[str, Any]:
    row = plain_sql.first(conn, _Q_TRADE, {"b": buyer_id})
    return {"stage": row[0], "orders": int(row[1])} if row else {}


def _top_details(conn: Reader, buyer_id: int, kind: str, since: str, limit: int) -> list[TermCount]:
    """Most frequent details of KIND last seen inside the window (counts are all-time totals; SINCE bound as text)."""
    rows = plain_sql.rows(conn, _Q_DETAILS, {"b": buyer_id, "kind": kind, "since": since, "n": limit})
    return [TermCount(detail, count) for detail, count in rows]


def _visitor(conn: Reader, buyer_id: int, since: str, terms: list[TermCount]) -> VisitorDetails:
    rows = plain_sql.rows(conn, _Q_VISITS, {"b": buyer_id, "since": since, "n": MAX_SESSIONS})
    regions: Counter[str] = Counter(r[1] for r in rows if r[1])
    # Search terms: the on-site search counts, plus terms the visit log saw (once per visit).
    counts: Counter[str] = Counter({t.term: t.count for t in terms})
    for r in rows:
        for term in {t.strip() for t in r[6].split(",") if t.strip()}:
            counts[term] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]
    return VisitorDetails(
        sessions=len(rows),
        page_views=sum(r[2] for r in rows),
        regions=tuple(code for code, _ in regions.most_common(3)),
        search_terms=tuple(TermCount(t, n) for t, n in ranked),
        store_pages=sum(r[3] for r in rows),
        site_products=sum(r[4] for r in rows),
        site_sellers=sum(r[5] for r in rows),
        last_visit_at=as_utc(rows[0][0]) if rows else None,
    )


def _intended_products(conn: Reader, viewed: list[TermCount], inquired: Counter[int]) -> tuple[ProductInterest, ...]:
    """Products the buyer viewed or asked about, by views + 3 x inquiries (an inquiry says more)."""
    top_inquired = [pid for pid, _ in inquired.most_common(TOP_PRODUCTS)]
    skus = [v.term for v in viewed]
    known: dict[str, tuple[int, str]] = {}
    if skus or top_inquired:
        sku_marks, sku_params = plain_sql.listed("s", skus)
        id_marks, id_params = plain_sql.listed("p", top_inquired)
        sql = f"SELECT id, sku, name FROM product WHERE sku IN ({sku_marks}) OR id IN ({id_marks})"
        for pid, sku, name in plain_sql.rows(conn, sql, sku_params | id_params):
            known[sku] = (pid, name)
    by_id = {pid: sku for sku, (pid, _) in known.items()}
    views = {v.term: v.count for v in viewed}
    merged: dict[str, ProductInterest] = {}
    for sku in {*views, *(by_id[p] for p in top_inquired if p in by_id)}:
        pid, name = known.get(sku, (None, ""))
        merged[sku] = ProductInterest(sku, name, views.get(sku, 0), inquired.get(pid, 0) if pid else 0, pid is not None)
    ranked = sorted(merged.values(), key=lambda p: (-(p.views + 3 * p.inquiries), p.sku))
    return tuple(ranked[:TOP_PRODUCTS])


def _latest_messages(conn: Reader, ctx: Ctx, buyer_id: int) -> tuple[LatestMessage, ...]:
    """The newest messages of the buyer's newest threads the actor may read."""
    params = {"b": buyer_id, "all": ctx.actor.is_admin, "me": ctx.actor.id, "n": LATEST_THREADS}
    subjects: dict[int, str] = {row[0]: row[1] for row in plain_sql.rows(conn, _Q_THREADS_LATEST, params)}
    if not subjects:
        return ()
    marks, ids = plain_sql.listed("i", list(subjects))
    rows = plain_sql.rows(conn, _q_messages(marks), {"chars": PREVIEW_CHARS, "n": LATEST_MESSAGES} | ids)
    return tuple(
        LatestMessage(iid, subjects[iid], direction, _at(sent_at), body or "") for iid, direction, sent_at, body in rows
    )
