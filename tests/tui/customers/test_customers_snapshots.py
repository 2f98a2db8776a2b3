"""Snapshots of the customer list, the profile screen, the profile pane and the recommendations list.

Pinned terminal size, the sample store with its fixed clock, workers awaited before the shot.
"""

from __future__ import annotations

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.profile import buyer_profile
from inquiry_tui.tui.customers.profile import ProfileScreen
from inquiry_tui.tui.customers.recommendations import RecommendationsScreen
from inquiry_tui.tui.customers.screen import CustomersScreen
from tests.conftest import ctx_as
from tests.tui.conftest import add_hostile_inquiry, settle
from tests.tui.customers.customer_host import PaneHost, ScreenHost

SIZE = (160, 48)


def busiest_customer(ctx: Ctx) -> int:
    with ctx.read() as session:
        return int(
            session.connection()
            .exec_driver_sql(
                "SELECT b.id FROM buyer b JOIN inquiry i ON i.buyer_id = b.id WHERE b.is_customer = 1 "
                "GROUP BY b.id ORDER BY count(*) DESC, b.id LIMIT 1"
            )
            .scalar_one()
        )


class TestCustomerScreens:
    def test_customer_list(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(
            ScreenHost(ctx_as(store_ctx, "ana"), CustomersScreen), terminal_size=SIZE, run_before=settle
        )

    def test_profile_screen(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        buyer_id = busiest_customer(store_ctx)
        app = ScreenHost(store_ctx, lambda ctx: ProfileScreen(ctx, buyer_id))
        assert snap_compare(app, terminal_size=SIZE, run_before=settle)

    def test_recommendations(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(ScreenHost(store_ctx, RecommendationsScreen), terminal_size=SIZE, run_before=settle)


class TestProfilePane:
    def test_pane(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        app = PaneHost(buyer_profile(store_ctx, busiest_customer(store_ctx)))
        assert snap_compare(app, terminal_size=(100, 40))

    def test_pane_with_hostile_buyer_text(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        inquiry_id = add_hostile_inquiry(store_ctx)
        with store_ctx.read() as session:
            buyer_id = (
                session.connection()
                .exec_driver_sql("SELECT buyer_id FROM inquiry WHERE id = ?", (inquiry_id,))
                .scalar_one()
            )
        assert snap_compare(PaneHost(buyer_profile(store_ctx, buyer_id)), terminal_size=(100, 40))

    def test_empty_pane(self, snap_compare) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(PaneHost(None), terminal_size=(100, 20))
