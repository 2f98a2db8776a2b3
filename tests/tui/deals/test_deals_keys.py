"""Pilot tests of the deals: keys pressed, then the store checked through the services."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals import lois, orders, templates
from inquiry_tui.services.deals.views import OrderQuery
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.deals.deal_form import DealForm
from inquiry_tui.tui.deals.dialogs import CustomerPickerScreen
from inquiry_tui.tui.deals.loi_editor import LoiEditorScreen
from inquiry_tui.tui.deals.loi_screen import LoiScreen, VersionsScreen
from inquiry_tui.tui.deals.order_screen import OrderScreen
from inquiry_tui.tui.deals.screen import DealsScreen
from inquiry_tui.tui.deals.template_editor import TemplateEditorScreen
from tests.conftest import ctx_as
from tests.tui.conftest import settle, until
from tests.tui.customers.customer_host import ScreenHost
from tests.tui.deals.deal_store import add_orders, add_template, fresh_inquiry

SIZE = (160, 48)


async def test_draft_send_confirm_order_and_ship_by_keyboard(store_ctx: Ctx) -> None:
    inquiry = fresh_inquiry(store_ctx)
    ana = ctx_as(store_ctx, "ana")
    app = InquiryApp(ana)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.inquiry_list.current.id == inquiry  # type: ignore[attr-defined]
        await pilot.press("L")
        await until(pilot, lambda: isinstance(app.screen, LoiEditorScreen) and app.screen.ready, "the LOI editor")
        form = app.screen.query_one(DealForm)
        assert form.data()["lines"][0]["quantity"] == "500"  # pre-filled from the inquiry's terms
        assert app.focused is not None and "line-price" in app.focused.classes
        await pilot.press("1", "2", ".", "5", "0")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, LoiScreen), "the LOI saved and shown")
        loi_id = app.screen.loi_id  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("s")
        await until(pilot, lambda: lois.loi_detail(ana, loi_id).status == "sent", "LOI sent")
        await settle(pilot)
        # a sent LOI is still editable: the editor opens with the first price focused, the edit is a new version
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, LoiEditorScreen) and app.screen.ready, "the LOI edited")
        await settle(pilot)
        assert app.focused is not None and "line-price" in app.focused.classes
        await pilot.press(*["backspace"] * 5, "1", "1", ".", "9", "0", "ctrl+s")
        await until(pilot, lambda: lois.loi_detail(ana, loi_id).version == 3, "the edit saved")
        await until(pilot, lambda: isinstance(app.screen, LoiScreen), "back on the LOI")
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, VersionsScreen) and len(app.screen.versions) == 3, "versions")
        await settle(pilot)
        shown = str(app.screen.query_one("#versions-text", Static).content)  # the newest version, as the document reads
        assert "Changed since version 2:\n- 1  FL-100W" in shown and "+ 1  FL-100W" in shown and "11.90" in shown
        assert f"LETTER OF INTENT — LOI {loi_id}, version 3" in shown and '"lines"' not in shown
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("c")
        await until(pilot, lambda: lois.loi_detail(ana, loi_id).status == "confirmed", "LOI confirmed")
        await settle(pilot)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, OrderScreen), "the order screen")
        await settle(pilot)
        await pilot.press("m")
        await until(pilot, lambda: orders.order_detail(ana, app.screen.order_id).status == "paid", "paid")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("m")
        await until(pilot, lambda: orders.order_detail(ana, app.screen.order_id).status == "shipped", "shipped")  # type: ignore[attr-defined]
        await settle(pilot)
    view = lois.loi_detail(ana, loi_id)
    assert (view.status, view.inquiry_id, str(view.total)) == ("confirmed", inquiry, "5950.00")
    order = orders.order_detail(ana, view.order_number or "")
    assert [e.to_status for e in order.events] == ["confirmed", "paid", "shipped"]


async def test_a_bad_price_is_named_under_the_form_and_nothing_is_saved(store_ctx: Ctx) -> None:
    inquiry = fresh_inquiry(store_ctx)
    ana = ctx_as(store_ctx, "ana")
    app = InquiryApp(ana)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(LoiEditorScreen(ana, inquiry_id=inquiry))
        await until(pilot, lambda: isinstance(app.screen, LoiEditorScreen) and app.screen.ready, "the LOI editor")
        await pilot.press("1", "2", ".", "5", "0", "1")
        await pilot.press("ctrl+s")
        await until(
            pilot, lambda: "has more than 2 decimals" in str(app.screen.query_one("#f-error").render()), "the error"
        )
        assert "lines[1].unit_price" in str(app.screen.query_one("#f-error").render())
        assert isinstance(app.screen, LoiEditorScreen)
    assert lois.list_lois(ana) == []


async def test_make_edit_copy_and_delete_a_template_by_keyboard(store_ctx: Ctx) -> None:
    ana = ctx_as(store_ctx, "ana")
    app = InquiryApp(ana)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, DealsScreen)
        await pilot.press("T")
        await settle(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, TemplateEditorScreen), "the template editor")
        await pilot.press(*"CIF Europe")
        app.screen.query_one("#f-incoterm", Input).value = "CIF"
        app.screen.query_one("#f-currency", Input).value = "EUR"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, DealsScreen), "back on the list")
        await until(pilot, lambda: len(app.screen.query_one("#template-list").rows) == 1, "the template listed")  # type: ignore[attr-defined]
        await pilot.press("c")
        await until(pilot, lambda: len(templates.list_templates(ana)) == 2, "the copy")
        await settle(pilot)
        await pilot.press("d", "y")
        await until(pilot, lambda: len(templates.list_templates(ana)) == 1, "the delete")
    assert [(t.name, t.doc.currency, t.doc.shipping.incoterm) for t in templates.list_templates(ana)] == [
        ("CIF Europe (copy)", "EUR", "CIF")
    ]


async def test_filter_the_orders_by_status(store_ctx: Ctx, tmp_path: Path) -> None:
    fresh_inquiry(store_ctx)
    add_orders(store_ctx, tmp_path)
    add_template(store_ctx)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DealsScreen)
        listing = screen.query_one("#order-list")
        assert len(listing.rows) == 12  # type: ignore[attr-defined]
        await pilot.press("f")
        await settle(pilot)
        from textual.widgets import Select

        app.screen.query_one("#of-status", Select).value = "shipped"
        await pilot.press("ctrl+s")
        await until(
            pilot,
            lambda: screen.order_query.status == "shipped" and screen.totals is not None and screen.totals.orders == 2,
            "filtered",
        )
        assert {r.status for r in listing.rows} == {"shipped"}  # type: ignore[attr-defined]
    assert orders.order_totals(store_ctx, OrderQuery(status="shipped")).orders == 2


async def test_an_loi_for_a_customer_picked_by_search_typed_line_by_line(store_ctx: Ctx) -> None:
    fresh_inquiry(store_ctx)  # Hans Müller, a customer of ana
    ana = ctx_as(store_ctx, "ana")
    app = InquiryApp(ana)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, CustomerPickerScreen), "the customer picker")
        await pilot.press(*"mueller.example")
        await until(pilot, lambda: [r.email for r in app.screen.rows] == ["hans@mueller.example"], "Hans found")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LoiEditorScreen) and app.screen.ready, "the LOI editor")
        await settle(pilot)
        assert app.focused is not None and "line-sku" in app.focused.classes  # a blank line starts at its SKU
        await pilot.press(*"FL-100W", "tab", *"Flood", "tab", "1", "0", "tab", "tab", *"12.50", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, LoiScreen), "the LOI saved and shown")
    (row,) = lois.list_lois(ana)
    view = lois.loi_detail(ana, row.id)
    assert (view.buyer.email, view.inquiry_id, view.status, str(view.total)) == (
        "hans@mueller.example",
        None,
        "draft",
        "125.00",
    )


async def test_a_new_loi_opens_on_the_first_lines_price_with_the_forms_keys(store_ctx: Ctx) -> None:
    """The product lines are mounted anew when the draft arrives: the focus goes to the new first line's price
    (a field of the lines they replaced would be gone at once, and the focus with it), and the footer offers the
    form's keys."""
    inquiry = fresh_inquiry(store_ctx)
    add_template(store_ctx)
    app = ScreenHost(ctx_as(store_ctx, "ana"), lambda ctx: LoiEditorScreen(ctx, inquiry_id=inquiry))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        focused = app.focused
        assert isinstance(focused, Input) and focused.name == "unit_price" and focused.is_attached, focused
        keys = [k.description for k in app.screen.query_one(KeysFooter).placed]
        assert keys[:2] == ["Add line", "Remove line"], keys
