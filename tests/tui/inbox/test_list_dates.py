"""The list's date column: six cells, never a year cut short (2030 was shown as `030-01`)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from inquiry_tui.tui.inbox.inquiry_row import short_time

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_today_this_year_and_another_year() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    assert short_time(datetime(2026, 11, 23, 8, 0, tzinfo=UTC), NOW, zone) == " 16:00"
    assert short_time(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), NOW, zone) == "Mar 02"
    assert short_time(datetime(2030, 1, 15, 8, 0, tzinfo=UTC), NOW, zone) == "Jan'30"
    assert short_time(datetime(2019, 12, 31, 8, 0, tzinfo=UTC), NOW, zone) == "Dec'19"
