"""Reply rate, the marketplace's own definition (docs/domain.md, Reply rate); due times are domain.due's.

Over inquiries received in the past 30 days, the share answered by a person within 24 h of
arrival (chats: within 1 h). The caller passes, per thread, the time of the first *human*
response: a reply or a person marking it junk. Auto-replies are never passed, and deleting
is not a response. Several inquiries from one buyer on one local day count once.

The company received an inquiry at its arrival; an account received it when it became theirs
(`ThreadFacts.owned_at`, the last move to the current owner; the arrival if it never moved). So
for an account's figures the clock, the window and the local day of the one-per-buyer-and-day
grouping run from that moment: a successor who inherits an inquiry 23 h old has their own 24 h
from the hand-over, while the company's figure still counts it from its arrival. An inquiry
answered before it became the account's was never theirs to answer and is left out of their
figures (the company's keep it).

Naive datetimes are taken as UTC throughout, so naive and aware values mix safely.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from inquiry_tui.domain.due import CHAT_RESPONSE_LIMIT, OPEN_FOLDER, RESPONSE_LIMIT, due_at, is_overdue, response_limit
from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.vocabulary import CHAT_CHANNELS

__all__ = [
    "CHAT_RESPONSE_LIMIT",
    "DEFAULT_WINDOW_DAYS",
    "RESPONSE_LIMIT",
    "RateFigures",
    "ThreadFacts",
    "due_at",
    "median_first_response",
    "moved_at",
    "overdue",
    "owner_median_first_response",
    "owner_since",
    "reply_rate",
    "reply_rate_by_owner",
    "response_limit",
]

DEFAULT_WINDOW_DAYS = 30


@dataclass(frozen=True)
class ThreadFacts:
    inquiry_id: int
    owner: str
    buyer_id: int
    channel: str  # a Channel: inquiry | tm | email | rfq
    received_at: datetime
    first_response_at: datetime | None  # first human reply or human junk-marking; never an auto-reply
    owned_at: datetime | None = None  # when the current owner got it (the last move to them); None: never moved


@dataclass(frozen=True)
class RateFigures:
    answered: int  # counted groups whose first inquiry was answered in time
    counted: int  # groups whose outcome is known (answered, or their time ran out)
    rate: float | None  # answered / counted; None when nothing is counted
    pending: int  # groups still inside their response time and unanswered: not counted yet


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _zone(tz: str) -> tzinfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{tz!r} is not a known time zone; expected Area/City, e.g. Asia/Shanghai") from None


def moved_at(received_at: datetime, now: datetime) -> datetime:
    """`owned_at` for a move at NOW: NOW, or the arrival for an inquiry received later (clock skew, a
    future-dated import), so an account's clock never starts before the inquiry existed."""
    return max(_utc(received_at), _utc(now))


def owner_since(thread: ThreadFacts) -> datetime:
    """When THREAD became its owner's: the last move to them, else its arrival (UTC)."""
    return _utc(thread.owned_at if thread.owned_at is not None else thread.received_at)


def _answered_before_owner(thread: ThreadFacts) -> bool:
    """A response recorded before the inquiry moved to its current owner: not theirs to answer."""
    first = thread.first_response_at
    return thread.owned_at is not None and first is not None and _utc(first) < _utc(thread.owned_at)


def _arrival(thread: ThreadFacts) -> datetime:
    return _utc(thread.received_at)


def overdue(thread: ThreadFacts, now: datetime) -> bool:
    """domain.due's rule for a thread of the metric (in the inbox): no human response as of NOW (one
    recorded after NOW is not one yet) and NOW at or past the due time."""
    first = thread.first_response_at
    answered = first if first is not None and _utc(first) <= _utc(now) else None
    return is_overdue(OPEN_FOLDER, answered, due_at(thread.received_at), now)


def _outcome(thread: ThreadFacts, now: datetime, start: datetime) -> bool | None:
    """True answered in time, False missed, None still pending, the clock running from START. NOW is UTC.

    A response recorded after NOW is ignored, so a past NOW gives the figure of that day.
    Answering at exactly the limit still counts.
    """
    deadline = start + response_limit(thread.channel)
    first = thread.first_response_at
    if first is not None:
        first = _utc(first)
        if first <= now:
            return first <= deadline
    return None if now <= deadline else False


_Key = TypeVar("_Key", bound=tuple[Hashable, ...])


def _figures(
    threads: Iterable[ThreadFacts],
    now: datetime,
    tz: str,
    window_days: int,
    key_of: Callable[[ThreadFacts, date], _Key],
    start_of: Callable[[ThreadFacts], datetime] = _arrival,
) -> dict[_Key, bool | None]:
    """Group in-window threads by key_of(thread, local_day); judge each group by its first.

    START_OF gives the moment a thread was received by whom the figures are for (the company:
    its arrival; an account: when it became theirs): the window, the local day, the group's
    first and the clock all follow it."""
    if window_days < 1:
        raise ValidationError(f"window must be at least 1 day, got {window_days}")
    zone = _zone(tz)
    now = _utc(now)
    since = now - timedelta(days=window_days)
    firsts: dict[_Key, tuple[datetime, int, ThreadFacts]] = {}
    for t in threads:
        received = start_of(t)
        # Window: received in (now - window, now]; a group straddling the edge is judged
        # by its first inquiry inside the window.
        if not since < received <= now:
            continue
        local_day: date = received.astimezone(zone).date()
        key = key_of(t, local_day)
        cand = (received, t.inquiry_id, t)
        best = firsts.get(key)
        if best is None or cand[:2] < best[:2]:
            firsts[key] = cand
    return {key: _outcome(t, now, received) for key, (received, _, t) in firsts.items()}


def _summarise(outcomes: Iterable[bool | None]) -> RateFigures:
    answered = counted = pending = 0
    for o in outcomes:
        if o is None:
            pending += 1
        else:
            counted += 1
            if o:
                answered += 1
    return RateFigures(answered, counted, answered / counted if counted else None, pending)


def reply_rate(
    threads: Iterable[ThreadFacts], now: datetime, *, tz: str = "UTC", window_days: int = DEFAULT_WINDOW_DAYS
) -> RateFigures:
    """The company's reply rate: one count per (buyer, local day in TZ, chat or not), across owners.

    A group is answered when its first inquiry (earliest received, then lowest id) was
    answered in time: answering later inquiries of the day does not make up for it, and the
    buyer's first message is the one they are waiting on.
    """
    outcomes = _figures(threads, now, tz, window_days, lambda t, day: (t.buyer_id, day, t.channel in CHAT_CHANNELS))
    return _summarise(outcomes.values())


def reply_rate_by_owner(
    threads: Iterable[ThreadFacts], now: datetime, *, tz: str = "UTC", window_days: int = DEFAULT_WINDOW_DAYS
) -> dict[str, RateFigures]:
    """Per account: one count per (owner, buyer, local day, chat or not), sorted by owner.

    Each thread counts from when it became its owner's (`owner_since`): the window, the local
    day and the clock; one answered before that is left out (module docstring).
    Owners with only pending inquiries in the window appear with counted 0 and rate None.
    The owners' counts can add up to more than the company's when one buyer's inquiries of
    a day went to several owners.
    """
    outcomes = _figures(
        [t for t in threads if not _answered_before_owner(t)],
        now,
        tz,
        window_days,
        lambda t, day: (t.owner, t.buyer_id, day, t.channel in CHAT_CHANNELS),
        owner_since,
    )
    per_owner: dict[str, list[bool | None]] = {}
    for key, outcome in outcomes.items():
        per_owner.setdefault(key[0], []).append(outcome)
    return {owner: _summarise(per_owner[owner]) for owner in sorted(per_owner)}


def median_first_response(threads: Iterable[ThreadFacts]) -> timedelta | None:
    """Median time from arrival to the first human response over responded threads, or None.

    Every thread passed counts (no grouping, no window: the caller selects). A response
    recorded before arrival (clock skew) counts as immediate.
    """
    waits = sorted(
        max(timedelta(0), _utc(t.first_response_at) - _utc(t.received_at))
        for t in threads
        if t.first_response_at is not None
    )
    return _median(waits)


def owner_median_first_response(threads: Iterable[ThreadFacts]) -> timedelta | None:
    """`median_first_response` for an account: each wait from when the thread became its owner's,
    threads answered before that left out (as `reply_rate_by_owner` does)."""
    waits = sorted(
        max(timedelta(0), _utc(t.first_response_at) - owner_since(t))
        for t in threads
        if t.first_response_at is not None and not _answered_before_owner(t)
    )
    return _median(waits)


def _median(waits: list[timedelta]) -> timedelta | None:
    if not waits:
        return None
    mid = len(waits) // 2
    return waits[mid] if len(waits) % 2 else (waits[mid - 1] + waits[mid]) / 2
