"""Smart reception (domain/reception.py): windows, holidays, DST, the 30-day rule, order, due time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain.due import CHAT_RESPONSE_LIMIT, RESPONSE_LIMIT
from inquiry_tui.domain.reception import (
    NO_CONTACT_WINDOW,
    auto_reply_messages,
    due_at,
    is_holiday,
    plan_auto_replies,
    reception_active,
)
from inquiry_tui.domain.settings import END_OF_DAY, FaqEntry, ReceptionSettings, TimeWindow, parse_window

UTC = UTC
US = timedelta(microseconds=1)


def z(y, mo, d, h=0, mi=0, s=0, us=0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us, tzinfo=UTC)


def custom(tz="Asia/Shanghai", windows=("workday 09:00-18:00",), holidays=(), **kw) -> ReceptionSettings:
    return ReceptionSettings(
        mode="custom",
        timezone=tz,
        windows=tuple(parse_window("reception.windows", w) for w in windows),
        holidays=tuple(holidays),
        **kw,
    )


def test_constants():
    assert timedelta(hours=24) == RESPONSE_LIMIT
    assert timedelta(hours=1) == CHAT_RESPONSE_LIMIT
    assert timedelta(days=30) == NO_CONTACT_WINDOW


# --- holidays and modes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "listed", "expected"),
    [
        pytest.param(date(2026, 3, 2), (), False, id="monday"),
        pytest.param(date(2026, 3, 6), (), False, id="friday"),
        pytest.param(date(2026, 3, 7), (), True, id="saturday"),
        pytest.param(date(2026, 3, 8), (), True, id="sunday"),
        pytest.param(date(2026, 10, 1), (date(2026, 10, 1),), True, id="listed-thursday"),
        pytest.param(date(2026, 10, 2), (date(2026, 10, 1),), False, id="day-after-listed"),
    ],
)
def test_is_holiday(day, listed, expected):
    assert is_holiday(ReceptionSettings(holidays=listed), day) is expected


def test_mode_off_and_all_day():
    at = z(2026, 3, 7, 3)  # a Saturday night in Shanghai
    assert (
        reception_active(ReceptionSettings(mode="off", windows=(TimeWindow("holiday", time(0), END_OF_DAY),)), at)
        is False
    )
    assert reception_active(ReceptionSettings(mode="all_day"), at) is True
    assert reception_active(ReceptionSettings(mode="all_day"), z(2026, 3, 2, 12)) is True


def test_custom_without_windows_is_never_active():
    assert reception_active(custom(windows=()), z(2026, 3, 2, 3)) is False


# --- window edges (Asia/Shanghai is UTC+8 all year; 2026-03-02 is a Monday) ------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        pytest.param(z(2026, 3, 2, 0, 59, 59, 999999), False, id="just-before-start"),
        pytest.param(z(2026, 3, 2, 1, 0), True, id="start-inclusive"),
        pytest.param(z(2026, 3, 2, 9, 59, 59, 999999), True, id="just-before-end"),
        pytest.param(z(2026, 3, 2, 10, 0), False, id="end-exclusive"),
        pytest.param(z(2026, 3, 7, 2, 0), False, id="saturday-has-no-workday-window"),
    ],
)
def test_window_edges(at, expected):
    assert reception_active(custom(), at) is expected


def test_window_ending_at_24_00_includes_the_last_instant():
    s = custom(windows=("workday 20:00-24:00",))
    assert s.windows[0].end == END_OF_DAY
    assert reception_active(s, z(2026, 3, 2, 12, 0)) is True  # 20:00 local
    assert reception_active(s, z(2026, 3, 2, 15, 59, 59, 999999)) is True  # 23:59:59.999999 local
    assert reception_active(s, z(2026, 3, 2, 16, 0)) is False  # 00:00 Tuesday local


def test_whole_day_windows_cover_every_instant():
    s = custom(windows=("workday 00:00-24:00", "holiday 00:00-24:00"))
    t = z(2026, 3, 1)
    while t < z(2026, 3, 9):
        assert reception_active(s, t)
        t += timedelta(minutes=7)


def test_holiday_list_and_weekend_use_holiday_windows():
    s = custom(windows=("workday 09:00-18:00", "holiday 10:00-14:00"), holidays=(date(2026, 10, 1),))
    # 2026-10-01 is a Thursday on the holiday list: 09:30 local is outside the holiday window
    assert reception_active(s, z(2026, 10, 1, 1, 30)) is False
    assert reception_active(s, z(2026, 10, 1, 2, 0)) is True  # 10:00 local
    assert reception_active(s, z(2026, 10, 1, 6, 0)) is False  # 14:00 local, end exclusive
    assert reception_active(s, z(2026, 10, 2, 1, 30)) is True  # Friday: workday again
    assert reception_active(s, z(2026, 10, 3, 3, 0)) is True  # Saturday 11:00 local
    assert reception_active(s, z(2026, 10, 3, 1, 30)) is False  # Saturday 09:30 local


def test_local_day_decides_the_kind_not_the_utc_day():
    # Friday 20:00Z is Saturday 04:00 in Shanghai: a holiday
    s = custom(windows=("holiday 00:00-06:00",))
    assert reception_active(s, z(2026, 3, 6, 20, 0)) is True
    assert reception_active(s, z(2026, 3, 5, 20, 0)) is False  # Friday 04:00 local


def test_any_zone_of_the_same_instant_gives_the_same_answer():
    s = custom()
    at = z(2026, 3, 2, 1, 0)
    for tz in ("America/New_York", "Asia/Kolkata", "Pacific/Chatham"):
        assert reception_active(s, at.astimezone(ZoneInfo(tz))) is True


# --- daylight saving (Europe/Berlin: CET UTC+1 in winter, CEST UTC+2 in summer) ---------------

BERLIN = "Europe/Berlin"


@pytest.mark.parametrize(
    ("day", "start_utc", "end_utc"),
    [
        pytest.param(date(2026, 3, 27), 8, 17, id="friday-before-spring-change-winter"),
        pytest.param(date(2026, 3, 30), 7, 16, id="monday-after-spring-change-summer"),
        pytest.param(date(2026, 10, 23), 7, 16, id="friday-before-autumn-change-summer"),
        pytest.param(date(2026, 10, 26), 8, 17, id="monday-after-autumn-change-winter"),
    ],
)
def test_window_follows_dst(day, start_utc, end_utc):
    s = custom(tz=BERLIN)
    y, m, d = day.year, day.month, day.day
    assert reception_active(s, z(y, m, d, start_utc) - US) is False
    assert reception_active(s, z(y, m, d, start_utc)) is True
    assert reception_active(s, z(y, m, d, end_utc) - US) is True
    assert reception_active(s, z(y, m, d, end_utc)) is False


def test_change_days_are_sundays_so_holiday_windows_apply():
    s = custom(tz=BERLIN, windows=("workday 09:00-18:00",))
    assert not reception_active(s, z(2026, 3, 29, 10))
    assert not reception_active(s, z(2026, 10, 25, 10))
    s = custom(tz=BERLIN, windows=("holiday 09:00-18:00",))
    assert reception_active(s, z(2026, 3, 29, 7)) and not reception_active(s, z(2026, 3, 29, 7) - US)  # CEST
    assert reception_active(s, z(2026, 10, 25, 8)) and not reception_active(s, z(2026, 10, 25, 8) - US)  # CET


def test_window_containing_the_skipped_hour():
    # 2026-03-29 02:00 CET jumps to 03:00 CEST at 01:00Z; 01:30-03:30 lasts one real hour
    s = custom(tz=BERLIN, windows=("holiday 01:30-03:30",))
    assert not reception_active(s, z(2026, 3, 29, 0, 29, 59))  # 01:29:59 CET
    assert reception_active(s, z(2026, 3, 29, 0, 30))  # 01:30 CET
    assert reception_active(s, z(2026, 3, 29, 0, 59, 59))  # 01:59:59 CET
    assert reception_active(s, z(2026, 3, 29, 1, 0))  # 03:00 CEST
    assert reception_active(s, z(2026, 3, 29, 1, 29, 59))  # 03:29:59 CEST
    assert not reception_active(s, z(2026, 3, 29, 1, 30))  # 03:30 CEST


def test_window_inside_the_skipped_hour_never_opens():
    s = custom(tz=BERLIN, windows=("holiday 02:00-03:00",))
    t = z(2026, 3, 28, 22)
    while t < z(2026, 3, 29, 22):
        assert not reception_active(s, t), t
        t += timedelta(minutes=1)


def test_window_containing_the_repeated_hour_is_open_twice():
    # 2026-10-25 03:00 CEST falls back to 02:00 CET at 01:00Z; 02:00-03:00 local happens twice
    s = custom(tz=BERLIN, windows=("holiday 02:00-03:00",))
    assert not reception_active(s, z(2026, 10, 24, 23, 59, 59))  # 01:59:59 CEST
    assert reception_active(s, z(2026, 10, 25, 0, 0))  # 02:00 CEST (first pass)
    assert reception_active(s, z(2026, 10, 25, 0, 59, 59))
    assert reception_active(s, z(2026, 10, 25, 1, 0))  # 02:00 CET (second pass)
    assert reception_active(s, z(2026, 10, 25, 1, 59, 59))
    assert not reception_active(s, z(2026, 10, 25, 2, 0))  # 03:00 CET


# --- messages and the 30-day rule ---------------------------------------------------------------

FULL = ReceptionSettings(
    mode="all_day",
    welcome="Welcome to Bright LED!",
    faq=(FaqEntry("MOQ?", "100 pcs"), FaqEntry("Lead time?", "15 days")),
    smart_questions=("Which wattage do you need?", "How many pieces?"),
)


def test_auto_reply_order_welcome_faq_questions():
    assert auto_reply_messages(FULL) == (
        "Welcome to Bright LED!",
        "Q: MOQ?\nA: 100 pcs",
        "Q: Lead time?\nA: 15 days",
        "Which wattage do you need?",
        "How many pieces?",
    )


def test_blank_parts_are_skipped():
    s = ReceptionSettings(mode="all_day", welcome="  ", smart_questions=("", "Size?"))
    assert auto_reply_messages(s) == ("Size?",)
    assert auto_reply_messages(ReceptionSettings()) == ()


AT = z(2026, 5, 4, 3)


@pytest.mark.parametrize(
    ("last", "sends"),
    [
        pytest.param(None, True, id="never-contacted"),
        pytest.param(AT - timedelta(days=31), True, id="31-days-ago"),
        pytest.param(AT - NO_CONTACT_WINDOW, True, id="exactly-30-days-ago-is-outside"),
        pytest.param(AT - NO_CONTACT_WINDOW + US, False, id="just-inside-30-days"),
        pytest.param(AT - timedelta(days=29), False, id="29-days-ago"),
        pytest.param(AT - timedelta(minutes=5), False, id="minutes-ago"),
        pytest.param(AT, False, id="same-instant"),
        pytest.param(AT + timedelta(hours=1), False, id="later-contact-out-of-order-import"),
    ],
)
def test_thirty_day_rule(last, sends):
    # last_contact_at is the latest message in either direction: the rule does not care which
    out = plan_auto_replies(FULL, AT, last)
    assert out == (auto_reply_messages(FULL) if sends else ())


def test_thirty_day_rule_in_another_zone_compares_instants():
    last = (AT - NO_CONTACT_WINDOW).astimezone(ZoneInfo("America/Los_Angeles"))
    assert plan_auto_replies(FULL, AT, last) != ()
    assert plan_auto_replies(FULL, AT, last + US) == ()


def test_thirty_days_are_real_days_across_dst():
    # at is given in Berlin summer time; 30 days earlier Berlin was on winter time
    at = datetime(2026, 4, 10, 12, 0, tzinfo=ZoneInfo(BERLIN))  # 10:00Z
    boundary = z(2026, 3, 11, 10, 0)  # exactly 30 x 24 h earlier
    assert plan_auto_replies(FULL, at, boundary) != ()
    assert plan_auto_replies(FULL, at, boundary + US) == ()


def test_no_auto_reply_when_reception_inactive():
    s = custom(welcome="hi")
    assert plan_auto_replies(s, z(2026, 3, 2, 1, 0), None) == ("hi",)
    assert plan_auto_replies(s, z(2026, 3, 2, 10, 0), None) == ()
    assert plan_auto_replies(ReceptionSettings(mode="off", welcome="hi"), AT, None) == ()


def test_nothing_configured_sends_nothing():
    assert plan_auto_replies(ReceptionSettings(mode="all_day"), AT, None) == ()


# --- due time and naive datetimes ----------------------------------------------------------------


@pytest.mark.parametrize("channel", ["inquiry", "tm", "email", "rfq"])
def test_due_24h_after_arrival_for_every_channel(channel):
    at = datetime(2026, 5, 4, 9, 30, tzinfo=ZoneInfo(BERLIN))
    assert due_at(at, channel) == z(2026, 5, 5, 7, 30)
    assert due_at(at, channel).tzinfo is UTC


def test_due_at_is_24_real_hours_across_dst():
    # Saturday 12:00 CET + 24 h is Sunday 13:00 CEST, not 12:00 (which is only 23 h later)
    at = datetime(2026, 3, 28, 12, 0, tzinfo=ZoneInfo(BERLIN))
    assert due_at(at, "inquiry") == z(2026, 3, 29, 11)
    assert due_at(at, "inquiry").astimezone(ZoneInfo(BERLIN)).hour == 13


def test_due_at_rejects_unknown_channel():
    with pytest.raises(ValueError, match="channel"):
        due_at(AT, "fax")


NAIVE = datetime(2026, 3, 2, 9, 0)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: reception_active(FULL, NAIVE), id="reception_active"),
        pytest.param(lambda: plan_auto_replies(FULL, NAIVE, None), id="plan-at"),
        pytest.param(lambda: plan_auto_replies(FULL, AT, NAIVE), id="plan-last-contact"),
        pytest.param(lambda: due_at(NAIVE, "inquiry"), id="due_at"),
        pytest.param(lambda: reception_active(ReceptionSettings(mode="off"), NAIVE), id="even-when-off"),
    ],
)
def test_naive_datetimes_are_rejected(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


# --- properties ---------------------------------------------------------------------------------

instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))
zones = st.sampled_from(["Europe/Berlin", "Asia/Shanghai", "America/New_York", "Australia/Lord_Howe", "UTC"])


@given(instants, zones)
def test_all_day_is_always_on_and_off_always_off(at, tz):
    assert reception_active(ReceptionSettings(mode="all_day", timezone=tz), at)
    assert not reception_active(ReceptionSettings(mode="off", timezone=tz), at)


@given(instants, zones, zones)
def test_answer_depends_only_on_the_instant(at, tz, view):
    s = custom(tz=tz, windows=("workday 09:00-18:00", "holiday 10:00-14:00"), holidays=(date(2026, 1, 1),))
    assert reception_active(s, at) == reception_active(s, at.astimezone(ZoneInfo(view)))


@given(instants, zones)
def test_active_iff_local_clock_in_a_window_of_the_day_kind(at, tz):
    s = custom(tz=tz, windows=("workday 09:00-18:00", "holiday 10:00-14:00"))
    local = at.astimezone(ZoneInfo(tz))
    weekend = local.weekday() >= 5
    lo, hi = (time(10), time(14)) if weekend else (time(9), time(18))
    assert reception_active(s, at) == (lo <= local.time() < hi)
