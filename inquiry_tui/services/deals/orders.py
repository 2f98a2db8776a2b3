"""All orders: an order from a confirmed LOI, status changes (forward only, dated and recorded), the list.

A confirmed LOI becomes an order in one action (once). An order's status moves confirmed ->
paid -> shipped -> completed, or to cancelled; each change is an `order_event` row and an audit
row. A salesperson sees the orders of their own customers; the admin all, optionally one
owner's. The list pages by keyset (placed_at, id) newest first; the totals per currency cover
everything the filters match.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo

from sqlmodel import Session, col, select

from inquiry_tui.domain import money
from inquiry_tui.domain.deals import (
    LoiStatus,
    OrderKind,
    OrderSource,
    OrderStatus,
    doc_from_json,
    doc_to_dict,
    order_move,
)
from inquiry_tui.domain.errors import NotFound, StaleWrite, ValidationError
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx, account_by_login
from inquiry_tui.services.deals.access import buyer_by_email, login_of, may_see, party, seller_company
from inquiry_tui.services.deals.documents import Document, find_fonts, render_pdf, render_text
from inquiry_tui.services.deals.lois import _load as load_loi
from inquiry_tui.services.deals.trade import record_trade, refresh_stages
from inquiry_tui.services.deals.views import (
    CurrencyTotal,
    OrderEventInfo,
    OrderKey,
    OrderPage,
    OrderQuery,
    OrderRow,
    OrderTotals,
    OrderView,
)
from inquiry_tui.services.setup.settings import load_settings
from inquiry_tui.services.team.zone import clock_in, on_clock
from inquiry_tui.store.core import id_of
from inquiry_tui.store.models import Buyer, DealOrder, OrderEvent
from inquiry_tui.store.queries import deals as q

PAGE = 100
MAX_PAGE = 5_000


def _load(session: Session, ctx: Ctx, ref: int | str) -> DealOrder:
    if isinstance(ref, int) or str(ref).isdigit():
        order = session.get(DealOrder, int(ref))
    else:
        order = session.exec(select(DealOrder).where(DealOrder.number == str(ref).strip())).one_or_none()
    if order is None or not may_see(ctx, order.owner_id):
        raise NotFound(f"no order {ref}")
    return order


def _view(session: Session, order: DealOrder) -> OrderView:
    buyer = session.get(Buyer, order.buyer_id)
    assert buyer is not None
    events = session.exec(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(col(OrderEvent.id))).all()
    doc = doc_from_json(order.doc)
    return OrderView(
        id=id_of(order),
        number=order.number,
        source=order.source,
        kind=order.kind,
        status=order.status,
        buyer=party(buyer),
        owner_login=login_of(session, order.owner_id),
        doc=doc,
        total=doc.total(),
        placed_at=order.placed_at,
        updated_at=order.updated_at,
        version=order.version,
        loi_id=order.loi_id,
        events=tuple(OrderEventInfo(e.at, e.actor, e.from_status, e.to_status, e.note) for e in events),
    )


def order_detail(ctx: Ctx, ref: int | str) -> OrderView:
    """An order by id or number."""
    with ctx.read() as session:
        return _view(session, _load(session, ctx, ref))


def order_from_loi(ctx: Ctx, loi_id: int) -> OrderView:
    """Make the order of a confirmed LOI (once): its lines, currency and total, status confirmed."""
    now = ctx.now()
    with ctx.write() as session:
        today = on_clock(now, clock_in(session, ctx))  # the number's date: the day the maker's screen shows
        loi = load_loi(session, ctx, loi_id)
        if loi.status != LoiStatus.CONFIRMED:
            raise ValidationError(f"status: LOI {loi_id} is {loi.status}; only a confirmed LOI becomes an order")
        existing = session.exec(select(DealOrder).where(DealOrder.loi_id == loi.id)).one_or_none()
        if existing is not None:
            raise ValidationError(f"loi: LOI {loi_id} already became order {existing.number}")
        doc = doc_from_json(loi.doc)
        order = DealOrder(
            number=f"SO-{today:%Y%m%d}-{loi.id}",
            source=OrderSource.LOI.value,
            kind=OrderKind.REGULAR.value,
            loi_id=loi.id,
            buyer_id=loi.buyer_id,
            owner_id=loi.owner_id,
            status=OrderStatus.CONFIRMED.value,
            currency=doc.currency,
            total_minor=money.to_minor(doc.total(), doc.currency),
            doc=loi.doc,
            placed_at=now,
            updated_at=now,
        )
        session.add(order)
        session.flush()
        session.add(
            OrderEvent(
                order_id=id_of(order), at=now, actor=ctx.actor.login, to_status=order.status, note=f"from LOI {loi.id}"
            )
        )
        record_trade(session, [(loi.buyer_id, now, money.text(doc.total(), doc.currency))])
        refresh_stages(session, [loi.buyer_id])
        audit(
            session,
            ctx,
            "order_from_loi",
            "order",
            order.id,
            after={"number": order.number, "loi": loi.id, "status": order.status, **doc_to_dict(doc, amounts=True)},
        )
        return _view(session, order)


def set_order_status(
    ctx: Ctx, ref: int | str, status: str, *, expected_version: int | None = None, note: str = ""
) -> OrderView:
    """Move an order forward (or cancel it); backwards is refused, naming the field."""
    now = ctx.now()
    with ctx.write() as session:
        order = _load(session, ctx, ref)
        if expected_version is not None and order.version != expected_version:
            raise StaleWrite(f"Order {order.number}")
        before = order.status
        order.status = order_move(order.status, status).value
        order.updated_at = now
        session.add(order)
        session.flush()
        session.add(
            OrderEvent(
                order_id=id_of(order),
                at=now,
                actor=ctx.actor.login,
                from_status=before,
                to_status=order.status,
                note=note[:500],
            )
        )
        if order.status == OrderStatus.CANCELLED:
            refresh_stages(session, [order.buyer_id])
        audit(
            session, ctx, "order_status", "order", order.id, before={"status": before}, after={"status": order.status}
        )
        return _view(session, order)


def order_document(view: OrderView, seller: str, zone: tzinfo = UTC) -> Document:
    """The order as a document, dated on ZONE's clock (the reader's: `clock_in`)."""
    placed = on_clock(view.placed_at, zone)
    return Document("Order", view.number, view.status, placed, seller, view.buyer, view.doc)


def order_pdf(ctx: Ctx, ref: int | str) -> bytes:
    with ctx.read() as session:
        view = _view(session, _load(session, ctx, ref))
        seller = seller_company(session)
        font = load_settings(session).deals.font
        zone = clock_in(session, ctx)
    return render_pdf(order_document(view, seller, zone), find_fonts(font))


def order_text(ctx: Ctx, ref: int | str) -> str:
    with ctx.read() as session:
        view = _view(session, _load(session, ctx, ref))
        return render_text(order_document(view, seller_company(session), clock_in(session, ctx)))


# --- the list -------------------------------------------------------------------------------------


def _filter(session: Session, ctx: Ctx, query: OrderQuery) -> q.OrderFilter | None:
    """The query's filters as ids (None: nothing can match, e.g. an unknown customer)."""
    if query.status is not None and query.status not in tuple(OrderStatus):
        raise ValidationError(f"status: {query.status!r} is not allowed; allowed: {', '.join(OrderStatus)}")
    if query.since and query.until and query.since >= query.until:
        raise ValidationError("period: the start must be before the end")
    owner: int | None
    if ctx.actor.is_admin:
        owner = id_of(account_by_login(session, query.owner)) if query.owner else None
    else:
        if ctx.actor.id is None:
            return None
        if query.owner and query.owner != ctx.actor.login:
            raise ValidationError("owner: a salesperson sees only their own customers' orders")
        owner = ctx.actor.id
    buyer_id = None
    if query.customer:
        try:
            buyer_id = id_of(buyer_by_email(session, query.customer))
        except NotFound:
            return None
    return q.OrderFilter(query.status, buyer_id, owner, query.since, query.until)


def order_page(ctx: Ctx, query: OrderQuery, after: OrderKey | None = None, limit: int = PAGE) -> OrderPage:
    """One page of the orders the actor may see, newest first, after AFTER."""
    limit = max(1, min(MAX_PAGE, limit))
    with ctx.read() as session:
        f = _filter(session, ctx, query)
        if f is None:
            return OrderPage((), None)
        conn = session.connection()
        raw = q.order_page(conn, f, (after.placed_at, after.id) if after else None, limit + 1)
        page = raw[:limit]
        buyers = q.buyers(conn, [r.buyer_id for r in page])
        logins = q.logins(conn) if page else {}
    rows = tuple(
        OrderRow(
            r.id,
            r.number,
            r.placed_at,
            r.status,
            r.kind,
            r.source,
            buyers[r.buyer_id].email,
            buyers[r.buyer_id].name,
            buyers[r.buyer_id].company,
            r.currency,
            money.from_minor(r.total_minor, r.currency),
            logins.get(r.owner_id) if r.owner_id is not None else None,
            r.version,
        )
        for r in page
    )
    more = len(raw) > limit
    return OrderPage(rows, OrderKey(rows[-1].placed_at, rows[-1].id) if more and rows else None)


def order_totals(ctx: Ctx, query: OrderQuery) -> OrderTotals:
    """How many orders the filters match, and their totals per currency (cancelled ones left out of the
    totals unless the status filter asks for cancelled orders)."""
    with ctx.read() as session:
        f = _filter(session, ctx, query)
        if f is None:
            return OrderTotals(0, ())
        sums = q.order_totals(session.connection(), f)
    by = tuple(CurrencyTotal(c, k, money.from_minor(s, c)) for c, _, k, s in sums if k)
    return OrderTotals(sum(n for _, n, _, _ in sums), by)


def period(since: str | None, until: str | None, zone: tzinfo = UTC) -> tuple[datetime | None, datetime | None]:
    """The period from SINCE to UNTIL, both inclusive and either open (None), as the query's bounds.

    Each is a day `YYYY-MM-DD` or a whole month `YYYY-MM` on the clock of ZONE (the reader's zone in the
    TUI; UTC on the command line). The bounds are the UTC instants [start of SINCE, start of the day after
    UNTIL): computed here once, so the list compares the indexed `placed_at` with two constants and never
    converts a row's time in SQL. An order at 23:30 UTC on 30 November is in December for a reader in UTC+8.
    """
    start = _first_day(since, "since")
    end = _first_day(until, "until", after=True)
    return (_start_of(start, zone) if start else None, _start_of(end, zone) if end else None)


_MONTH = re.compile(r"\d{4}-\d{2}")


def _first_day(value: str | None, field: str, *, after: bool = False) -> date | None:
    """VALUE's first day (AFTER: the first day after it), or None when not given."""
    from inquiry_tui.services.records import rules

    text = (value or "").strip()
    if not text:
        return None
    month = _MONTH.fullmatch(text) is not None
    try:
        first = rules.day(f"{text}-01" if month else text)  # the years every date of the store may have
    except rules.RuleError as exc:
        what = str(exc).replace(f"{text}-01", text) if month else str(exc)
        if "is not a date" in what:
            what = f"{text[:20]!r} is not a month (YYYY-MM)" if month else f"{what} or a month (YYYY-MM)"
        raise ValidationError(f"{field}: {what}") from None
    if not after:
        return first
    if not month:
        return first + timedelta(days=1)
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _start_of(day: date, zone: tzinfo) -> datetime:
    """Midnight at the start of DAY on ZONE's clock, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
