"""Real-time marketing: buyers worth contacting now, and starting an outreach thread to one.

A buyer is recommended when active (level >= 50 over 90 days), showing intent (searched for
or viewed our products in the last 30 days) and not contacted for 30 days, with the reason
(domain.activity.recommendation). The signals come from the activity rollup
(services.customer_activity), so the list reads only a few hundred buyer rows.
A salesperson sees their own buyers and buyers nobody owns; the admin all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, column, text

from inquiry_tui.domain.activity import ActivityLevel, label_for, recommendation
from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.domain.vocabulary import Channel, Direction, Rule
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.activity import rollup
from inquiry_tui.services.customers.profile import can_see_buyer
from inquiry_tui.store.core import id_of
from inquiry_tui.store.models import Account, AllocationRecord, Buyer, Inquiry, Message
from inquiry_tui.store.queries.contact import contacted
from inquiry_tui.store.types import UTCDateTime

LIMIT = 200
CHUNK = 250  # buyer rows read per step while walking the ranking

_Q_VISIBLE = text("SELECT id FROM buyer WHERE owner_id = :me OR owner_id IS NULL")
_Q_BUYERS = (
    text(
        "SELECT b.id, b.email, b.name, b.company, b.country, b.owner_id, a.login, b.last_contact_at, b.is_customer "
        "FROM buyer b LEFT JOIN account a ON a.id = b.owner_id WHERE b.id IN :ids"
    )
    .bindparams(bindparam("ids", expanding=True))
    .columns(
        *(column(n) for n in ("id", "email", "name", "company", "country", "owner_id", "login")),
        column("last_contact_at", UTCDateTime()),
        column("is_customer"),
    )
)


@dataclass(frozen=True)
class RecommendedBuyer:
    buyer_id: int
    email: str
    name: str  # untrusted
    company: str  # untrusted
    country: str | None
    owner_login: str | None
    is_customer: bool
    level: int
    intent_hits: int
    last_contact_at: datetime | None
    score: int
    reason: str  # made safe by the domain (quotes the buyer's search term)


@dataclass(frozen=True)
class OutreachStarted:
    inquiry_id: int
    buyer_id: int
    owner_login: str
    rule: str


def recommended_buyers(ctx: Ctx, *, refresh: bool = False, limit: int = LIMIT) -> list[RecommendedBuyer]:
    """Recommended buyers, best first: walks the rollup's ranking, checking contact and visibility."""
    made = rollup(ctx, refresh=refresh)
    now = ctx.now()
    out: list[RecommendedBuyer] = []
    with ctx.read() as session:
        conn = session.connection()
        ranked: list[int] | tuple[int, ...] = made.ranked
        if not ctx.actor.is_admin:
            mine = set(conn.execute(_Q_VISIBLE, {"me": ctx.actor.id}).scalars())
            ranked = [b for b in ranked if b in mine]
        for start in range(0, len(ranked), CHUNK):
            chunk = list(ranked[start : start + CHUNK])
            rows = {r.id: r for r in conn.execute(_Q_BUYERS, {"ids": chunk})}
            for buyer_id in chunk:
                r, s = rows.get(buyer_id), made.signals[buyer_id]
                if r is None:
                    continue
                level = ActivityLevel(s.level, label_for(s.level), (), (), made.window_days)
                rec = recommendation(level, s.intent_hits, r.last_contact_at, now, intent_term=s.top_term)
                if rec is None:
                    continue  # contacted in the last 30 days
                out.append(
                    RecommendedBuyer(
                        r.id,
                        r.email,
                        r.name,
                        r.company,
                        r.country,
                        r.login,
                        bool(r.is_customer),
                        s.level,
                        s.intent_hits,
                        r.last_contact_at,
                        rec.score,
                        rec.reason,
                    )
                )
                if len(out) >= limit:
                    return out
    return out


def start_outreach(ctx: Ctx, buyer_id: int, body: str, subject: str = "") -> OutreachStarted:
    """Start a new outgoing thread to a buyer (channel "inquiry", one "out" message by the actor).

    Allocation: the buyer's owner keeps the buyer (rule `sticky`); a buyer without an owner
    goes to the actor, who becomes the owner (rule `outreach`). Recorded in the allocation
    record and the audit log; the buyer's last contact becomes now.
    """
    body = (body or "").strip()
    if not body:
        raise ValidationError("message: write something to send")
    if len(body) > 20_000:
        raise ValidationError("message: longer than 20,000 characters")
    subject = " ".join((subject or "").split())[:200]
    now = ctx.now()
    with ctx.write() as session:
        buyer = session.get(Buyer, buyer_id)
        if buyer is None or not can_see_buyer(session, ctx, buyer_id, buyer.owner_id):
            raise NotFound(f"no buyer {buyer_id}")
        owner = session.get(Account, buyer.owner_id) if buyer.owner_id is not None else None
        if owner is not None and owner.active:
            owner_id, rule = id_of(owner), Rule.STICKY.value
        else:
            if ctx.actor.id is None:
                raise ValidationError("outreach needs a person: act as an account")
            owner_id, rule = ctx.actor.id, Rule.OUTREACH.value
            buyer.owner_id = ctx.actor.id
        inquiry = Inquiry(
            channel=Channel.INQUIRY.value,
            buyer_id=buyer_id,
            subject=subject or f"Following up: {buyer.company or buyer.name or buyer.email}"[:200],
            received_at=now,
            owner_id=owner_id,
            rule=rule,
            unread=False,
            replied=True,
            first_response_at=now,
            last_message_at=now,
            due_at=None,
        )
        session.add(inquiry)
        session.flush()
        assert inquiry.id is not None
        session.add(
            Message(
                inquiry_id=inquiry.id, direction=Direction.OUT.value, author_id=ctx.actor.id, sent_at=now, body=body
            )
        )
        session.add(
            AllocationRecord(
                at=now,
                inquiry_id=inquiry.id,
                from_id=None,
                to_id=owner_id,
                rule=rule,
                actor=ctx.actor.login,
                reason=f"outreach by {ctx.actor.login}",
            )
        )
        session.flush()
        contacted(session, buyer_id, now)
        owner_login = owner.login if owner is not None and rule == Rule.STICKY else ctx.actor.login
        audit(
            session,
            ctx,
            "outreach_start",
            "inquiry",
            inquiry.id,
            after={"buyer": buyer.email, "owner": owner_login, "rule": rule},
        )
        result = OutreachStarted(inquiry.id, buyer_id, owner_login, rule)
    return result
