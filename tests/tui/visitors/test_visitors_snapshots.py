"""Snapshots of the Visitors screen at 160x48 and 80x24 (sample store, fixed clock, workers awaited)."""

from __future__ import annotations

import pytest

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.visitors.screen import VisitorsScreen
from tests.conftest import ctx_as
from tests.tui.conftest import settle
from tests.tui.customers.customer_host import ScreenHost

SIZES = {"wide": (160, 48), "small": (80, 24)}


class TestVisitorsScreen:
    @pytest.mark.parametrize("size", SIZES)
    def test_visitors(self, snap_compare, store_ctx: Ctx, size: str) -> None:  # type: ignore[no-untyped-def]
        app = ScreenHost(ctx_as(store_ctx, "ana"), VisitorsScreen)
        assert snap_compare(app, terminal_size=SIZES[size], run_before=settle)
