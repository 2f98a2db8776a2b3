"""The Deals screen on the reader's clock (issue 13, item 8): an order placed at 23:30 UTC on 30 November shows
and filters in December for a reader in UTC+8 and in November for one in UTC (Pilot: keys, then what is shown)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from textual.widgets import Input, Static

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals import orders
from inquiry_tui.services.team.zone import set_zone
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.deals.dialogs import OrderFilterScreen
from inquiry_tui.tui.deals.screen import DealsScreen, order_cells
from tests.admin_helpers import at
from tests.conftest import ctx_as
from tests.deal_helpers import confirmed_loi
from tests.tui.conftest import settle, until
from tests.tui.deals.deal_store import fresh_inquiry

LATE = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "shown", "month", "other"),
    [("Asia/Shanghai", "2026-12-01", "2026-12", "2026-11"), ("UTC", "2026-11-30", "2026-11", "2026-12")],
)
async def test_an_order_late_on_the_last_day_shows_and_filters_in_the_readers_month(
    store_ctx: Ctx, zone: str, shown: str, month: str, other: str
) -> None:
    ana = ctx_as(store_ctx, "ana")
    loi = confirmed_loi(ana, fresh_inquiry(store_ctx))
    order = orders.order_from_loi(at(ana, LATE), loi.id)
    set_zone(ana, "ana", zone)
    app = InquiryApp(ana)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DealsScreen)
        assert f"times in {zone}" in screen.sub_title
        listing = screen.query_one("#order-list")
        late = next(r for r in listing.rows if r.id == order.id)  # type: ignore[attr-defined]
        assert order_cells(late)[1] == shown

        for period, expect in ((month, True), (other, False)):
            await pilot.press("f")
            await until(pilot, lambda: isinstance(app.screen, OrderFilterScreen), "the filter dialog")
            app.screen.query_one("#of-since", Input).value = period
            app.screen.query_one("#of-until", Input).value = period
            await pilot.press("ctrl+s")
            # the status names the period once its totals are in (after its first page)
            await until(pilot, lambda p=period: f"placed {p}" in status(screen), f"filtered to {period}")  # type: ignore[misc]
            await settle(pilot)
            ids = [r.id for r in listing.rows]  # type: ignore[attr-defined]
            assert (order.id in ids) is expect
            assert all(order_cells(r)[1].startswith(period) for r in listing.rows)  # type: ignore[attr-defined]


def status(screen: DealsScreen) -> str:
    return str(screen.query_one("#deals-status", Static).content)
