"""Escalation: an inquiry nobody answered in time moves once to the next owner by the rules.

With `allocation.reassign_after_hours` set to H, an inquiry is due for escalation when it is
open (in the inbox, no response by a person), has not been escalated before, and arrived H
hours ago or more, but no more than WINDOW ago (older ones are the admin's to sort out by
hand: switching the setting on must not reshuffle months of history). It is routed again
(`domain.allocation.route`) with its current owner passed over ("ana did not answer within
4 h"), so it never goes back to the same person; sticky, product, region, the company
contact and the rotation apply as on arrival, and away and full accounts are passed over
too. If the rules find no one else, it stays and is tried again at the next sweep (someone
may come back). A move is recorded with rule `escalation`, and both owners are told.

Sweeps run inside the write transaction of every arrival batch and of `allocate`, so no
daemon is needed; a cron line running `inquiry-tui allocate` makes it punctual.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from inquiry_tui.domain.allocation import Decision, RoutingFacts, route
from inquiry_tui.domain.settings import AllocationSettings
from inquiry_tui.domain.vocabulary import Rule

WINDOW = timedelta(days=30)  # inquiries older than this are never escalated
MAX_HOURS = 720  # 30 days: the setting's upper bound


def cutoffs(now: datetime, hours: int) -> tuple[datetime, datetime]:
    """(oldest, newest) arrival times due for escalation at NOW: [now - WINDOW, now - HOURS]."""
    return now - WINDOW, now - timedelta(hours=hours)


def is_due(received_at: datetime, answered: bool, escalated: bool, now: datetime, hours: int | None) -> bool:
    """Whether an open inquiry received at RECEIVED_AT is due for escalation at NOW."""
    if hours is None or answered or escalated:
        return False
    oldest, newest = cutoffs(now, hours)
    return oldest <= received_at <= newest


def did_not_answer(hours: int) -> str:
    return f"did not answer within {hours} h"


def escalate(settings: AllocationSettings, facts: RoutingFacts, owner: str, hours: int) -> Decision | None:
    """The next owner of an inquiry OWNER did not answer within HOURS, or None when the rules find no one else.

    FACTS describe the inquiry as on arrival (its buyer's owner, its product's or country's
    owner, the turn); OWNER is passed over at every step.
    """
    unavailable = {**facts.unavailable, owner: did_not_answer(hours)}
    decision = route(settings, replace(facts, unavailable=unavailable))
    if decision.owner == owner:
        return None
    return Decision(
        decision.owner,
        Rule.ESCALATION,
        f"escalated: {decision.reason}",
        decision.rotation_last,
        decision.passed,
    )
