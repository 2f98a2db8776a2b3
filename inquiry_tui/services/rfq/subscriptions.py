"""Keyword subscriptions: the words a salesperson follows in the RFQ market (new matching RFQs raise a notice).

Each account keeps its own list (at most MAX_PER_ACCOUNT words); a word is one to 100
characters, kept lower-case with single spaces, and matches an RFQ whose title or description
holds all its words (domain/rfq/fit.py). Adding and removing are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlmodel import col

from inquiry_tui.domain.errors import NotFound, PermissionDenied, ValidationError
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.core import run_dml
from inquiry_tui.store.models import RfqSubscription

MAX_PER_ACCOUNT = 50


@dataclass(frozen=True)
class Subscription:
    word: str
    created_at: datetime


def _word(word: str) -> str:
    from inquiry_tui.services.records.rfq import SubscriptionRecord  # pydantic: only when the list changes
    from inquiry_tui.services.records.validate import check_form

    return check_form(SubscriptionRecord, {"word": word}).word


def _me(ctx: Ctx) -> int:
    if ctx.actor.id is None:
        raise PermissionDenied("keyword subscriptions belong to a person: act as an account")
    return ctx.actor.id


def subscriptions(ctx: Ctx) -> list[Subscription]:
    """The acting account's words, alphabetically."""
    me = _me(ctx)
    with ctx.read() as session:
        rows = session.execute(
            select(col(RfqSubscription.word), col(RfqSubscription.created_at))
            .where(col(RfqSubscription.account_id) == me)
            .order_by(col(RfqSubscription.word))
        ).all()
    return [Subscription(w, at) for w, at in rows]


def subscribe(ctx: Ctx, word: str) -> Subscription:
    """Follow WORD (again is an error that says so)."""
    me = _me(ctx)
    clean = _word(word)
    now = ctx.now()
    with ctx.write() as session:
        mine = select(func.count()).select_from(RfqSubscription).where(col(RfqSubscription.account_id) == me)
        if session.execute(mine).scalar_one() >= MAX_PER_ACCOUNT:
            raise ValidationError(f"word: you follow {MAX_PER_ACCOUNT} words already; unsubscribe one first")
        exists = select(col(RfqSubscription.id)).where(
            col(RfqSubscription.account_id) == me, col(RfqSubscription.word) == clean
        )
        if session.execute(exists).first() is not None:
            raise ValidationError(f"word: you already follow {clean!r}")
        session.add(RfqSubscription(account_id=me, word=clean, created_at=now))
        audit(session, ctx, "rfq_subscribe", "rfq_subscription", clean, after={"word": clean})
    return Subscription(clean, now)


def unsubscribe(ctx: Ctx, word: str) -> str:
    """Stop following WORD; returns it as it was kept."""
    me = _me(ctx)
    clean = " ".join(word.split()).lower()
    with ctx.write() as session:
        gone = run_dml(
            session,
            delete(RfqSubscription).where(col(RfqSubscription.account_id) == me, col(RfqSubscription.word) == clean),
        )
        if not gone.rowcount:
            raise NotFound(f"you do not follow {clean!r}; see `inquiry-tui rfq subscriptions`")
        audit(session, ctx, "rfq_unsubscribe", "rfq_subscription", clean, before={"word": clean})
    return clean
