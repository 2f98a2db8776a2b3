"""Admin by keyboard: allocation rules, preview, product and country owners, sections, the refusal.

Every setting is edited with keys, then checked in the store and on the next arrival.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, DataTable, Input, Select, Static, TabbedContent, TabPane

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.catalog import list_products, list_regions
from inquiry_tui.services.setup.settings import get_settings
from inquiry_tui.tui.admin.panel import AdminPanel
from inquiry_tui.tui.admin.rules import AllocationRulesPanel, RotationMembers
from inquiry_tui.tui.admin.screen import AdminScreen
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.confirm import ConfirmScreen
from inquiry_tui.tui.inbox.screen import InboxScreen
from tests.admin_helpers import arrive
from tests.conftest import ctx_as
from tests.tui.admin.admin_pilot import SOON, choose, go_to, open_admin, owner_and_rule, pick_account, preview_shown
from tests.tui.conftest import settle


async def test_allocation_rules_by_keyboard_take_effect_for_the_next_arrival(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_admin(pilot)
        assert app.focused is screen.query_one("#rules-contact")
        await choose(pilot, screen.query_one("#rules-contact", Select), "dora")
        await pilot.press("tab")
        await choose(pilot, screen.query_one("#rules-mode", Select), "region")
        await pilot.press("tab", "space")  # sticky off
        await pilot.press("tab")  # rotation: leave on
        await pilot.press("tab")  # members: ana first; take ana out, move gus to the front
        members = screen.query_one(RotationMembers)
        assert app.focused is members and members.members[0] == "ana"
        await pilot.press("space")
        steps = members.members.index("gus") - (members.highlighted or 0)
        await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), *(["shift+up"] * 5))
        await pilot.press("tab", "space")  # chats follow rules: the sample has it on -> off
        await pilot.press("tab", "space")  # chats follow rotation: off -> on
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved" in str(screen.query_one("#rules-status", Static).render())

    a = get_settings(store_ctx).allocation
    assert (a.company_contact, a.mode, a.sticky, a.rotation) == ("dora", "region", False, True)
    assert a.rotation_members == ("gus", "ben", "chen", "dora", "eric", "fay")
    assert (a.chats_follow_rules, a.rotation_includes_chats) == (False, True)
    # The next arrivals follow the saved rules: region (DE -> ben), the contact for an unowned
    # country (dora), and a chat lands with the main account and rotates to gus, the first member.
    assert owner_and_rule(store_ctx, arrive(store_ctx, SOON, "new1@x.example", country="DE")) == ("ben", "region")
    assert owner_and_rule(store_ctx, arrive(store_ctx, SOON, "new2@x.example", country="JP")) == (
        "dora",
        "company_contact",
    )
    assert owner_and_rule(store_ctx, arrive(store_ctx, SOON, "new3@x.example", channel="tm", country="DE")) == (
        "gus",
        "rotation",
    )


async def test_the_preview_follows_unsaved_edits_and_nothing_is_stored(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_admin(pilot)
        table = screen.query_one("#preview-table", DataTable)
        assert table.row_count == 100
        before = str(screen.query_one("#preview-summary", Static).render())
        assert before.startswith("0 of 100")
        screen.query_one("#rules-sticky", Checkbox).focus()
        await pilot.press("space")
        await choose(pilot, screen.query_one("#rules-mode", Select), "region")
        await preview_shown(pilot)
        after = str(screen.query_one("#preview-summary", Static).render())
        assert not after.startswith("0 of 100") and "would go to someone else" in after
        assert "Unsaved changes" in str(screen.query_one("#rules-status", Static).render())
        await pilot.press("ctrl+z")  # revert
        await settle(pilot)
        assert screen.query_one("#rules-mode", Select).value == "product"
    assert get_settings(store_ctx).allocation.mode == "product"


async def test_product_owner_one_at_a_time_and_by_category(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_admin(pilot)
        await go_to(pilot, "products")
        table = app.screen.query_one("#products-table", DataTable)
        assert app.focused is table
        skus = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        table.move_cursor(row=skus.index("SM-SENSOR"))
        await pilot.press("o")
        await pick_account(pilot, "eric")
        table.move_cursor(row=skus.index("FL-100W"))
        await pilot.press("b")
        await pick_account(pilot, "fay")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
    owners = {p.sku: p.owner for p in list_products(store_ctx)}
    assert owners["SM-SENSOR"] == "eric"
    assert owners["FL-100W"] == owners["FL-200W"] == owners["FL-50W-RGB"] == "fay"
    assert owners["SP-STAD-1000"] == "ana"  # another category is untouched
    # Sticky aside (a new buyer), the next inquiry about the product goes to its new owner.
    assert owner_and_rule(store_ctx, arrive(store_ctx, SOON, "new@x.example", product="SM-SENSOR")) == (
        "eric",
        "product",
    )


async def test_country_owner_searchable_set_and_cleared(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_admin(pilot)
        await go_to(pilot, "countries")
        table = app.screen.query_one("#countries-table", DataTable)
        assert table.row_count > 240  # every ISO country
        await pilot.press("slash")
        await pilot.press(*"japan", "enter")
        await settle(pilot)
        assert table.row_count == 1 and app.focused is table
        await pilot.press("o")
        await pick_account(pilot, "chen")
        search = app.screen.query_one("#countries-search", Input)
        search.value = ""
        await pilot.press("slash", *"ben", "enter")  # owners can be searched too
        await settle(pilot)
        shown = {str(table.get_row_at(i)[0]) for i in range(table.row_count)}
        assert shown == {"DE", "FR", "IT", "ES", "NL", "PL", "GB", "SE", "BJ"}  # ben's, and Benin
        table.move_cursor(row=[str(table.get_row_at(i)[0]) for i in range(table.row_count)].index("SE"))
        await pilot.press("x")
        await settle(pilot)
    regions = {r.country: r.owner for r in list_regions(store_ctx)}
    assert regions["JP"] == "chen" and "SE" not in regions


async def test_sections_cycle_with_brackets_and_escape_leaves_a_field(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_admin(pilot)
        tabs = screen.query_one(TabbedContent)
        await pilot.press("left_square_bracket")
        assert tabs.active == "tab-audit"
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert tabs.active == "tab-products"
        await go_to(pilot, "countries")
        await pilot.press("slash", *"[x]")
        assert screen.query_one("#countries-search", Input).value == "[x]"  # brackets type in a field
        await pilot.press("escape", "right_square_bracket")
        assert tabs.active == "tab-reception"
        # Two presses before the screen catches up must not leave two tabs pulling the focus
        # (and the tab) back and forth.
        screen.action_next_section(1)
        screen.action_next_section(1)
        for _ in range(5):
            await pilot.pause()
        await settle(pilot)
        assert tabs.active == "tab-record" and app.focused is screen.query_one("#record-table")
        footer_keys = {b.id for b in screen.BINDINGS}  # type: ignore[union-attr]
        assert {"admin-next-section", "admin-previous-section"} <= footer_keys


async def test_a_focus_notice_that_arrives_after_the_focus_left_does_not_bring_its_tab_back(store_ctx: Ctx) -> None:
    # On a loaded machine `]` can move the focus and the tab before a pane's notice that a widget in it
    # was focused arrives: the notice, delivered late here, must not switch the tab back.
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_admin(pilot)
        tabs = screen.query_one(TabbedContent)
        rules = screen.query_one("#tab-rules", TabPane)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert tabs.active == "tab-products" and app.focused is not None and rules not in app.focused.ancestors
        tabs.post_message(TabPane.Focused(rules))
        await settle(pilot)
        assert tabs.active == "tab-products"
        # A notice while the focus is in that pane still brings its tab forward (TabbedContent's own rule).
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert tabs.active == "tab-rules"
        screen.query_one("#admin-products", AdminPanel).focus_main()
        await settle(pilot)
        assert tabs.active == "tab-products"


async def test_a_salesperson_cannot_open_admin(store_ctx: Ctx) -> None:
    app = InquiryApp(ctx_as(store_ctx, "ana"))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        # Even constructed directly, the screen refuses and composes no section.
        await app.push_screen(AdminScreen(ctx_as(store_ctx, "ana")))
        await settle(pilot)
        assert "main account only" in str(app.screen.query_one("#admin-refused", Static).render())
        assert not app.screen.query(TabbedContent) and not app.screen.query(AllocationRulesPanel)
        await pilot.press("right_square_bracket")
        assert not app.screen.query(TabbedContent)


async def test_keys_help_on_admin_lists_the_admin_keys(store_ctx: Ctx) -> None:
    from inquiry_tui.tui.common.keys_help import KeysHelpScreen

    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_admin(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, KeysHelpScreen)
        import io

        from rich.console import Console

        console = Console(width=120, record=True, file=io.StringIO())
        for static in app.screen.query(Static):
            console.print(static.content)
        shown = console.export_text()
        assert "Save rules" in shown and "Next section" in shown and "Go" in shown
        assert "reply, with templates" not in shown  # the inbox keys belong to the inbox's help
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AdminScreen)


async def test_e_in_the_record_exports_it_and_says_so_at_once_and_when_done(store_ctx: Ctx, tmp_path: Path) -> None:
    target = tmp_path / "record.csv"
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_admin(pilot)
        await go_to(pilot, "record")
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one(Input).value = str(target)
        said: list[str] = []
        status = screen.query_one("#record-status", Static)
        original = status.update

        def update(content: object = "", **kwargs: object) -> None:  # every status the section shows, in order
            said.append(str(content))
            original(content, **kwargs)  # type: ignore[arg-type]

        status.update = update  # type: ignore[method-assign]
        await pilot.press("enter")
        await settle(pilot)
        assert said[0] == f"Exporting to {target}…"
        records = len(target.read_text(encoding="utf-8").splitlines()) - 1  # below the header
        assert records > 0 and said[-1] == f"Exported {records} allocations to {target}."
        assert not app.unexpected_errors
