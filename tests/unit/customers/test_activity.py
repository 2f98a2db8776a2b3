"""Activity level, 90-day behaviour box and recommendations from daily aggregates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain.activity import (
    DIMENSIONS,
    KIND_DIMENSION,
    WEIGHTS,
    ActivityLevel,
    DailyCounts,
    activity_level,
    behaviour,
    label_for,
    level_from_totals,
    recommendation,
    recommendation_score,
)
from inquiry_tui.domain.errors import ValidationError

TODAY = date(2024, 6, 30)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def test_kind_mapping_covers_the_five_dimensions() -> None:
    assert set(KIND_DIMENSION.values()) == set(DIMENSIONS)
    assert KIND_DIMENSION["visit"] == KIND_DIMENSION["product_view"] == KIND_DIMENSION["login"] == "access"
    assert "junk" not in KIND_DIMENSION and "blacklist" not in KIND_DIMENSION
    assert abs(sum(WEIGHTS.values()) - 1.0) < 1e-9
    assert max(WEIGHTS, key=WEIGHTS.get) in {"procurement", "trade"}
    assert WEIGHTS["procurement"] > WEIGHTS["access"] and WEIGHTS["trade"] > WEIGHTS["searches"]


def test_no_activity() -> None:
    a = activity_level([], TODAY)
    assert a.level == 0
    assert a.label == "Low"
    assert a.window_days == 90
    assert a.daily == (0,) * 90
    assert [d.name for d in a.dimensions] == list(DIMENSIONS)
    assert all(d.score == 0 and d.share == 0 and d.count == 0 for d in a.dimensions)


@pytest.mark.parametrize("kind", sorted(KIND_DIMENSION))
@pytest.mark.parametrize("count", [1, 5])
def test_each_kind_alone_moves_the_level(kind: str, count: int) -> None:
    a = activity_level([DailyCounts(TODAY, kind, count)], TODAY)
    assert a.level > 0
    dim = a.dimension(KIND_DIMENSION[kind])
    assert dim.count == count
    assert dim.share == pytest.approx(1.0)
    assert 0 < dim.score < 1


@pytest.mark.parametrize("dim", DIMENSIONS)
def test_each_dimension_alone_raises_the_level_more_with_more_events(dim: str) -> None:
    kind = next(k for k, d in KIND_DIMENSION.items() if d == dim)
    levels = [activity_level([DailyCounts(TODAY, kind, n)], TODAY).level for n in (0, 2, 10, 40)]
    assert levels[0] == 0
    assert levels == sorted(levels) and levels[1] > 0 and levels[3] > levels[1]


def test_procurement_and_trade_weigh_most() -> None:
    one = {k: activity_level([DailyCounts(TODAY, k, 3)], TODAY).level for k in ("rfq", "trade", "visit", "search")}
    assert one["rfq"] > one["visit"] and one["rfq"] > one["search"]
    assert one["trade"] > one["visit"] and one["trade"] > one["search"]


def test_saturates_and_caps_at_100() -> None:
    counts = [DailyCounts(TODAY, k, 10_000) for k in KIND_DIMENSION]
    a = activity_level(counts, TODAY)
    assert a.level == 100
    assert a.label == "Very high"
    assert sum(d.share for d in a.dimensions) == pytest.approx(1.0)


def test_window_edges() -> None:
    first = days_ago(89)  # the oldest day inside a 90-day window
    inside = activity_level([DailyCounts(first, "rfq", 1)], TODAY)
    assert inside.level > 0
    assert inside.daily[0] == 1 and sum(inside.daily) == 1
    outside = activity_level([DailyCounts(days_ago(90), "rfq", 1)], TODAY)
    assert outside.level == 0 and sum(outside.daily) == 0
    future = activity_level([DailyCounts(TODAY + timedelta(days=1), "rfq", 1)], TODAY)
    assert future.level == 0
    today = activity_level([DailyCounts(TODAY, "rfq", 1)], TODAY)
    assert today.daily[-1] == 1


def test_custom_window() -> None:
    a = activity_level([DailyCounts(days_ago(6), "trade", 1), DailyCounts(days_ago(7), "trade", 1)], TODAY, 7)
    assert a.window_days == 7 and len(a.daily) == 7
    assert a.daily == (1, 0, 0, 0, 0, 0, 0)
    assert a.dimension("trade").count == 1
    # a shorter window expects fewer events: the same single trade counts for more
    assert a.level > activity_level([DailyCounts(TODAY, "trade", 1)], TODAY, 90).level
    with pytest.raises(ValidationError):
        activity_level([], TODAY, 0)


def test_daily_series_sums_kinds_and_ignores_junk_and_unknown() -> None:
    counts = [
        DailyCounts(days_ago(1), "visit", 3),
        DailyCounts(days_ago(1), "search", 2),
        DailyCounts(days_ago(1), "junk", 9),
        DailyCounts(days_ago(1), "blacklist", 1),
        DailyCounts(days_ago(1), "teleport", 5),
        DailyCounts(days_ago(0), "login", -4),
    ]
    a = activity_level(counts, TODAY)
    assert a.daily[-2] == 5 and a.daily[-1] == 0
    assert a.dimension("access").count == 3 and a.dimension("searches").count == 2


def test_labels() -> None:
    assert [label_for(n) for n in (0, 24, 25, 49, 50, 74, 75, 100)] == [
        "Low", "Low", "Medium", "Medium", "High", "High", "Very high", "Very high",
    ]  # fmt: skip


_ROW = st.tuples(st.integers(0, 120), st.sampled_from([*sorted(KIND_DIMENSION), "junk"]), st.integers(-5, 500))


@given(st.lists(_ROW))
def test_property_level_bounded_and_shares_sum(rows: list[tuple[int, str, int]]) -> None:
    a = activity_level([DailyCounts(days_ago(d), k, c) for d, k, c in rows], TODAY)
    assert 0 <= a.level <= 100
    assert all(0 <= d.score <= 1 for d in a.dimensions)
    shares = sum(d.share for d in a.dimensions)
    assert shares == pytest.approx(1.0) or (shares == 0 and a.level == 0)
    assert sum(a.daily) == sum(d.count for d in a.dimensions)


@given(
    st.lists(st.tuples(st.sampled_from([*sorted(KIND_DIMENSION), "junk", "nosuch"]), st.integers(-5, 500))),
    st.integers(1, 120),
)
def test_property_level_from_window_totals_is_the_full_levels(totals: list[tuple[str, int]], window: int) -> None:
    """The rollup's level from each kind's window total is exactly the level of the same events as daily rows."""
    rows = [DailyCounts(days_ago(i % window), kind, count) for i, (kind, count) in enumerate(totals)]
    assert level_from_totals(totals, window) == activity_level(rows, TODAY, window).level


def test_level_from_totals_checks_the_window() -> None:
    with pytest.raises(ValidationError):
        level_from_totals([("visit", 3)], 0)


# --- behaviour box -----------------------------------------------------------------------------


def test_behaviour_box() -> None:
    counts = [
        DailyCounts(days_ago(0), "product_view", 4),
        DailyCounts(days_ago(10), "product_view", 6),
        DailyCounts(days_ago(95), "product_view", 100),  # outside
        DailyCounts(days_ago(3), "inquiry", 2),
        DailyCounts(days_ago(3), "rfq", 1),
        DailyCounts(days_ago(3), "login", 5),  # five logins on one day: one login day
        DailyCounts(days_ago(4), "login", 1),
        DailyCounts(days_ago(89), "login", 1),
        DailyCounts(days_ago(90), "login", 1),  # outside
        DailyCounts(days_ago(2), "junk", 1),
        DailyCounts(days_ago(2), "blacklist", 2),
        DailyCounts(days_ago(2), "login", 0),  # not a login day
    ]
    b = behaviour(counts, TODAY, replies=2)
    assert b.product_views == 10
    assert b.valid_inquiries == 2
    assert b.replies == 2
    assert b.valid_rfqs == 1
    assert b.login_days == 3
    assert b.junk_inquiries == 1
    assert b.times_blacklisted == 2


def test_behaviour_empty_and_window() -> None:
    b = behaviour([], TODAY)
    assert (b.product_views, b.valid_inquiries, b.replies, b.valid_rfqs, b.login_days) == (0, 0, 0, 0, 0)
    assert behaviour([DailyCounts(days_ago(30), "login", 1)], TODAY, 30).login_days == 0
    assert behaviour([DailyCounts(days_ago(29), "login", 1)], TODAY, 30).login_days == 1


# --- recommendation ------------------------------------------------------------------------------

NOW = datetime(2024, 6, 30, 12, 0, tzinfo=UTC)


def level_of(n: int) -> ActivityLevel:
    return ActivityLevel(n, label_for(n), (), (), 90)


def test_recommended_with_reason() -> None:
    r = recommendation(level_of(72), 5, NOW - timedelta(days=45), NOW, intent_term="led panel")
    assert r is not None
    assert r.reason == "High activity (72); searched 'led panel' 5 times; no contact for 45 days"
    assert 0 < r.score <= 100


def test_recommended_never_contacted_and_generic_interest() -> None:
    r = recommendation(level_of(80), 1, None, NOW)
    assert r is not None
    assert r.reason == "Very high activity (80); searched or viewed our products once; never contacted"


@pytest.mark.parametrize(
    ("level", "hits", "contact_days_ago"),
    [(49, 5, None), (72, 0, None), (72, 5, 29), (72, 5, 0)],
)
def test_not_recommended(level: int, hits: int, contact_days_ago: int | None) -> None:
    last = None if contact_days_ago is None else NOW - timedelta(days=contact_days_ago)
    assert recommendation(level_of(level), hits, last, NOW) is None


def test_thirty_day_quiet_edge_and_naive_datetimes() -> None:
    assert recommendation(level_of(60), 2, NOW - timedelta(days=30), NOW) is not None
    assert recommendation(level_of(60), 2, NOW - timedelta(days=30) + timedelta(seconds=1), NOW) is None
    naive_last = (NOW - timedelta(days=40)).replace(tzinfo=None)
    assert recommendation(level_of(60), 2, naive_last, NOW) is not None


def test_score_orders_by_activity_and_interest() -> None:
    low = recommendation(level_of(55), 1, None, NOW)
    high = recommendation(level_of(90), 8, None, NOW)
    assert low is not None and high is not None and high.score > low.score


def test_intent_term_is_made_safe() -> None:
    r = recommendation(level_of(60), 2, None, NOW, intent_term="led\x1b]0;pwned\x07\npanel" + "x" * 100)
    assert r is not None
    assert "\x1b" not in r.reason and "\n" not in r.reason and "\x07" not in r.reason
    assert "…" in r.reason


@given(st.integers(0, 100), st.integers(-3, 200))
def test_property_score_alone_is_the_recommendations_score(level: int, hits: int) -> None:
    """The rollup's score (contact aside) is the score of a recommendation never contacted, or 0 without one."""
    made = recommendation(level_of(level), hits, None, NOW)
    assert recommendation_score(level, hits) == (made.score if made else 0)
