"""Smart reception (auto-reply): when it is active, what it sends, and when a reply is due.

All instants are timezone-aware datetimes (naive ones raise ValueError: an instant without a
zone is ambiguous and a silent guess would send auto-replies at the wrong hour). Windows are
wall-clock times in the company time zone (`settings.timezone`), so a 09:00-18:00 window
follows daylight-saving changes: 08:00Z-17:00Z in Berlin summer, 07:00Z-16:00Z in winter.

Choices where the contract is silent:

- A window is [start, end); an end of 24:00 (settings.END_OF_DAY) includes the whole last
  minute up to midnight. A local day is a holiday when it is a Saturday, a Sunday or in
  `settings.holidays`; holiday windows apply then, workday windows otherwise.
- In the repeated hour of a DST change both instants have the same wall-clock time and so
  the same answer; wall-clock times in the skipped hour never occur.
- "No contact in the past 30 days": a last contact at or before `at - 30 days` is outside
  the window (an exact 30-day-old contact allows auto-replies). A last contact *after* `at`
  (out-of-order imports) counts as recent contact, so no auto-reply is sent.
- Blank welcome text and blank smart questions are not sent.
- Smart questions are sent as needed (domain.questions): with what the inquiry states given
  (`stated`), a question whose every ask is stated is left out; a question that asks nothing
  readable is always sent. Without `stated` every question is sent (as before).
- Durations are real time: arithmetic happens in UTC and `due_at` returns UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from inquiry_tui.domain import due
from inquiry_tui.domain.questions import parse_question, question_text
from inquiry_tui.domain.settings import END_OF_DAY, ReceptionSettings
from inquiry_tui.domain.vocabulary import Ask, Channel

NO_CONTACT_WINDOW = timedelta(days=30)  # auto-replies only to buyers silent for this long
_CHANNELS = frozenset(Channel)


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")


def is_holiday(settings: ReceptionSettings, day: date) -> bool:
    """True on Saturdays, Sundays and the dates in the company's holiday list."""
    return day.weekday() >= 5 or day in settings.holidays


def reception_active(settings: ReceptionSettings, at: datetime) -> bool:
    """Whether smart reception answers an arrival at the instant `at` (timezone-aware)."""
    _require_aware("at", at)
    if settings.mode == "off":
        return False
    if settings.mode == "all_day":
        return True
    # ZoneInfo caches instances per key, so this is a dict lookup after the first call.
    local = at.astimezone(ZoneInfo(settings.timezone))
    kind = "holiday" if is_holiday(settings, local.date()) else "workday"
    clock = local.time()  # naive wall-clock time, no fold: both repeated hours answer alike
    return any(w.kind == kind and w.start <= clock and (clock < w.end or w.end == END_OF_DAY) for w in settings.windows)


@dataclass(frozen=True)
class ReceptionPlan:
    """What smart reception sends to one arrival, and what its questions ask (kept on the inquiry)."""

    messages: tuple[str, ...]
    asked: frozenset[Ask] = frozenset()


NOTHING = ReceptionPlan(())


def auto_reply_messages(settings: ReceptionSettings, stated: frozenset[Ask] | None = None) -> tuple[str, ...]:
    """The auto-replies in send order: welcome, each FAQ entry, each smart question (only those needed when
    STATED, what the inquiry already says, is given)."""
    return _plan(settings, stated).messages


def _plan(settings: ReceptionSettings, stated: frozenset[Ask] | None) -> ReceptionPlan:
    out: list[str] = []
    if settings.welcome.strip():
        out.append(settings.welcome)
    out.extend(f"Q: {e.q}\nA: {e.a}" for e in settings.faq)
    asked: set[Ask] = set()
    for raw in settings.smart_questions:
        if not raw.strip():
            continue
        if stated is None:
            out.append(question_text(raw))
            continue
        question = parse_question(raw)
        if question.needed(stated) and question.text:
            out.append(question.text)
            asked.update(question.asks - stated)
    return ReceptionPlan(tuple(out), frozenset(asked))


def plan_reception(
    settings: ReceptionSettings, at: datetime, last_contact_at: datetime | None, stated: frozenset[Ask] = frozenset()
) -> ReceptionPlan:
    """What to send for an arrival at AT that already states STATED; nothing unless reception is active and
    the buyer had no contact in either direction during the 30 days before AT."""
    _require_aware("at", at)
    if last_contact_at is not None:
        _require_aware("last_contact_at", last_contact_at)
        # in UTC: arithmetic on a zoned datetime is wall-clock and would be an hour off across DST
        if last_contact_at > at.astimezone(UTC) - NO_CONTACT_WINDOW:
            return NOTHING
    if not reception_active(settings, at):
        return NOTHING
    return _plan(settings, stated)


def plan_auto_replies(
    settings: ReceptionSettings, at: datetime, last_contact_at: datetime | None, stated: frozenset[Ask] | None = None
) -> tuple[str, ...]:
    """Auto-replies to send for an arrival at `at`; empty unless reception is active and the buyer
    had no contact in either direction during the 30 days before `at`.

    `last_contact_at` is the buyer's latest message in or out *before* this arrival, or None.
    With STATED, only the smart questions still needed are sent.
    """
    if stated is None:
        _require_aware("at", at)
        if last_contact_at is not None:
            _require_aware("last_contact_at", last_contact_at)
            if last_contact_at > at.astimezone(UTC) - NO_CONTACT_WINDOW:
                return ()
        if not reception_active(settings, at):
            return ()
        return auto_reply_messages(settings)
    return plan_reception(settings, at, last_contact_at, stated).messages


def due_at(received_at: datetime, channel: str) -> datetime:
    """An arrival's due time by domain.due's rule (24 real hours, every channel; in UTC), for a checked
    arrival: the instant must carry a zone and the channel be known."""
    _require_aware("received_at", received_at)
    if channel not in _CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; expected one of {sorted(c.value for c in Channel)}")
    return due.due_at(received_at)
