"""`?` help and the palette list every key of the deals' screens; hostile buyer text stays literal."""

from __future__ import annotations

from pathlib import Path

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals import lois
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.deals.loi_screen import LoiScreen
from inquiry_tui.tui.deals.order_screen import OrderScreen
from tests.conftest import ctx_as
from tests.deal_helpers import LINE
from tests.tui.common.test_keys_everywhere import check_here
from tests.tui.conftest import HOSTILE, HOSTILE_TEXT, add_hostile_inquiry, settle, until
from tests.tui.deals.deal_store import add_orders, fresh_inquiry


async def test_every_key_of_the_deals_is_in_the_help_and_the_palette(store_ctx: Ctx, tmp_path: Path) -> None:
    fresh_inquiry(store_ctx)
    add_orders(store_ctx, tmp_path)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await check_here(pilot, admin=True, where="deals: orders")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, OrderScreen), "an order")
        await check_here(pilot, admin=True, where="an order")


async def test_hostile_buyer_text_is_literal_on_the_loi(store_ctx: Ctx) -> None:
    inquiry = add_hostile_inquiry(store_ctx)
    ana = ctx_as(store_ctx, "ana")
    view = lois.draft_loi(ana, inquiry_id=inquiry, data={"lines": [LINE], "terms": HOSTILE_TEXT})
    app = InquiryApp(ana)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.push_screen(LoiScreen(ana, view.id))
        await until(pilot, lambda: isinstance(app.screen, LoiScreen) and app.screen.view is not None, "the LOI")
        await check_here(pilot, admin=False, where="an LOI")
        shown = str(app.screen.query_one("#loi-text").render()) + str(app.screen.query_one("#loi-head").render())
        assert "[@click=app.quit]x[/]" in shown and "[link='https://evil.example']Pay[/link]" in shown
        assert not any(c in shown for c in ("\x1b", "\x9b", "\x00", "\u202e", "\u200b"))
        assert app.is_running and HOSTILE
