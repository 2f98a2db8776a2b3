"""Admin at 80x24 shows what each section exists for: a refused field is named under it and saving focuses it;
the tables abbreviate instead of losing their right-hand columns (the rules preview and team: the 80x24 snapshots)."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.settings import get_settings
from inquiry_tui.tui.app import InquiryApp
from tests.tui.admin.admin_pilot import go_to, open_admin
from tests.tui.conftest import settle


def labels(table: DataTable[object]) -> list[str]:
    return [str(column.label) for column in table.columns.values()]


async def refuse_holidays(pilot: Pilot[None]) -> Input:
    """Open reception in the admin and type a holiday it refuses; the holidays field keeps the focus."""
    await open_admin(pilot)
    await go_to(pilot, "reception")
    holidays = pilot.app.screen.query_one("#reception-holidays", Input)
    holidays.focus()
    await pilot.press("end", *", someday")
    await pilot.pause()
    return holidays


async def test_at_80x24_a_refused_field_is_named_under_it_and_saving_goes_to_it(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        holidays = await refuse_holidays(pilot)
        screen = app.screen
        note = screen.query_one("#reception-holidays-error", Static)
        assert note.display and "reception.holidays" in str(note.render())
        assert not screen.query_one("#reception-windows-error", Static).display  # only the field at fault
        assert "reception.holidays" in str(screen.query_one("#reception-preview-text", Static).render())
        screen.query_one("#calls-windows", Input).focus()  # away, at the foot of the form
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.focused is holidays
        form = screen.query_one("#reception-form")
        assert form.region.contains_region(note.region), (form.region, note.region)  # scrolled into view
        assert get_settings(store_ctx).reception.holidays != ()  # nothing saved
        await pilot.press("ctrl+z", "escape")  # revert, leave the field: `]` moves on
        await settle(pilot)
        await go_to(pilot, "accounts")
        accounts = screen.query_one("#accounts-table", DataTable)
        assert labels(accounts)[-1] == "Open" and accounts.virtual_size.width <= accounts.size.width
        await go_to(pilot, "record")
        why = screen.query_one("#record-why", Static)
        assert why.display and str(why.render()).startswith("Why: ")


async def test_saving_in_the_same_burst_of_keys_as_leaving_the_field_still_brings_the_refused_field_into_view(
    store_ctx: Ctx,
) -> None:
    """Focus at the foot of the form and ctrl+s with no turn between (keys arriving together over SSH): the
    scroll toward the foot, animated and still on its way, must not carry the form off the field at fault."""
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        holidays = await refuse_holidays(pilot)
        screen = app.screen
        screen.query_one("#calls-windows", Input).focus()
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.pause(0.5)  # longer than any scroll animation: where the form comes to rest
        assert app.focused is holidays
        form = screen.query_one("#reception-form")
        note = screen.query_one("#reception-holidays-error", Static)
        assert form.region.contains_region(note.region), (form.region, note.region)
        assert form.region.contains_region(holidays.region), (form.region, holidays.region)
