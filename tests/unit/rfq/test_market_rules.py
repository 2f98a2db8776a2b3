"""The RFQ market's pure rules: expiry, status and time left, the quota month in the company's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.rfq.market import LIFETIME, Quota, check_quota, expiry_of, quota_month, status_of, time_left
from inquiry_tui.domain.rfq.quotes import QuoteTerms, money, quote_status, quote_text
from inquiry_tui.domain.vocabulary import QuoteStatus, RfqStatus

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
ZONES = ["Asia/Shanghai", "America/New_York", "Europe/Berlin", "Pacific/Kiritimati", "America/St_Johns", "UTC"]


def test_an_rfq_without_expiry_is_open_fifteen_days() -> None:
    assert expiry_of(NOW, None) == NOW + timedelta(days=15) == NOW + LIFETIME


def test_expiry_before_or_at_posting_is_refused() -> None:
    for expires in (NOW, NOW - timedelta(minutes=1)):
        with pytest.raises(ValidationError, match="not after it was posted"):
            expiry_of(NOW, expires)


def test_status_and_time_left() -> None:
    expires = NOW + timedelta(days=3, hours=5)
    assert status_of(expires, False, NOW) is RfqStatus.OPEN and time_left(expires, NOW) == "3d"
    assert time_left(NOW + timedelta(hours=5, minutes=10), NOW) == "5h"
    assert time_left(NOW + timedelta(seconds=20), NOW) == "1m"
    # Expiry is the first moment it is closed: never quotable at or after it.
    assert status_of(NOW, False, NOW) is RfqStatus.EXPIRED and time_left(NOW, NOW) == "expired"
    assert status_of(expires, True, NOW) is RfqStatus.JUNK


def test_quota_months_follow_the_company_zone_across_the_month_boundary() -> None:
    # 17:00 UTC on 30 November is 01:00 on 1 December in Shanghai (UTC+8): December's quota.
    late = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    shanghai = quota_month(late, "Asia/Shanghai")
    assert shanghai.label == "2026-12"
    assert shanghai.start == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert shanghai.end == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    # The same instant is still November in New York (UTC-5).
    assert quota_month(late, "America/New_York").label == "2026-11"
    # One microsecond before Shanghai's midnight is November.
    assert quota_month(shanghai.start - timedelta(microseconds=1), "Asia/Shanghai").label == "2026-11"
    # December's end rolls into January of the next year.
    assert quota_month(datetime(2026, 12, 31, 12, tzinfo=UTC), "UTC").end == datetime(2027, 1, 1, tzinfo=UTC)


def test_a_month_with_a_daylight_saving_change_is_bounded_by_local_midnights() -> None:
    march = quota_month(datetime(2026, 3, 15, 12, tzinfo=UTC), "America/New_York")
    assert march.start == datetime(2026, 3, 1, 5, tzinfo=UTC)  # EST
    assert march.end == datetime(2026, 4, 1, 4, tzinfo=UTC)  # EDT


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.sampled_from(ZONES),
)
def test_every_instant_falls_in_its_month_which_starts_at_a_local_midnight_on_the_first(
    now: datetime, zone: str
) -> None:
    month = quota_month(now, zone)
    assert month.start <= now < month.end
    local = month.start.astimezone(ZoneInfo(zone))
    assert (local.day, local.hour, local.minute) == (1, 0, 0)
    assert month.label == f"{now.astimezone(ZoneInfo(zone)):%Y-%m}"
    assert quota_month(month.end, zone).start == month.end  # months tile time without gaps


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="not a known time zone"):
        quota_month(NOW, "Mars/Olympus")


def test_over_quota_is_refused_with_the_count() -> None:
    check_quota(Quota("2026-11", 19, 20))
    with pytest.raises(ValidationError, match="20 of 20 quotes sent in 2026-11"):
        check_quota(Quota("2026-11", 20, 20))
    with pytest.raises(ValidationError, match="0 of 0"):
        check_quota(Quota("2026-11", 0, 0))
    assert Quota("2026-11", 3, 20).describe() == "3 of 20 quotes used in 2026-11; 17 left"


def test_quote_text_and_status() -> None:
    from decimal import Decimal

    terms = QuoteTerms(Decimal("6.4"), "USD", 500, 25, "CIF", "DALI driver included.")
    text = quote_text(terms, "pcs")
    assert text.splitlines()[:3] == ["Quotation: 6.40 USD per pcs CIF", "Minimum order: 500 pcs", "Lead time: 25 days"]
    assert text.endswith("DALI driver included.")
    assert quote_text(terms, None, edited=True).startswith("Updated quotation: 6.40 USD per unit")
    assert money(Decimal("1200")) == "1200.00" and money(Decimal("0.125")) == "0.125"
    later = NOW + timedelta(days=1)
    assert quote_status(won_at=None, answered=False, rfq_expires_at=later, now=NOW) is QuoteStatus.SENT
    assert quote_status(won_at=None, answered=True, rfq_expires_at=NOW, now=later) is QuoteStatus.ANSWERED
    assert quote_status(won_at=None, answered=False, rfq_expires_at=NOW, now=later) is QuoteStatus.EXPIRED
    assert quote_status(won_at=NOW, answered=True, rfq_expires_at=NOW, now=later) is QuoteStatus.WON
