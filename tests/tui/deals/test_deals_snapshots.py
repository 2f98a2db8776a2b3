"""Snapshots of the deals: the orders list, the LOI editor and the template editor, at 160x48 and 80x24.

The sample store with its fixed clock, a few imported orders and a template; workers awaited
and cursors steady (a blinking cursor would make the picture depend on timing).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.deals.loi_editor import LoiEditorScreen
from inquiry_tui.tui.deals.screen import DealsScreen
from inquiry_tui.tui.deals.template_editor import TemplateEditorScreen
from tests.conftest import ctx_as
from tests.tui.conftest import settle
from tests.tui.customers.customer_host import ScreenHost
from tests.tui.deals.deal_store import add_orders, add_template, fresh_inquiry

SIZES = [(160, 48), (80, 24)]


@pytest.mark.parametrize("size", SIZES, ids=["160x48", "80x24"])
class TestDealsScreens:
    def test_orders_list(self, snap_compare, store_ctx: Ctx, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
        fresh_inquiry(store_ctx)
        add_orders(store_ctx, tmp_path)
        assert snap_compare(ScreenHost(store_ctx, DealsScreen), terminal_size=size, run_before=settle)

    def test_loi_editor(self, snap_compare, store_ctx: Ctx, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
        inquiry = fresh_inquiry(store_ctx)
        add_template(store_ctx)
        app = ScreenHost(ctx_as(store_ctx, "ana"), lambda ctx: LoiEditorScreen(ctx, inquiry_id=inquiry))
        assert snap_compare(app, terminal_size=size, run_before=settle)

    def test_template_editor(self, snap_compare, store_ctx: Ctx, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
        template = add_template(store_ctx)
        app = ScreenHost(ctx_as(store_ctx, "ana"), lambda ctx: TemplateEditorScreen(ctx, template))
        assert snap_compare(app, terminal_size=size, run_before=settle)
