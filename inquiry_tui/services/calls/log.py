"""The call log and appointments: keyset pages, confirm or decline a pending request, the answer rate.

A salesperson sees and decides their own calls; the admin all of them (and may decide for an
owner, who is then told). Confirming and declining are recorded (audit rows) and change
nothing once decided: a decided request is refused a second decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from inquiry_tui.domain.calls import WINDOW_DAYS, AnswerFigures, CallFacts, Outcome, answer_rate, answer_rate_by_owner
from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.domain.notices import NoticeKind
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notices.feed import notify
from inquiry_tui.services.setup.settings import load_settings
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import Account, Buyer, CallLog

PAGE = 200
COMPANY = "company"

_c = table_of(CallLog)
_b = table_of(Buyer)
_a = table_of(Account)


@dataclass(frozen=True)
class CallRow:
    id: int
    key: tuple[datetime, int]  # (requested_at, id): the keyset position, newest first
    kind: str
    scenario: str
    buyer_email: str
    buyer_name: str  # buyer text: safe_text
    buyer_company: str  # buyer text
    owner_login: str
    requested_at: datetime
    appointment_at: datetime | None
    outcome: Outcome
    outside_window: bool
    decided_at: datetime | None
    decided_by: str
    note: str  # buyer text

    @property
    def pending(self) -> bool:
        return self.outcome is Outcome.PENDING


@dataclass(frozen=True)
class AnswerRow:
    login: str
    name: str
    figures: AnswerFigures
    below_minimum: bool


@dataclass(frozen=True)
class AnswerRates:
    window_days: int
    min_answer_rate: int  # percent
    company: AnswerRow | None  # None for a salesperson
    accounts: tuple[AnswerRow, ...]

    @property
    def warning(self) -> str | None:
        """The warning the dashboard shows when a rate is below the marketplace's minimum."""
        row = self.company or (self.accounts[0] if self.accounts else None)
        if row is None or not row.below_minimum or row.figures.rate is None:
            return None
        whose = "The company's" if row is self.company else "Your"
        return (
            f"{whose} call answer rate is {row.figures.rate:.0%}, below the {self.min_answer_rate}% the marketplace "
            "expects: it will suspend the call function until the rate recovers"
        )


def _columns() -> Any:
    return (
        select(
            _c.c.id,
            _c.c.kind,
            _c.c.scenario,
            _b.c.email,
            _b.c.name,
            _b.c.company,
            _a.c.login,
            _c.c.requested_at,
            _c.c.appointment_at,
            _c.c.outcome,
            _c.c.outside_window,
            _c.c.decided_at,
            _c.c.decided_by,
            _c.c.note,
        )
        .join(_b, _b.c.id == _c.c.buyer_id)
        .join(_a, _a.c.id == _c.c.owner_id)
    )


def _row(r: Any) -> CallRow:
    return CallRow(
        r.id,
        (r.requested_at, r.id),
        r.kind,
        r.scenario,
        r.email,
        r.name or "",
        r.company or "",
        r.login,
        r.requested_at,
        r.appointment_at,
        Outcome(r.outcome),
        bool(r.outside_window),
        r.decided_at,
        r.decided_by,
        r.note or "",
    )


def call_page(
    ctx: Ctx,
    *,
    appointments_only: bool = False,
    pending_only: bool = False,
    after: tuple[datetime, int] | None = None,
    limit: int = PAGE,
) -> list[CallRow]:
    """Calls newest first, one keyset page after AFTER; the actor's own unless admin."""
    query = _columns()
    if not ctx.actor.is_admin:
        query = query.where(_c.c.owner_id == ctx.actor.id)
    if pending_only:
        query = query.where(_c.c.outcome == Outcome.PENDING.value)
    elif appointments_only:
        query = query.where(_c.c.outcome.in_([o.value for o in Outcome if o.is_appointment]))
    if after is not None:
        at, last_id = after
        query = query.where((_c.c.requested_at < at) | ((_c.c.requested_at == at) & (_c.c.id < last_id)))
    query = query.order_by(_c.c.requested_at.desc(), _c.c.id.desc()).limit(max(1, min(limit, PAGE)))
    with ctx.read() as session:
        return [_row(r) for r in session.execute(query)]


def count_calls(ctx: Ctx, *, appointments_only: bool = False, pending_only: bool = False) -> int:
    from sqlalchemy import func

    query = select(func.count()).select_from(_c)
    if not ctx.actor.is_admin:
        query = query.where(_c.c.owner_id == ctx.actor.id)
    if pending_only:
        query = query.where(_c.c.outcome == Outcome.PENDING.value)
    elif appointments_only:
        query = query.where(_c.c.outcome.in_([o.value for o in Outcome if o.is_appointment]))
    with ctx.read() as session:
        return int(session.execute(query).scalar_one())


def decide(ctx: Ctx, call_id: int, confirm: bool) -> CallRow:
    """Confirm (CONFIRM) or decline a pending appointment request; recorded; its owner told when another decided."""
    now = ctx.now()
    with ctx.write() as session:
        row = session.execute(_columns().where(_c.c.id == call_id)).first()
        owner_id = session.execute(select(_c.c.owner_id).where(_c.c.id == call_id)).scalar_one_or_none()
        if row is None or owner_id is None or (not ctx.actor.is_admin and owner_id != ctx.actor.id):
            raise NotFound(f"no call {call_id}")
        if row.outcome != Outcome.PENDING:
            raise ValidationError(f"call {call_id} is not a pending appointment request (it is {row.outcome})")
        outcome = Outcome.CONFIRMED if confirm else Outcome.DECLINED
        session.execute(
            update(_c)
            .where(_c.c.id == call_id, _c.c.outcome == Outcome.PENDING.value)
            .values(outcome=outcome.value, decided_at=now, decided_by=ctx.actor.login)
        )
        audit(
            session,
            ctx,
            "appointment_confirm" if confirm else "appointment_decline",
            "call",
            call_id,
            before={"outcome": Outcome.PENDING.value},
            after={"outcome": outcome.value},
        )
        if owner_id != ctx.actor.id:
            notify(
                session,
                owner_id,
                NoticeKind.APPOINTMENT,
                f"{ctx.actor.login} {outcome.value} the appointment request #{call_id} for you",
                at=now,
                ref_kind="call",
                ref_id=call_id,
            )
        return _row(session.execute(_columns().where(_c.c.id == call_id)).one())


def answer_rates(ctx: Ctx, *, window_days: int = WINDOW_DAYS) -> AnswerRates:
    """The 30-day answer rate per account (the actor's own for a salesperson) and for the company (admin)."""
    now = ctx.now()
    since = now - timedelta(days=window_days)
    only = None if ctx.actor.is_admin else ctx.actor.id
    with ctx.read() as session:
        minimum = load_settings(session).calls.min_answer_rate
        query = select(_a.c.login, _c.c.requested_at, _c.c.outcome, _c.c.decided_at).join(_a, _a.c.id == _c.c.owner_id)
        query = query.where(_c.c.requested_at > since, _c.c.requested_at <= now)
        if only is not None:
            query = query.where(_c.c.owner_id == only)
        facts = [
            CallFacts(login, at, Outcome(outcome), decided) for login, at, outcome, decided in session.execute(query)
        ]
        names = {r[0]: r[1] for r in session.execute(select(_a.c.login, _a.c.name))}
    per_owner = answer_rate_by_owner(facts, now, window_days)
    if only is not None:
        per_owner.setdefault(ctx.actor.login, AnswerFigures(0, 0, 0, None))
    rows = tuple(
        AnswerRow(login, names.get(login, login), f, f.below(minimum)) for login, f in sorted(per_owner.items())
    )
    company = None
    if only is None:
        total = answer_rate(facts, now, window_days)
        company = AnswerRow(COMPANY, "Company", total, total.below(minimum))
    return AnswerRates(window_days, minimum, company, rows)


def rates_to_dict(rates: AnswerRates) -> dict[str, Any]:
    """The `calls` object of `stats --json` (stable keys)."""

    def one(row: AnswerRow) -> dict[str, Any]:
        f = row.figures
        return {
            "login": row.login,
            "name": row.name,
            "answered": f.answered,
            "counted": f.counted,
            "pending": f.pending,
            "rate": f.rate,
            "below_minimum": row.below_minimum,
        }

    return {
        "window_days": rates.window_days,
        "min_answer_rate": rates.min_answer_rate,
        "warning": rates.warning,
        "company": one(rates.company) if rates.company else None,
        "accounts": [one(r) for r in rates.accounts],
    }


def row_to_dict(r: CallRow) -> dict[str, Any]:
    """One call of `call list --json` (stable keys)."""
    return {
        "id": r.id,
        "kind": r.kind,
        "scenario": r.scenario,
        "buyer": r.buyer_email,
        "buyer_name": r.buyer_name,
        "owner": r.owner_login,
        "requested_at": r.requested_at.isoformat(),
        "appointment_at": r.appointment_at.isoformat() if r.appointment_at else None,
        "outcome": r.outcome.value,
        "outside_window": r.outside_window,
        "decided_at": r.decided_at.isoformat() if r.decided_at else None,
        "decided_by": r.decided_by or None,
        "note": r.note,
    }
