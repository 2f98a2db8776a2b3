"""The customer list: keyset pages with search, tag filters and three sort orders.

A page is asked for *after* the last row of the previous one (its sort key and id), never by
OFFSET. Search matches name, company and e-mail (case-insensitive substring); filters match
group, type, source, stars and free tags (all given tags). A salesperson lists their own
customers; the admin all, optionally one owner's. Sorting by activity uses the activity
rollup (services.customer_activity), the others are SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, SQLColumnExpression, and_, exists, func, or_, select
from sqlmodel import Session, col

from inquiry_tui.domain.deals import CustomerStage
from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.context import Ctx, account_by_login
from inquiry_tui.services.customers.activity import activity_levels, cached_levels
from inquiry_tui.store.models import Account, AdminNote, Buyer, BuyerTag, BuyerTrade

SORTS = ("last_contact", "activity", "stars", "name")
TAG_KEYS = ("group", "type", "source", "stars", "tag")
PAGE = 100
MAX_PAGE = 5000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # never contacted sorts after every contact


@dataclass(frozen=True)
class CustomerRow:
    buyer_id: int
    email: str
    name: str
    company: str
    country: str | None
    group: str
    type: str
    source: str
    stars: int
    tags: tuple[str, ...]
    owner_login: str | None
    last_contact_at: datetime | None
    verified: bool
    tier: str | None
    version: int
    activity: int | None = None  # 0..100 when known (the rollup is warm or the sort asked for it)
    note: bool = False  # an admin note on the customer that its owner has not seen yet (services.notes)


@dataclass(frozen=True)
class CustomerQuery:
    search: str = ""
    group: str | None = None
    type: str | None = None
    source: str | None = None
    stars: int | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)  # free tags; a row must carry all of them
    owner: str | None = None  # admin only: one salesperson's customers
    sort: str = "last_contact"
    stage: str | None = None  # CustomerStage: inquiry, sample, first_order, repeat

    def with_tag_filter(self, spec: str) -> CustomerQuery:
        """Add a KEY=VALUE filter (group, type, source, stars, tag); a bare word is a free tag."""
        key, sep, value = spec.partition("=")
        key, value = (key.strip().lower(), value.strip()) if sep else ("tag", spec.strip())
        if key not in TAG_KEYS or not value:
            raise ValidationError(f"--tag {spec!r}: use KEY=VALUE with KEY one of {', '.join(TAG_KEYS)}")
        if key == "stars":
            if not value.isdigit() or not 0 <= int(value) <= 5:
                raise ValidationError(f"--tag {spec!r}: stars is a number from 0 to 5")
            return _replace(self, stars=int(value))
        if key == "tag":
            return _replace(self, tags=tuple(sorted({*self.tags, value})))
        return _replace(self, **{key: value})


def _replace(q: CustomerQuery, **changes: Any) -> CustomerQuery:
    return CustomerQuery(**{**q.__dict__, **changes})


@dataclass(frozen=True)
class PageKey:
    """Where the next page starts: the last row's sort key and id."""

    sort: str
    key: Any
    buyer_id: int


@dataclass(frozen=True)
class CustomerPage:
    rows: tuple[CustomerRow, ...]
    next_key: PageKey | None  # None: this was the last page


def _columns() -> Select[*tuple[Any, ...]]:
    # The owner's login is looked up after the page is cut (a join would run for every match).
    return select(
        col(Buyer.id),
        col(Buyer.email),
        col(Buyer.name),
        col(Buyer.company),
        col(Buyer.country),
        col(Buyer.group_name),
        col(Buyer.type),
        col(Buyer.source),
        col(Buyer.stars),
        col(Buyer.owner_id),
        col(Buyer.last_contact_at),
        col(Buyer.verified),
        col(Buyer.tier),
        col(Buyer.version),
    )


def _logins(session: Session) -> dict[int, str]:
    return dict(session.execute(select(col(Account.id), col(Account.login))).all())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(session: Session, ctx: Ctx, q: CustomerQuery, stmt: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    stmt = stmt.where(col(Buyer.is_customer).is_(True))
    if not ctx.actor.is_admin:
        stmt = stmt.where(col(Buyer.owner_id) == ctx.actor.id)
    elif q.owner:
        stmt = stmt.where(col(Buyer.owner_id) == account_by_login(session, q.owner).id)
    term = " ".join(q.search.split())
    if term:
        pattern = f"%{_escape_like(term)}%"
        # SQLite's LIKE already ignores ASCII case; ilike there would wrap every row in lower().
        sqlite = session.get_bind().dialect.name == "sqlite"
        # One pass over the rows: a union of index scans is faster only for rare terms and
        # three times slower for common ones ("a"), so the plain OR it is.
        stmt = stmt.where(
            or_(
                *(
                    (column.like if sqlite else column.ilike)(pattern, escape="\\")
                    for column in (col(Buyer.name), col(Buyer.company), col(Buyer.email))
                )
            )
        )
    for value, column in ((q.group, Buyer.group_name), (q.type, Buyer.type), (q.source, Buyer.source)):
        if value:
            stmt = stmt.where(func.lower(column) == value.strip().lower())
    if q.stars is not None:
        stmt = stmt.where(col(Buyer.stars) == q.stars)
    for tag in q.tags:
        stmt = stmt.where(exists().where(col(BuyerTag.buyer_id) == Buyer.id, col(BuyerTag.tag) == tag))
    if q.stage:
        if q.stage not in tuple(CustomerStage):
            raise ValidationError(f"stage: {q.stage!r} is not allowed; allowed: {', '.join(CustomerStage)}")
        # A buyer without orders has no buyer_trade row: the inquiry stage.
        traded = exists().where(
            col(BuyerTrade.buyer_id) == Buyer.id, col(BuyerTrade.stage) != CustomerStage.INQUIRY.value
        )
        if q.stage == CustomerStage.INQUIRY:
            stmt = stmt.where(~traded)
        else:
            stmt = stmt.where(exists().where(col(BuyerTrade.buyer_id) == Buyer.id, col(BuyerTrade.stage) == q.stage))
    return stmt


def _order(q: CustomerQuery, stmt: Select[*tuple[Any, ...]], after: PageKey | None) -> Select[*tuple[Any, ...]]:
    key: SQLColumnExpression[Any]
    if q.sort == "last_contact":
        key, descending = func.coalesce(Buyer.last_contact_at, _EPOCH), True
    elif q.sort == "stars":
        key, descending = col(Buyer.stars), True
    else:
        key, descending = func.lower(Buyer.name), False
    if after is not None:
        if descending:
            stmt = stmt.where(or_(key < after.key, and_(key == after.key, col(Buyer.id) < after.buyer_id)))
        else:
            stmt = stmt.where(or_(key > after.key, and_(key == after.key, col(Buyer.id) > after.buyer_id)))
    order = (key.desc(), col(Buyer.id).desc()) if descending else (key.asc(), col(Buyer.id).asc())
    return stmt.order_by(*order)


def _key_of(sort: str, row: CustomerRow) -> Any:
    if sort == "last_contact":
        return row.last_contact_at or _EPOCH
    if sort == "stars":
        return row.stars
    if sort == "activity":
        return row.activity or 0
    return row.name.lower()


def customer_page(ctx: Ctx, query: CustomerQuery, after: PageKey | None = None, limit: int = PAGE) -> CustomerPage:
    """One page of customers in QUERY's order, starting after AFTER."""
    if query.sort not in SORTS:
        raise ValidationError(f"sort {query.sort!r} is not allowed; allowed: {', '.join(SORTS)}")
    if after is not None and after.sort != query.sort:
        raise ValidationError("the page key belongs to another sort order")
    limit = max(1, min(MAX_PAGE, limit))
    with ctx.read() as session:
        if query.sort == "activity":
            return _activity_page(session, ctx, query, after, limit)
        stmt = _order(query, _where(session, ctx, query, _columns()), after).limit(limit + 1)
        raw = session.execute(stmt).all()
        more = len(raw) > limit
        rows = _rows(session, ctx, raw[:limit])
    next_key = PageKey(query.sort, _key_of(query.sort, rows[-1]), rows[-1].buyer_id) if more and rows else None
    return CustomerPage(tuple(rows), next_key)


def _activity_page(session: Session, ctx: Ctx, query: CustomerQuery, after: PageKey | None, limit: int) -> CustomerPage:
    ids = list(session.execute(_where(session, ctx, query, select(col(Buyer.id)))).scalars())
    levels = activity_levels(ctx, session)
    ranked = sorted(ids, key=lambda i: (-levels.get(i, 0), -i))
    if after is not None:
        # Position after the key: level descending, then id descending.
        ranked = [i for i in ranked if (levels.get(i, 0), i) < (after.key, after.buyer_id)]
    page_ids = ranked[:limit]
    raw = session.execute(_columns().where(col(Buyer.id).in_(page_ids))).all() if page_ids else []
    by_id = {r[0]: r for r in raw}
    rows = _rows(session, ctx, [by_id[i] for i in page_ids if i in by_id], levels)
    more = len(ranked) > limit
    next_key = PageKey("activity", levels.get(rows[-1].buyer_id, 0), rows[-1].buyer_id) if more and rows else None
    return CustomerPage(tuple(rows), next_key)


def _rows(session: Session, ctx: Ctx, raw: Sequence[Any], levels: Mapping[int, int] | None = None) -> list[CustomerRow]:
    ids = [r[0] for r in raw]
    tags: dict[int, list[str]] = {}
    if ids:
        for buyer_id, tag in session.execute(
            select(col(BuyerTag.buyer_id), col(BuyerTag.tag))
            .where(col(BuyerTag.buyer_id).in_(ids))
            .order_by(BuyerTag.tag)
        ):
            tags.setdefault(buyer_id, []).append(tag)
    noted = (
        set(
            session.execute(
                select(col(AdminNote.buyer_id)).where(
                    col(AdminNote.buyer_id).in_(ids), col(AdminNote.seen_at).is_(None)
                )
            ).scalars()
        )
        if ids
        else set()
    )
    levels = levels if levels is not None else cached_levels(ctx)
    logins = _logins(session) if raw else {}
    return [
        CustomerRow(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            r[8],
            tuple(tags.get(r[0], ())),
            logins.get(r[9]),
            r[10],
            bool(r[11]),
            r[12],
            r[13],
            levels.get(r[0], 0) if levels is not None else None,
            r[0] in noted,
        )
        for r in raw
    ]


def count_customers(ctx: Ctx, query: CustomerQuery) -> int:
    """How many customers match QUERY (for the list's scrollbar and title)."""
    with ctx.read() as session:
        return int(session.execute(_where(session, ctx, query, select(func.count(col(Buyer.id))))).scalar_one())


def row_for(session: Session, buyer_id: int) -> CustomerRow:
    """One row in the list's shape (used by the write services for their results)."""
    raw = session.execute(_columns().where(col(Buyer.id) == buyer_id)).all()
    tags = list(
        session.execute(
            select(col(BuyerTag.tag)).where(col(BuyerTag.buyer_id) == buyer_id).order_by(BuyerTag.tag)
        ).scalars()
    )
    r = raw[0]
    return CustomerRow(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
        r[7],
        r[8],
        tuple(tags),
        _logins(session).get(r[9]),
        r[10],
        bool(r[11]),
        r[12],
        r[13],
    )


@dataclass(frozen=True)
class Facets:
    """Values in use, for the filter pickers."""

    groups: tuple[str, ...]
    types: tuple[str, ...]
    sources: tuple[str, ...]
    tags: tuple[str, ...]


def customer_facets(ctx: Ctx) -> Facets:
    with ctx.read() as session:
        base = (
            col(Buyer.is_customer).is_(True)
            if ctx.actor.is_admin
            else and_(col(Buyer.is_customer).is_(True), col(Buyer.owner_id) == ctx.actor.id)
        )

        def values(column: Any) -> tuple[str, ...]:
            return tuple(
                v
                for v in session.execute(select(column).where(base, column != "").distinct().order_by(column)).scalars()
            )

        tag_q = select(col(BuyerTag.tag)).distinct().order_by(BuyerTag.tag)
        if not ctx.actor.is_admin:
            tag_q = tag_q.join(Buyer, col(Buyer.id) == BuyerTag.buyer_id).where(col(Buyer.owner_id) == ctx.actor.id)
        return Facets(
            values(Buyer.group_name),
            values(Buyer.type),
            values(Buyer.source),
            tuple(session.execute(tag_q.limit(500)).scalars()),
        )
