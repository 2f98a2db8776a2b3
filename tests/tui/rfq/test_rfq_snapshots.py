"""Snapshots of the RFQ market and the quote form at 160x48 and 80x24 (sample store, fixed clock, workers awaited)."""

from __future__ import annotations

import pytest

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.rfq.recommend import recommended_rfqs
from inquiry_tui.tui.rfq.quote_form import QuoteFormScreen
from inquiry_tui.tui.rfq.screen import RfqScreen
from tests.conftest import ctx_as
from tests.tui.conftest import settle
from tests.tui.customers.customer_host import ScreenHost

SIZES = {"wide": (160, 48), "small": (80, 24)}


class TestRfqScreens:
    @pytest.mark.parametrize("size", SIZES)
    def test_market(self, snap_compare, store_ctx: Ctx, size: str) -> None:  # type: ignore[no-untyped-def]
        app = ScreenHost(ctx_as(store_ctx, "ana"), RfqScreen)
        assert snap_compare(app, terminal_size=SIZES[size], run_before=settle)

    @pytest.mark.parametrize("size", SIZES)
    def test_quote_form(self, snap_compare, store_ctx: Ctx, size: str) -> None:  # type: ignore[no-untyped-def]
        ana = ctx_as(store_ctx, "ana")
        row = recommended_rfqs(ana, wait_for_activity=False)[0]
        app = ScreenHost(ana, lambda ctx: QuoteFormScreen(ctx, row))
        assert snap_compare(app, terminal_size=SIZES[size], run_before=settle)
