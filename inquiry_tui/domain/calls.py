"""Calls and appointments: the words of the call log, the answer rate, and whether a request fell in the call windows.

The answer rate (docs/domain.md, Calls) is the marketplace's measure of how reliably the
seller takes calls, over the past 30 days:
- a call answered counts as answered, a missed call as not answered;
- an appointment request counts as answered when the owner confirmed it within 24 h of the
  request; declined, or confirmed later, it counts as not answered; still pending, it is not
  counted until its 24 h have run out, then it counts as not answered.
A request belongs to the window when `now - 30 days < requested_at <= now` (the reply rate's
edges). Below `calls.min_answer_rate` the marketplace suspends the call function.

Naive datetimes are taken as UTC, so naive and aware values mix safely.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from inquiry_tui.domain.reception import is_holiday
from inquiry_tui.domain.settings import END_OF_DAY, CallSettings, ReceptionSettings

WINDOW_DAYS = 30
CONFIRM_WITHIN = timedelta(hours=24)  # an appointment confirmed later does not count as answered


class CallKind(StrEnum):
    VOICE = "voice"
    VIDEO = "video"


class Scenario(StrEnum):
    """Where on the marketplace the buyer started the call."""

    PRODUCT = "product"
    STORE = "store"
    VIDEO = "video"
    CHAT = "chat"


class Outcome(StrEnum):
    """A call's outcome, or where an appointment request stands."""

    ANSWERED = "answered"
    MISSED = "missed"
    PENDING = "pending"  # an appointment request waiting for the owner
    CONFIRMED = "confirmed"
    DECLINED = "declined"

    @property
    def is_appointment(self) -> bool:
        return self in _APPOINTMENT


_APPOINTMENT = frozenset({Outcome.PENDING, Outcome.CONFIRMED, Outcome.DECLINED})
IMPORTED_OUTCOMES = (Outcome.ANSWERED, Outcome.MISSED, Outcome.PENDING)  # what a call log file may say


@dataclass(frozen=True)
class CallFacts:
    owner: str
    requested_at: datetime
    outcome: Outcome
    decided_at: datetime | None = None  # when an appointment was confirmed or declined


@dataclass(frozen=True)
class AnswerFigures:
    answered: int
    counted: int
    pending: int  # appointment requests still inside their 24 h: not counted yet
    rate: float | None  # answered / counted; None when nothing is counted

    def below(self, minimum_percent: int) -> bool:
        """Whether the rate is known and under MINIMUM_PERCENT."""
        return self.rate is not None and self.rate * 100 < minimum_percent


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def in_window(requested_at: datetime, now: datetime, window_days: int = WINDOW_DAYS) -> bool:
    at, end = _utc(requested_at), _utc(now)
    return end - timedelta(days=window_days) < at <= end


def judge(call: CallFacts, now: datetime) -> bool | None:
    """True: answered; False: counted as not answered; None: pending (not counted yet)."""
    outcome = call.outcome
    if outcome is Outcome.ANSWERED:
        return True
    if outcome in (Outcome.MISSED, Outcome.DECLINED):
        return False
    deadline = _utc(call.requested_at) + CONFIRM_WITHIN
    if outcome is Outcome.CONFIRMED:
        return call.decided_at is None or _utc(call.decided_at) <= deadline
    return None if _utc(now) < deadline else False  # pending


def answer_rate(calls: Iterable[CallFacts], now: datetime, window_days: int = WINDOW_DAYS) -> AnswerFigures:
    """The answer rate of CALLS over the WINDOW_DAYS before NOW."""
    answered = counted = pending = 0
    for call in calls:
        if not in_window(call.requested_at, now, window_days):
            continue
        verdict = judge(call, now)
        if verdict is None:
            pending += 1
            continue
        counted += 1
        answered += verdict
    return AnswerFigures(answered, counted, pending, answered / counted if counted else None)


def answer_rate_by_owner(
    calls: Iterable[CallFacts], now: datetime, window_days: int = WINDOW_DAYS
) -> dict[str, AnswerFigures]:
    by_owner: dict[str, list[CallFacts]] = {}
    for call in calls:
        by_owner.setdefault(call.owner, []).append(call)
    return {owner: answer_rate(mine, now, window_days) for owner, mine in sorted(by_owner.items())}


def in_call_windows(calls: CallSettings, reception: ReceptionSettings, at: datetime) -> bool:
    """Whether AT falls in the call windows (company time zone and holidays, as smart reception's).

    No windows set means calls are taken at any time. A window is [start, end), like reception's.
    """
    if not calls.windows:
        return True
    local = _utc(at).astimezone(ZoneInfo(reception.timezone))
    kind = "holiday" if is_holiday(reception, local.date()) else "workday"
    clock = local.time()
    return any(w.kind == kind and w.start <= clock and (clock < w.end or w.end == END_OF_DAY) for w in calls.windows)
