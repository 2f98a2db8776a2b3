"""Pilot tests of the Customers screen: keys pressed, then the STORE checked through services."""

from __future__ import annotations

from textual.widgets import Input, Static

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.input import CustomerInput
from inquiry_tui.services.customers.listing import CustomerQuery, count_customers
from inquiry_tui.services.customers.manage import add_customer, buyer_id_by_email, customer_draft, set_customer_tags
from inquiry_tui.services.customers.profile import buyer_profile
from inquiry_tui.tui.customers.customer_list import CustomerList
from inquiry_tui.tui.customers.form import CustomerFormScreen
from inquiry_tui.tui.customers.screen import CustomersScreen
from tests.conftest import ctx_as
from tests.tui.conftest import settle, until
from tests.tui.customers.customer_host import ScreenHost

SIZE = (160, 48)


def customers_app(ctx: Ctx) -> ScreenHost:
    return ScreenHost(ctx, CustomersScreen)


async def type_into(pilot, selector: str, text: str) -> None:  # type: ignore[no-untyped-def]
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)


def error_of(app, name: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(f"#e-{name}", Static).render())


async def test_add_by_hand_with_bad_input_saves_nothing(store_ctx: Ctx) -> None:
    ana = ctx_as(store_ctx, "ana")
    before = count_customers(ana, CustomerQuery())
    app = customers_app(ana)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormScreen)
        await type_into(pilot, "#f-email", "not an email")
        await type_into(pilot, "#f-country", "QQ")
        await type_into(pilot, "#f-stars", "9")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormScreen)
        assert "not an e-mail address" in error_of(app, "email")
        assert "ISO 3166-1" in error_of(app, "country")
        assert "outside 0 to 5" in error_of(app, "stars")
        assert count_customers(ana, CustomerQuery()) == before
        await type_into(pilot, "#f-email", "new.buyer@example.com")
        await type_into(pilot, "#f-name", "New Buyer")
        await type_into(pilot, "#f-country", "de")
        await type_into(pilot, "#f-stars", "4")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
    profile = buyer_profile(ana, buyer_id_by_email(ana, "new.buyer@example.com"))
    assert (profile.country, profile.tags.stars, profile.owner_login, profile.is_customer) == ("DE", 4, "ana", True)
    assert count_customers(ana, CustomerQuery()) == before + 1


async def test_add_from_inquiry(store_ctx: Ctx) -> None:
    ana = ctx_as(store_ctx, "ana")
    with ana.read() as session:
        inquiry_id, buyer_id = (
            session.connection()
            .exec_driver_sql(
                "SELECT i.id, b.id FROM inquiry i JOIN buyer b ON b.id = i.buyer_id "
                "WHERE i.owner_id = ? AND b.is_customer = 0 ORDER BY i.id LIMIT 1",
                (ana.actor.id,),
            )
            .one()
        )
    app = ScreenHost(ana, lambda ctx: CustomerFormScreen(ctx, inquiry_id=inquiry_id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        email = app.screen.query_one("#f-email", Input)
        assert email.disabled and email.value == buyer_profile(ana, buyer_id).email
        assert app.screen.query_one("#f-source", Input).value == "inquiry"
        await type_into(pilot, "#f-tags", "from inbox")
        await pilot.press("ctrl+s")
        await settle(pilot)
    profile = buyer_profile(ana, buyer_id)
    assert profile.is_customer and profile.tags.source == "inquiry" and profile.tags.free == ("from inbox",)


async def test_tag_edit_in_place(store_ctx: Ctx) -> None:
    app = customers_app(store_ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = app.screen.query_one(CustomerList).current
        assert row is not None
        await pilot.press("t")
        await settle(pilot)
        await type_into(pilot, "#t-group", "Key accounts")
        await type_into(pilot, "#t-stars", "5")
        await type_into(pilot, "#t-tags", "vip, solar")
        await pilot.press("enter")
        await settle(pilot)
        shown = app.screen.query_one(CustomerList).current
        assert shown is not None and shown.tags == ("solar", "vip")
    tags = buyer_profile(store_ctx, row.buyer_id).tags
    assert (tags.group, tags.stars, tags.free) == ("Key accounts", 5, ("solar", "vip"))


async def test_search_and_filter(store_ctx: Ctx) -> None:
    target = add_customer(
        store_ctx, CustomerInput("zed.unique@filter-test.example", name="Zed Unique", company="Filterco")
    )
    set_customer_tags(
        store_ctx, target.buyer_id, target.version, group="Test", type="", source="manual", stars=3, tags="needle"
    )
    app = customers_app(store_ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(CustomerList)
        assert listing.total > 100
        await pilot.press("slash", *"filterco")
        await until(pilot, lambda: app.screen.query_state.search == "filterco", "the search runs once typing pauses")
        assert [r.email for r in listing.rows] == ["zed.unique@filter-test.example"]
        await pilot.press("escape")
        app.screen.query_one("#customer-search", Input).value = ""
        await until(pilot, lambda: app.screen.query_state.search == "", "the cleared search runs")
        assert listing.total > 100
        await pilot.press("f")
        await settle(pilot)
        await type_into(pilot, "#filter-tags", "needle")
        await pilot.press("enter")
        await settle(pilot)
        assert [r.email for r in listing.rows] == ["zed.unique@filter-test.example"]
        assert "tag=needle" in str(app.screen.query_one("#customers-status", Static).render())


async def test_transfer_by_admin(store_ctx: Ctx) -> None:
    app = customers_app(store_ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = app.screen.query_one(CustomerList).current
        assert row is not None
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
    owner = buyer_profile(store_ctx, row.buyer_id).owner_login
    assert owner is not None and owner != row.owner_login


async def test_transfer_refused_for_a_salesperson(store_ctx: Ctx) -> None:
    ana = ctx_as(store_ctx, "ana")
    app = customers_app(ana)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = app.screen.query_one(CustomerList).current
        assert row is not None and row.owner_login == "ana"
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)  # no picker opened
        assert any("Only the admin" in str(n.message) for n in app._notifications)
    assert buyer_profile(store_ctx, row.buyer_id).owner_login == "ana"
    assert customer_draft(ana, buyer_id=row.buyer_id).buyer_id == row.buyer_id


async def test_the_list_fetches_pages_as_you_move(store_ctx: Ctx) -> None:
    total = count_customers(store_ctx, CustomerQuery())
    assert total > 100  # more than the first page
    app = customers_app(store_ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(CustomerList)
        assert listing.total == total  # the scrollbar knows the whole length from the first page on
        await pilot.press("end")
        await settle(pilot)
        assert len(listing.rows) == total and listing.cursor == total - 1
        assert len({r.buyer_id for r in listing.rows}) == total
        await pilot.press("o")  # sort by activity
        await settle(pilot)
        levels = [r.activity for r in listing.rows]
        assert levels == sorted(levels, reverse=True)


async def test_profile_pane_folds_when_narrow_and_p_toggles_it(store_ctx: Ctx) -> None:
    from inquiry_tui.tui.customers.profile_pane import ProfilePane

    app = customers_app(ctx_as(store_ctx, "ana"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(ProfilePane)
        assert not pane.display
        await pilot.press("p")
        await settle(pilot)
        assert pane.display
        await pilot.press("p")
        await settle(pilot)
        assert not pane.display
    app = customers_app(ctx_as(store_ctx, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one(ProfilePane).display


async def test_escape_on_a_changed_form_asks_before_discarding(store_ctx: Ctx) -> None:
    from inquiry_tui.tui.common.confirm import ConfirmScreen

    app = customers_app(ctx_as(store_ctx, "ana"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot)
        assert isinstance(app.screen, CustomersScreen)
        await pilot.press("n")
        await settle(pilot)
        await type_into(pilot, "#f-email", "half.typed@example.com")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # asks; `n` keeps the form and what was typed
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormScreen)
        assert app.screen.query_one("#f-email", Input).value == "half.typed@example.com"


async def test_at_80x24_a_refused_save_brings_the_first_bad_field_and_its_note_into_view(store_ctx: Ctx) -> None:
    """Focus on the last field and ctrl+s in one burst of keys (as over SSH): the focus goes back to the first
    field at fault and both it and its note are on screen (the whole form fits in 80x24: nothing scrolls away)."""
    app = customers_app(ctx_as(store_ctx, "ana"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_into(pilot, "#f-email", "not-an-address")
        app.screen.query_one("#f-tags", Input).focus()  # away, at the foot of the form
        await pilot.press("ctrl+s")
        await settle(pilot)
        email = app.screen.query_one("#f-email", Input)
        assert app.focused is email
        assert error_of(app, "email")
        form, note = app.screen.query_one("#form-box"), app.screen.query_one("#e-email", Static)
        assert form.region.contains_region(email.region), (form.region, email.region)
        assert form.region.contains_region(note.region), (form.region, note.region)
