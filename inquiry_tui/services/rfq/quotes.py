"""Quoting RFQs: one quote per RFQ for the company, one edit, the monthly quota, my quotes, a win by an order.

A quote (`send_quote`) is one transaction: the RFQ must be open and not junk, nobody here may
have quoted it, and the company's quotes this month (months of reception.timezone) must be
below `rfq.monthly_quota`; the quota month's row in `rfq_quota` is locked first (SELECT ... FOR
UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers), so two sessions
quoting at once can never both take the last one. The quote opens an `rfq` thread owned by the
quoting salesperson: the RFQ as the buyer's first message, the quote as ours; the buyer's
answer arrives there (`import inquiries` with the RFQ's id, services/rfq/answers.py). A buyer
nobody owns becomes the quoting salesperson's. An edit (`edit_quote`, once) adds the revised
quote to the thread and does not count against the quota.

Who: anyone may quote; a quote is changed or marked won by whoever sent it, or the admin. A
salesperson's "my quotes" are their own; the admin sees every quote.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlmodel
from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from inquiry_tui.domain.errors import NotFound, PermissionDenied, ValidationError
from inquiry_tui.domain.rfq.market import Quota, QuotaMonth, check_quota, is_open, quota_month
from inquiry_tui.domain.rfq.quotes import MAX_EDITS, QuoteTerms, money, quote_status, quote_text
from inquiry_tui.domain.vocabulary import Channel, Direction, QuoteStatus, Rule
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.settings import load_settings
from inquiry_tui.store.core import id_of, table_of
from inquiry_tui.store.models import Account, AllocationRecord, Buyer, Inquiry, Message, Rfq, RfqQuota, RfqQuote
from inquiry_tui.store.queries import rfq as q_rfq
from inquiry_tui.store.queries.contact import contacted
from inquiry_tui.store.types import UTCDateTime

SUBJECT_CHARS = 200
MAX_ORDER_REF = 100
_quota = table_of(RfqQuota)


@dataclass(frozen=True)
class QuoteResult:
    rfq_id: int
    quote_id: int
    inquiry_id: int  # the rfq thread
    quota: Quota  # the month's count after this quote
    edited: bool = False


@dataclass(frozen=True)
class QuoteRow:
    """A quote as "my quotes" lists it. Title and buyer are buyer text: show them through safe_text."""

    quote_id: int
    rfq_id: int
    external_id: str
    title: str
    buyer_name: str
    buyer_company: str
    by: str  # the login of whoever sent it
    price: Decimal
    currency: str
    moq: int
    lead_days: int
    incoterm: str | None
    message: str
    sent_at: datetime
    edits: int
    status: QuoteStatus
    inquiry_id: int
    rfq_expires_at: datetime
    order_ref: str

    @property
    def editable(self) -> bool:
        return self.edits < MAX_EDITS and self.status is not QuoteStatus.EXPIRED and self.status is not QuoteStatus.WON

    @property
    def terms_text(self) -> str:
        return f"{money(self.price)} {self.currency}" + (f" {self.incoterm}" if self.incoterm else "")


def checked_terms(data: Mapping[str, Any]) -> QuoteTerms:
    """A quote's fields (the form's or the command's, as text) as QuoteTerms, or a RecordError per bad field."""
    from inquiry_tui.services.records.rfq import QuoteRecord  # pydantic: only when quoting
    from inquiry_tui.services.records.validate import check_form

    wanted = {k: v for k, v in data.items() if k in QuoteRecord.model_fields}
    r = check_form(QuoteRecord, wanted)
    return QuoteTerms(r.price, r.currency, r.moq, r.lead_days, r.incoterm, r.message)


# --- the quota ---------------------------------------------------------------------------------


def _month(session: Session, ctx: Ctx) -> tuple[QuotaMonth, int]:
    settings = load_settings(session)
    return quota_month(ctx.now(), settings.reception.timezone), settings.rfq.monthly_quota


def quota(ctx: Ctx) -> Quota:
    """The company's quotes this month, of its monthly quota (what the quote form shows before sending)."""
    with ctx.read() as session:
        month, limit = _month(session, ctx)
        return Quota(month.label, q_rfq.quotes_between(session, month.start, month.end), limit)


def _lock_month(session: Session, label: str) -> None:
    """Take the quota month's row lock (made on first use) for the rest of the transaction."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    session.execute(
        module.insert(_quota).values(month=label, quotes=0).on_conflict_do_nothing(index_elements=["month"])
    )
    session.execute(select(_quota.c.quotes).where(_quota.c.month == label).with_for_update())


def _counted(session: Session, ctx: Ctx) -> Quota:
    month, limit = _month(session, ctx)
    _lock_month(session, month.label)
    return Quota(month.label, q_rfq.quotes_between(session, month.start, month.end), limit)


# --- sending and editing -------------------------------------------------------------------------


def _rfq_for_quote(session: Session, rfq_id: int, now: datetime) -> Rfq:
    rfq = session.get(Rfq, rfq_id)
    if rfq is None:
        raise NotFound(f"no RFQ {rfq_id}; see `inquiry-tui rfq list`")
    if rfq.is_junk:
        first = rfq.junk_reasons.split("\n", 1)[0]
        raise ValidationError(f"RFQ {rfq_id} is junk ({first}); junk RFQs cannot be quoted")
    if not is_open(rfq.expires_at, now):
        raise ValidationError(f"RFQ {rfq_id} expired on {rfq.expires_at:%Y-%m-%d %H:%M} UTC; it cannot be quoted")
    return rfq


def send_quote(ctx: Ctx, rfq_id: int, data: Mapping[str, Any]) -> QuoteResult:
    """Quote an open RFQ (one quote per RFQ; within the monthly quota); opens its `rfq` thread."""
    terms = checked_terms(data)
    if ctx.actor.id is None:
        raise PermissionDenied("a quote needs a person: act as an account")
    now = ctx.now()
    with ctx.write() as session:
        rfq = _rfq_for_quote(session, rfq_id, now)
        taken = session.execute(
            text("SELECT a.login, q.sent_at FROM rfq_quote q JOIN account a ON a.id = q.account_id WHERE q.rfq_id = :r")
            .columns(sent_at=UTCDateTime())
            .bindparams(r=rfq_id)
        ).first()
        if taken is not None:
            raise ValidationError(
                f"RFQ {rfq_id} was already quoted by {taken.login} on {taken.sent_at:%Y-%m-%d}; one quote per RFQ "
                "(its sender may edit it once)"
            )
        used = _counted(session, ctx)
        check_quota(used)
        inquiry_id = _open_thread(session, ctx, rfq, terms, now)
        quote = RfqQuote(
            rfq_id=rfq_id,
            account_id=ctx.actor.id,
            inquiry_id=inquiry_id,
            price=str(terms.price),
            currency=terms.currency,
            moq=terms.moq,
            lead_days=terms.lead_days,
            incoterm=terms.incoterm,
            message=terms.message,
            sent_at=now,
        )
        session.add(quote)
        session.execute(_quota.update().where(_quota.c.month == used.month).values(quotes=used.used + 1))
        session.flush()
        audit(session, ctx, "rfq_quote", "rfq", rfq_id, after=_snapshot(quote))
        after = Quota(used.month, used.used + 1, used.limit)
        return QuoteResult(rfq_id, id_of(quote), inquiry_id, after)


def _open_thread(session: Session, ctx: Ctx, rfq: Rfq, terms: QuoteTerms, now: datetime) -> int:
    """The quote's `rfq` thread: the RFQ as the buyer's message, the quote as ours; recorded like any allocation."""
    assert ctx.actor.id is not None  # send_quote checked it
    buyer = session.get(Buyer, rfq.buyer_id)
    assert buyer is not None  # rfq.buyer_id is a foreign key
    owner = session.get(Account, buyer.owner_id) if buyer.owner_id is not None else None
    if owner is None or not owner.active:
        buyer.owner_id = ctx.actor.id  # a buyer nobody serves is the quoting salesperson's, as for outreach
    inquiry = Inquiry(
        external_id=f"rfq-quote:{rfq.external_id}",
        channel=Channel.RFQ.value,
        buyer_id=rfq.buyer_id,
        subject=f"RFQ: {rfq.title}"[:SUBJECT_CHARS],
        quantity=rfq.quantity,
        unit=rfq.unit or None,
        received_at=now,
        owner_id=ctx.actor.id,
        rule=Rule.RFQ_QUOTE.value,
        unread=False,
        replied=True,
        first_response_at=now,
        last_message_at=now,
        due_at=None,
    )
    session.add(inquiry)
    session.flush()
    iid = id_of(inquiry)
    request = rfq.title + (f"\n\n{rfq.description}" if rfq.description else "")
    session.add(Message(inquiry_id=iid, direction=Direction.IN.value, sent_at=rfq.posted_at, body=request))
    session.add(
        Message(
            inquiry_id=iid,
            direction=Direction.OUT.value,
            author_id=ctx.actor.id,
            sent_at=now,
            body=quote_text(terms, rfq.unit or None),
        )
    )
    session.add(
        AllocationRecord(
            at=now,
            inquiry_id=iid,
            from_id=None,
            to_id=ctx.actor.id,
            rule=Rule.RFQ_QUOTE.value,
            actor=ctx.actor.login,
            reason=f"quoted RFQ {rfq.external_id}",
        )
    )
    session.flush()
    contacted(session, rfq.buyer_id, now)
    return iid


def _own_quote(session: Session, ctx: Ctx, rfq_id: int) -> RfqQuote:
    quote: RfqQuote | None = session.exec(sqlmodel.select(RfqQuote).where(col(RfqQuote.rfq_id) == rfq_id)).one_or_none()
    if quote is None:
        raise NotFound(f"RFQ {rfq_id} has no quote yet; send one first")
    if not ctx.actor.is_admin and quote.account_id != ctx.actor.id:
        raise PermissionDenied(f"the quote on RFQ {rfq_id} was sent by someone else; only they or the admin change it")
    return quote


def edit_quote(ctx: Ctx, rfq_id: int, data: Mapping[str, Any]) -> QuoteResult:
    """Change a quote once (its RFQ still open); the buyer gets the revised quote in the thread."""
    terms = checked_terms(data)
    now = ctx.now()
    with ctx.write() as session:
        quote = _own_quote(session, ctx, rfq_id)
        if quote.edits >= MAX_EDITS:
            raise ValidationError(
                f"the quote on RFQ {rfq_id} was already edited on {quote.edited_at:%Y-%m-%d}; a quote may be edited "
                "only once"
            )
        rfq = _rfq_for_quote(session, rfq_id, now)
        before = _snapshot(quote)
        quote.price, quote.currency, quote.moq = str(terms.price), terms.currency, terms.moq
        quote.lead_days, quote.incoterm, quote.message = terms.lead_days, terms.incoterm, terms.message
        quote.edits += 1
        quote.edited_at = now
        session.add(
            Message(
                inquiry_id=quote.inquiry_id,
                direction=Direction.OUT.value,
                author_id=ctx.actor.id,
                sent_at=now,
                body=quote_text(terms, rfq.unit or None, edited=True),
            )
        )
        thread = session.get(Inquiry, quote.inquiry_id)
        if thread is not None:
            thread.last_message_at = max(thread.last_message_at, now)
            thread.replied = True
        session.flush()
        if thread is not None:
            contacted(session, thread.buyer_id, now)  # the revised quote is a message to the buyer
        audit(session, ctx, "rfq_quote_edit", "rfq", rfq_id, before=before, after=_snapshot(quote))
        month, limit = _month(session, ctx)
        used = q_rfq.quotes_between(session, month.start, month.end)
        return QuoteResult(rfq_id, id_of(quote), quote.inquiry_id, Quota(month.label, used, limit), edited=True)


def mark_won(ctx: Ctx, rfq_id: int, order_ref: str) -> QuoteRow:
    """Record that the quote on RFQ_ID was won by an order (its number or reference)."""
    ref = " ".join(order_ref.split())
    if not ref:
        raise ValidationError("order: give the order's number or reference")
    if len(ref) > MAX_ORDER_REF:
        raise ValidationError(f"order: is too long ({len(ref)} characters; at most {MAX_ORDER_REF})")
    with ctx.write() as session:
        quote = _own_quote(session, ctx, rfq_id)
        if quote.won_at is not None:
            raise ValidationError(f"the quote on RFQ {rfq_id} was already won by order {quote.order_ref}")
        before = _snapshot(quote)
        quote.won_at, quote.order_ref = ctx.now(), ref
        session.flush()
        audit(session, ctx, "rfq_quote_won", "rfq", rfq_id, before=before, after=_snapshot(quote))
        qid = id_of(quote)
    return next(r for r in my_quotes(ctx, everyone=ctx.actor.is_admin) if r.quote_id == qid)


def _snapshot(q: RfqQuote) -> dict[str, Any]:
    return {
        "price": q.price,
        "currency": q.currency,
        "moq": q.moq,
        "lead_days": q.lead_days,
        "incoterm": q.incoterm,
        "message": q.message,
        "edits": q.edits,
        "order": q.order_ref,
    }


# --- my quotes ---------------------------------------------------------------------------------

_Q_QUOTES = (
    text(
        "SELECT q.id, q.rfq_id, r.external_id, substr(r.title, 1, 200) AS title, substr(b.name, 1, 120) AS buyer_name, "
        "substr(b.company, 1, 120) AS buyer_company, a.login, q.price, q.currency, q.moq, q.lead_days, q.incoterm, "
        "q.message, q.sent_at, q.edits, q.won_at, q.inquiry_id, r.expires_at, q.order_ref, "
        "EXISTS (SELECT 1 FROM message m WHERE m.inquiry_id = q.inquiry_id AND m.direction = 'in' "
        "AND m.sent_at > q.sent_at) AS answered "
        "FROM rfq_quote q JOIN rfq r ON r.id = q.rfq_id JOIN buyer b ON b.id = r.buyer_id "
        "JOIN account a ON a.id = q.account_id WHERE (:all OR q.account_id = :me) "
        "ORDER BY q.sent_at DESC, q.id DESC LIMIT :n"
    )
    .columns(
        sent_at=UTCDateTime(),
        won_at=UTCDateTime(),
        expires_at=UTCDateTime(),
    )
    .bindparams(bindparam("all"), bindparam("me"), bindparam("n"))
)


def my_quotes(ctx: Ctx, *, everyone: bool = False, limit: int = 1_000) -> list[QuoteRow]:
    """The acting salesperson's quotes, newest first (EVERYONE: the admin sees the company's)."""
    if everyone and not ctx.actor.is_admin:
        raise PermissionDenied("only the admin (main account) sees everyone's quotes")
    now = ctx.now()
    with ctx.read() as session:
        rows = session.execute(_Q_QUOTES, {"all": everyone, "me": ctx.actor.id, "n": limit}).all()
    return [
        QuoteRow(
            quote_id=r.id,
            rfq_id=r.rfq_id,
            external_id=r.external_id,
            title=r.title or "",
            buyer_name=r.buyer_name or "",
            buyer_company=r.buyer_company or "",
            by=r.login,
            price=Decimal(r.price),
            currency=r.currency,
            moq=r.moq,
            lead_days=r.lead_days,
            incoterm=r.incoterm,
            message=r.message or "",
            sent_at=r.sent_at,
            edits=r.edits,
            status=quote_status(won_at=r.won_at, answered=bool(r.answered), rfq_expires_at=r.expires_at, now=now),
            inquiry_id=r.inquiry_id,
            rfq_expires_at=r.expires_at,
            order_ref=r.order_ref or "",
        )
        for r in rows
    ]


def quote_of(ctx: Ctx, rfq_id: int) -> QuoteRow | None:
    """The quote on RFQ_ID as its sender or the admin sees it; None when there is none or it is someone else's."""
    for row in my_quotes(ctx, everyone=ctx.actor.is_admin):
        if row.rfq_id == rfq_id:
            return row
    return None
