"""Preview of edited allocation settings: the last 100 arrivals re-routed, beside how they were routed.

The replay runs `domain.allocation.route` over the arrivals oldest first, as the pipeline
would have: today's product and country owners and active accounts, the edited settings,
and a buyer owner and rotation turn that evolve through the replay:

- a buyer's owner before the replay is their current owner if they wrote to us before the
  first replayed arrival, else none (a first contact has no owner to stick to); within the
  replay a buyer without an owner takes the replayed decision, as on arrival (step 5);
- the rotation turn starts after the member who received the last rotation turn recorded
  in the 2,000 allocations before the replay (none there: the first member starts).

"How it was" is the arrival's own allocation-record row (actor `system`), or the inquiry's
current owner and rule when the record has aged out.

Away and capacity are today's (who is away, who is full now: domain.availability), as if these
arrivals came now; the rows say whom the rules passed over. With `reassign_after_hours` in the
edited settings, each arrival that no person answered within that many hours (or not at all)
shows where escalation would move it (domain.escalation), its new owner passed over; one still
inside its hours shows nothing yet.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from inquiry_tui.domain.allocation import RoutingFacts, route
from inquiry_tui.domain.availability import Presence, unavailable
from inquiry_tui.domain.escalation import escalate
from inquiry_tui.domain.settings import AllocationSettings
from inquiry_tui.domain.vocabulary import SYSTEM_LOGIN, Rule
from inquiry_tui.services.context import Ctx, main_account
from inquiry_tui.services.team.accounts import company_today
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import AllocationRecord, Buyer, CountryOwner, Inquiry, Product
from inquiry_tui.store.queries import routing as q_routing

PREVIEW_ARRIVALS = 100
TURN_LOOKBACK = 2_000  # allocation records searched, newest first, for the turn before the replay


@dataclass(frozen=True)
class PreviewRow:
    inquiry_id: int
    received_at: datetime
    channel: str
    buyer: str  # untrusted: company or email, as the buyer gave it
    country: str | None
    product: str | None  # SKU
    was_owner: str
    was_rule: str
    owner: str  # under the edited settings
    rule: str
    reason: str
    passed: tuple[str, ...] = ()  # away or full accounts the rules passed over
    escalate_to: str | None = None  # where escalation would move it (not answered in time), if anywhere
    escalate_reason: str = ""

    @property
    def changed(self) -> bool:
        return self.owner != self.was_owner


@dataclass(frozen=True)
class AllocationPreview:
    rows: tuple[PreviewRow, ...]  # newest first, like the inbox
    was_counts: tuple[tuple[str, int], ...]  # per owner, by login
    counts: tuple[tuple[str, int], ...]
    unavailable: tuple[tuple[str, str], ...] = ()  # today's away and full accounts, with why
    away_skips: int = 0  # arrivals whose rules passed over an away account
    full_skips: int = 0  # ... a full account
    escalations: int = 0  # arrivals escalation would move

    @property
    def changed(self) -> int:
        return sum(r.changed for r in self.rows)


def preview_allocation(ctx: Ctx, settings: AllocationSettings, limit: int = PREVIEW_ARRIVALS) -> AllocationPreview:
    """Re-route the last LIMIT arrivals under SETTINGS (admin only; nothing is written)."""
    ctx.require_admin("preview allocation settings")
    with ctx.read() as session:
        return _preview(session, settings, limit, ctx.now())


def _preview(session: Session, settings: AllocationSettings, limit: int, now: datetime) -> AllocationPreview:
    accounts = q_routing.accounts(session.connection())
    logins = {a[0]: (a[1], bool(a[3])) for a in accounts}
    main = main_account(session).login
    active = frozenset(login for login, is_active in logins.values() if is_active)
    today = company_today(session, now)
    presences = [Presence(a[1], bool(a[3]), bool(a[4]), q_routing.as_date(a[5]), a[7]) for a in accounts]
    counts_now = {
        a[1]: q_routing.open_up_to(session.connection(), a[0], a[7]) for a in accounts if a[3] and a[7] is not None
    }
    passed_over = unavailable(presences, today, counts_now)
    ti, tb, tp, tco = (table_of(m) for m in (Inquiry, Buyer, Product, CountryOwner))
    i, b, p, co = ti.c, tb.c, tp.c, tco.c
    rows = session.execute(
        select(
            i.id,
            i.received_at,
            i.channel,
            i.owner_id,
            i.rule,
            i.buyer_id,
            i.first_response_at,
            i.is_junk,
            b.email,
            b.company,
            b.country,
            b.owner_id.label("buyer_owner"),
            p.sku,
            p.owner_id.label("product_owner"),
            co.account_id.label("country_owner"),
        )
        .select_from(ti)
        .join(tb, b.id == i.buyer_id)
        .outerjoin(tp, p.id == i.product_id)
        .outerjoin(tco, co.country == b.country)
        .order_by(i.received_at.desc(), i.id.desc())
        .limit(limit)
    ).all()
    if not rows:
        return AllocationPreview((), (), (), tuple(sorted(passed_over.items())))
    rows = rows[::-1]  # replay oldest first
    first_at = rows[0].received_at
    buyer_ids = {r.buyer_id for r in rows}
    known = set(
        session.execute(
            select(i.buyer_id).where(i.buyer_id.in_(buyer_ids), i.received_at < first_at).group_by(i.buyer_id)
        ).scalars()
    )
    was = _arrival_records(session, [r.id for r in rows], logins)
    # The last rotation turn among the records just before the replay; looking further back
    # would scan the whole record when rotation has been off (no (rule, at) index).
    a = table_of(AllocationRecord).c
    recent = select(a.to_id, a.rule).where(a.at < first_at).order_by(a.at.desc()).limit(TURN_LOOKBACK).subquery()
    last_turn = session.execute(
        select(recent.c.to_id).where(recent.c.rule == Rule.ROTATION).limit(1)
    ).scalar_one_or_none()
    rotation_last = logins[last_turn][0] if last_turn is not None else None

    def login(account_id: int | None) -> str | None:
        return logins[account_id][0] if account_id is not None and account_id in logins else None

    contact = settings.company_contact or main
    buyer_owner = {r.buyer_id: login(r.buyer_owner) for r in rows if r.buyer_id in known}
    hours = settings.reassign_after_hours
    away_skips = full_skips = 0
    out: list[PreviewRow] = []
    for r in rows:
        decision = route(
            settings,
            RoutingFacts(
                channel=r.channel,
                main_login=main,
                company_contact=contact,
                active_logins=active,
                buyer_owner=buyer_owner.get(r.buyer_id),
                product_owner=login(r.product_owner),
                country_owner=login(r.country_owner),
                rotation_last=rotation_last,
                unavailable=passed_over,
            ),
        )
        rotation_last = decision.rotation_last
        if buyer_owner.get(r.buyer_id) is None:
            buyer_owner[r.buyer_id] = decision.owner
        was_owner, was_rule = was.get(r.id, (login(r.owner_id) or "?", r.rule))
        escalation = None
        if hours is not None and not r.is_junk and _unanswered(r.received_at, r.first_response_at, hours, now):
            escalation = escalate(
                settings,
                RoutingFacts(
                    r.channel,
                    main,
                    contact,
                    active,
                    buyer_owner.get(r.buyer_id),
                    login(r.product_owner),
                    login(r.country_owner),
                    rotation_last,
                    passed_over,
                ),
                decision.owner,
                hours,
            )
        for who in decision.passed:
            why = passed_over.get(who, "")
            away_skips += why.startswith("is away")
            full_skips += why.startswith("is full")
        out.append(
            PreviewRow(
                r.id,
                r.received_at,
                r.channel,
                r.company or r.email,
                r.country,
                r.sku,
                was_owner,
                was_rule,
                decision.owner,
                decision.rule,
                decision.reason,
                decision.passed,
                escalation.owner if escalation else None,
                escalation.reason if escalation else "",
            )
        )
    out.reverse()
    was_counts = Counter(row.was_owner for row in out)
    counts = Counter(row.owner for row in out)
    return AllocationPreview(
        tuple(out),
        tuple(sorted(was_counts.items())),
        tuple(sorted(counts.items())),
        tuple(sorted(passed_over.items())),
        away_skips,
        full_skips,
        sum(row.escalate_to is not None for row in out),
    )


def _unanswered(received: datetime, first_response: datetime | None, hours: int, now: datetime) -> bool:
    """HOURS have passed since arrival (by NOW) and no person answered within them."""
    limit = received + timedelta(hours=hours)
    return limit <= now and (first_response is None or first_response > limit)


def _arrival_records(
    session: Session, inquiry_ids: list[int], logins: dict[int, tuple[str, bool]]
) -> dict[int, tuple[str, str]]:
    """inquiry id -> (owner, rule) of its arrival decision (the earliest `system` record)."""
    a = table_of(AllocationRecord).c
    first = (
        select(a.inquiry_id, func.min(a.id).label("id"))
        .where(a.inquiry_id.in_(inquiry_ids), a.actor == SYSTEM_LOGIN)
        .group_by(a.inquiry_id)
        .subquery()
    )
    rows = session.execute(select(a.inquiry_id, a.to_id, a.rule).join(first, first.c.id == a.id)).all()
    return {r.inquiry_id: (logins.get(r.to_id, ("?", False))[0], r.rule) for r in rows}
