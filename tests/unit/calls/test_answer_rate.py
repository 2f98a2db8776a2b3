"""The call answer rate at its edges (the 30-day window, the 24 hours to confirm) and the call windows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain.calls import CONFIRM_WITHIN, AnswerFigures, CallFacts, Outcome, answer_rate, in_call_windows
from inquiry_tui.domain.settings import CallSettings, ReceptionSettings, TimeWindow

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
DAY = timedelta(days=1)


def call(at: datetime, outcome: Outcome, decided: datetime | None = None, owner: str = "ana") -> CallFacts:
    return CallFacts(owner, at, outcome, decided)


def test_the_window_is_the_30_days_before_now_open_at_its_start() -> None:
    calls = [
        call(NOW - 30 * DAY, Outcome.ANSWERED),  # exactly 30 days ago: outside
        call(NOW - 30 * DAY + timedelta(microseconds=1), Outcome.MISSED),  # just inside
        call(NOW, Outcome.ANSWERED),  # now: inside
        call(NOW + timedelta(seconds=1), Outcome.ANSWERED),  # the future: outside
    ]
    assert answer_rate(calls, NOW) == AnswerFigures(answered=1, counted=2, pending=0, rate=0.5)


def test_appointments_count_by_their_24_hours() -> None:
    asked = NOW - 2 * DAY
    calls = [
        call(asked, Outcome.CONFIRMED, asked + CONFIRM_WITHIN),  # confirmed at the last moment: answered
        call(asked, Outcome.CONFIRMED, asked + CONFIRM_WITHIN + timedelta(seconds=1)),  # late: not answered
        call(asked, Outcome.DECLINED, asked + timedelta(hours=1)),  # declined: not answered
        call(NOW - CONFIRM_WITHIN + timedelta(seconds=1), Outcome.PENDING),  # still inside its 24 h: pending
        call(NOW - CONFIRM_WITHIN, Outcome.PENDING),  # its 24 h ran out: not answered
    ]
    assert answer_rate(calls, NOW) == AnswerFigures(answered=1, counted=4, pending=1, rate=0.25)
    assert answer_rate([], NOW).rate is None and not answer_rate([], NOW).below(80)
    assert AnswerFigures(3, 4, 0, 0.75).below(80) and not AnswerFigures(4, 5, 0, 0.8).below(80)


@given(st.lists(st.tuples(st.integers(-40 * 24 * 60, 24 * 60), st.sampled_from(list(Outcome))), max_size=30))
def test_the_rate_is_answered_over_counted_within_bounds(spec: list[tuple[int, Outcome]]) -> None:
    calls = [call(NOW + timedelta(minutes=m), o, NOW + timedelta(minutes=m + 5)) for m, o in spec]
    f = answer_rate(calls, NOW)
    inside = [c for c in calls if NOW - 30 * DAY < c.requested_at <= NOW]
    assert f.counted + f.pending == len(inside)
    assert 0 <= f.answered <= f.counted
    assert f.rate == (f.answered / f.counted if f.counted else None)


def test_call_windows_follow_the_company_time_zone_and_holidays() -> None:
    reception = ReceptionSettings(timezone="Asia/Shanghai", holidays=(datetime(2026, 11, 24).date(),))
    calls = CallSettings(windows=(TimeWindow("workday", time(9), time(18)), TimeWindow("holiday", time(10), time(12))))
    monday = datetime(2026, 11, 23, tzinfo=UTC)  # 08:00 in Shanghai is 00:00 UTC
    assert not in_call_windows(calls, reception, monday + timedelta(hours=0, minutes=59))  # 08:59 local
    assert in_call_windows(calls, reception, monday + timedelta(hours=1))  # 09:00 local: in
    assert in_call_windows(calls, reception, monday + timedelta(hours=9, minutes=59))  # 17:59 local
    assert not in_call_windows(calls, reception, monday + timedelta(hours=10))  # 18:00 local: out
    tuesday_holiday = monday + DAY
    assert not in_call_windows(calls, reception, tuesday_holiday + timedelta(hours=1))  # 09:00 on a holiday
    assert in_call_windows(calls, reception, tuesday_holiday + timedelta(hours=2))  # 10:00 holiday window
    assert in_call_windows(replace(calls, windows=()), reception, monday)  # no windows: any time
