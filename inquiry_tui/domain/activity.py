"""Buyer activity: the activity level, the 90-day on-site behaviour box, recommendations.

docs/domain.md (Buyers) and seeds 000/001. Inputs are daily counts per event kind that
the store has already aggregated, never raw events, so a profile pane can recompute all of
this on every cursor move.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.domain.vocabulary import ActivityKind

DEFAULT_WINDOW_DAYS = 90

# --- activity level -----------------------------------------------------------------------

DIMENSIONS = ("access", "procurement", "trade", "inquiries", "searches")

# JUNK and BLACKLIST are behaviour facts, not activity: a spammer must not look keen.
# INQUIRY means a valid (non-junk) inquiry the buyer sent, counted by the caller.
KIND_DIMENSION: dict[str, str] = {
    ActivityKind.VISIT: "access",
    ActivityKind.PRODUCT_VIEW: "access",
    ActivityKind.LOGIN: "access",
    ActivityKind.RFQ: "procurement",
    ActivityKind.TRADE: "trade",
    ActivityKind.INQUIRY: "inquiries",
    ActivityKind.SEARCH: "searches",
}
EVENT_KINDS = frozenset({*KIND_DIMENSION, ActivityKind.JUNK, ActivityKind.BLACKLIST})

# Weights sum to 1: procurement needs (RFQs) and trade say most about buying intent.
WEIGHTS: dict[str, float] = {"access": 0.15, "procurement": 0.25, "trade": 0.25, "inquiries": 0.20, "searches": 0.15}
# Saturation constants for a 90-day window: k events give ~63% of a dimension's score.
SATURATION: dict[str, float] = {"access": 30.0, "procurement": 2.0, "trade": 1.5, "inquiries": 3.0, "searches": 15.0}
# Lower bounds of each label, highest first.
LABELS: tuple[tuple[int, str], ...] = ((75, "Very high"), (50, "High"), (25, "Medium"), (0, "Low"))


@dataclass(frozen=True)
class DailyCounts:
    """How many events of one kind a buyer had on one day (a row of the store's aggregate)."""

    day: date
    kind: str
    count: int


@dataclass(frozen=True)
class DimensionScore:
    name: str
    count: int
    score: float  # 0..1, saturating in count
    share: float  # this dimension's part of the level's points (shares sum to 1, or all 0)


@dataclass(frozen=True)
class ActivityLevel:
    level: int  # 0..100
    label: str  # "Low" | "Medium" | "High" | "Very high"
    dimensions: tuple[DimensionScore, ...]  # in DIMENSIONS order
    daily: tuple[int, ...]  # activity events per day, oldest first, len == window_days
    window_days: int

    def dimension(self, name: str) -> DimensionScore:
        return self.dimensions[DIMENSIONS.index(name)]


def label_for(level: int) -> str:
    return next(label for bound, label in LABELS if level >= bound)


def _window_start(today: date, window_days: int) -> date:
    _check_window(window_days)
    return today - timedelta(days=window_days - 1)


def _check_window(window_days: int) -> None:
    if window_days < 1:
        raise ValidationError(f"window must be at least 1 day, got {window_days}")


def activity_level(counts: Iterable[DailyCounts], today: date, window_days: int = DEFAULT_WINDOW_DAYS) -> ActivityLevel:
    """Score the buyer's activity over the days [today - window_days + 1, today].

    Each dimension scores 1 - exp(-count / k), k scaled to the window length so a 30-day
    window is not judged by 90-day expectations. Days outside the window (also future
    days) and unknown kinds are ignored; negative counts count as 0. Any activity at all
    gives a level of at least 1, so no dimension can be lost to rounding.
    """
    start = _window_start(today, window_days)
    per_dim = dict.fromkeys(DIMENSIONS, 0)
    daily = [0] * window_days
    for row in counts:
        dim = KIND_DIMENSION.get(row.kind)
        if dim is None or row.count <= 0 or not start <= row.day <= today:
            continue
        per_dim[dim] += row.count
        daily[(row.day - start).days] += row.count
    scores, points = _scored(per_dim, window_days)
    total = sum(points)
    level = _rounded(total)
    dims = tuple(
        DimensionScore(d, per_dim[d], score, point / total if total > 0 else 0.0)
        for d, score, point in zip(DIMENSIONS, scores, points)
    )
    return ActivityLevel(level, label_for(level), dims, tuple(daily), window_days)


def level_from_totals(totals: Iterable[tuple[str, int]], window_days: int = DEFAULT_WINDOW_DAYS) -> int:
    """The level `activity_level` gives a buyer whose window holds TOTALS, (kind, events) pairs.

    Only the level, without the daily breakdown or the dimensions: for scoring every buyer of the
    store at once from the window's sums per kind, where building the whole ActivityLevel of 50,000
    buyers took about half of the pass. Unknown kinds and counts <= 0 are ignored, as there."""
    _check_window(window_days)
    per_dim = dict.fromkeys(DIMENSIONS, 0)
    for kind, count in totals:
        dim = KIND_DIMENSION.get(kind)
        if dim is not None and count > 0:
            per_dim[dim] += count
    return _rounded(sum(_scored(per_dim, window_days)[1]))


def _scored(per_dim: dict[str, int], window_days: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Each dimension's score and its weighted points, in DIMENSIONS order (see activity_level)."""
    scale = window_days / DEFAULT_WINDOW_DAYS
    scores = tuple(1.0 - math.exp(-per_dim[d] / (SATURATION[d] * scale)) for d in DIMENSIONS)
    return scores, tuple(WEIGHTS[d] * score for d, score in zip(DIMENSIONS, scores))


def _rounded(total: float) -> int:
    """The level for TOTAL points (0..1): any activity at all is at least 1, so none is lost to rounding."""
    level = min(100, round(100 * total))
    return max(1, level) if total > 0 else level


# --- 90-day on-site behaviour ------------------------------------------------------------


@dataclass(frozen=True)
class Behaviour:
    """The seed's "on-site behaviour in the past 90 days" box."""

    product_views: int
    valid_inquiries: int
    replies: int  # inquiries of this buyer that got a reply (counted by the caller)
    valid_rfqs: int
    login_days: int  # distinct days with at least one login
    junk_inquiries: int
    times_blacklisted: int


def behaviour(
    counts: Iterable[DailyCounts], today: date, window_days: int = DEFAULT_WINDOW_DAYS, *, replies: int = 0
) -> Behaviour:
    """Sum the behaviour box from daily counts within [today - window_days + 1, today]."""
    start = _window_start(today, window_days)
    sums = dict.fromkeys(EVENT_KINDS, 0)
    login_days: set[date] = set()
    for row in counts:
        if row.count <= 0 or row.kind not in sums or not start <= row.day <= today:
            continue
        sums[row.kind] += row.count
        if row.kind == ActivityKind.LOGIN:
            login_days.add(row.day)
    return Behaviour(
        product_views=sums[ActivityKind.PRODUCT_VIEW],
        valid_inquiries=sums[ActivityKind.INQUIRY],
        replies=max(0, replies),
        valid_rfqs=sums[ActivityKind.RFQ],
        login_days=len(login_days),
        junk_inquiries=sums[ActivityKind.JUNK],
        times_blacklisted=sums[ActivityKind.BLACKLIST],
    )


# --- recommendation (real-time marketing) --------------------------------------------------

RECOMMEND_MIN_LEVEL = 50
RECOMMEND_QUIET_DAYS = 30


@dataclass(frozen=True)
class Recommendation:
    score: int  # 0..100, for ordering a list of recommended buyers
    reason: str


def _as_utc(moment: datetime) -> datetime:
    # Naive datetimes are taken as UTC, so naive and aware values compare safely.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def recommendation(
    level: ActivityLevel,
    intent_hits: int,
    last_contact: datetime | None,
    now: datetime,
    *,
    intent_term: str | None = None,
    min_level: int = RECOMMEND_MIN_LEVEL,
) -> Recommendation | None:
    """Recommend contacting a buyer who is active, showed interest in what we sell
    (INTENT_HITS searches or views of our products) and had no contact for 30 days.

    INTENT_TERM, the buyer's top matching search, is untrusted and shown made safe.
    """
    if level.level < min_level or intent_hits <= 0:
        return None
    quiet_days: int | None = None
    if last_contact is not None:
        quiet = _as_utc(now) - _as_utc(last_contact)
        if quiet < timedelta(days=RECOMMEND_QUIET_DAYS):
            return None
        quiet_days = quiet.days
    score = recommendation_score(level.level, intent_hits, min_level=min_level)
    times = "once" if intent_hits == 1 else f"{intent_hits} times"
    if intent_term and intent_term.strip():
        interest = f"searched '{truncate(safe_line(intent_term.strip()), 40)}' {times}"
    else:
        interest = f"searched or viewed our products {times}"
    contact = "never contacted" if quiet_days is None else f"no contact for {quiet_days} days"
    return Recommendation(score, f"{label_for(level.level)} activity ({level.level}); {interest}; {contact}")


def recommendation_score(level: int, intent_hits: int, *, min_level: int = RECOMMEND_MIN_LEVEL) -> int:
    """The score `recommendation` gives (contact aside): 0 unless active and showing intent, else 1..100,
    most of it from the level and the rest saturating in the intent."""
    if level < min_level or intent_hits <= 0:
        return 0
    return max(0, min(100, round(0.6 * level + 40 * (1 - math.exp(-intent_hits / 3)))))
