"""The Deals follow the reader's clock (issue 13, item 8): an order placed at 23:30 UTC on 30 November is
December's for a reader in UTC+8 and November's for one in UTC: in the period filters (whole months, days,
open-ended), in the number made then and in the document's date. The bounds are computed once, in Python."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals import orders
from inquiry_tui.services.deals.views import OrderQuery
from inquiry_tui.services.team.zone import set_zone
from tests.admin_helpers import at
from tests.conftest import ctx_as
from tests.deal_helpers import confirmed_loi, customer_with_inquiry

LATE = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # the last day of November, late in the evening in UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")  # UTC+8: already 1 December, 07:30


def test_the_bounds_are_the_readers_midnights_in_utc() -> None:
    assert orders.period("2026-12", "2026-12", SHANGHAI) == (
        datetime(2026, 11, 30, 16, tzinfo=UTC),
        datetime(2026, 12, 31, 16, tzinfo=UTC),
    )
    assert orders.period("2026-12", "2026-12") == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert orders.period("2026-11-30", None, SHANGHAI) == (datetime(2026, 11, 29, 16, tzinfo=UTC), None)
    assert orders.period(None, "2026-02") == (None, datetime(2026, 3, 1, tzinfo=UTC))  # a whole month, to its end
    assert orders.period(None, None, SHANGHAI) == (None, None)
    berlin = ZoneInfo("Europe/Berlin")  # the month a clock change falls in: its own midnights (UTC+2, then +1)
    assert orders.period("2026-10", "2026-10", berlin) == (
        datetime(2026, 9, 30, 22, tzinfo=UTC),
        datetime(2026, 10, 31, 23, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("2026-13", None, "since: '2026-13' is not a month (YYYY-MM)"),
        (None, "soon", "until: 'soon' is not a date (YYYY-MM-DD) or a month (YYYY-MM)"),
        ("1800-01", None, "since: '1800-01' is outside the years 1900 to 2999"),
    ],
)
def test_a_bad_period_is_one_line_naming_the_field(since: str | None, until: str | None, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        orders.period(since, until, SHANGHAI)
    assert str(caught.value) == message


def test_an_order_late_on_the_last_day_of_a_month(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    _, inquiry = customer_with_inquiry(admin_ctx)
    loi = confirmed_loi(ana, inquiry)
    set_zone(ana, "ana", "Asia/Shanghai")
    order = orders.order_from_loi(at(ana, LATE), loi.id)
    assert order.number == f"SO-20261201-{loi.id}"  # the day ana's screen shows for it
    assert "Date: 2026-12-01" in orders.order_text(ana, order.id)
    for zone, month, other in ((SHANGHAI, "2026-12", "2026-11"), (UTC, "2026-11", "2026-12")):
        since, until = orders.period(month, month, zone)
        inside = OrderQuery(since=since, until=until)
        assert [r.id for r in orders.order_page(ana, inside).rows] == [order.id]
        assert orders.order_totals(ana, inside).orders == 1  # the totals' day and month sums agree with the list
        since, until = orders.period(other, other, zone)
        outside = OrderQuery(since=since, until=until)
        assert orders.order_page(ana, outside).rows == ()
        assert orders.order_totals(ana, outside).orders == 0
        day = "2026-12-01" if zone is SHANGHAI else "2026-11-30"
        since, until = orders.period(day, day, zone)
        assert orders.order_totals(ana, OrderQuery(since=since, until=until)).orders == 1
    set_zone(ana, "ana", "UTC")
    assert "Date: 2026-11-30" in orders.order_text(ana, order.id)  # the reader's day, UTC now
    assert orders.order_detail(ana, order.id).number == f"SO-20261201-{loi.id}"  # a number, once made, stays
