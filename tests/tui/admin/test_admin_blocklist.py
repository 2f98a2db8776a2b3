"""Admin › Block list by keyboard: block (a refusal stays in the dialog), unblock after a confirmation,
hostile values shown literally, and the next arrival obeys it. Snapshots at 160x48 and 80x24.

The sample store starts with two entries: e-mail promo@seo-rank-fast.example and member id sp-0000666.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.blocklist import add_block, list_blocks
from inquiry_tui.store.models import Inquiry
from inquiry_tui.tui.admin.blocklist import AddBlockDialog
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.confirm import ConfirmScreen
from tests.admin_helpers import arrive
from tests.tui.admin.admin_pilot import SOON, go_to, open_admin
from tests.tui.admin.test_admin_snapshots import WIDE, shot_of
from tests.tui.admin.test_admin_snapshots_small import SMALL
from tests.tui.conftest import settle

SAMPLE = [("email", "promo@seo-rank-fast.example"), ("member_id", "sp-0000666")]
HOSTILE_VALUE = "[@click=app.quit]x[/] \x1b]0;PWNED\x07 \u202etxt.exe"
HOSTILE_NOTE = "[red]loud[/red] [link='https://x']Pay[/link] nul\x00byte"


def blocked(ctx: Ctx) -> list[tuple[str, str]]:
    return [(b.kind, b.value) for b in list_blocks(ctx)]


def folder_of(ctx: Ctx, inquiry_id: int) -> str:
    with ctx.read() as session:
        return session.exec(select(Inquiry.folder).where(Inquiry.id == inquiry_id)).one()


def status_of(app: InquiryApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_blocks(pilot: Pilot[Any]) -> DataTable[Any]:
    await open_admin(pilot)
    await go_to(pilot, "blocks")
    table = pilot.app.screen.query_one("#blocks-table", DataTable)
    assert pilot.app.focused is table
    return table


async def choose_kind(pilot: Pilot[Any], steps: int) -> None:
    """In the open dialog (the kind focused, e-mail chosen): open the kind list, move STEPS down, choose."""
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*["down"] * steps, "enter")
    await pilot.pause()


async def test_block_an_email_by_keys_and_its_next_arrival_lands_in_deleted(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        table = await open_blocks(pilot)
        assert table.row_count == 2
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AddBlockDialog) and app.focused is dialog.query_one("#block-kind", Select)
        assert dialog.query_one("#block-kind", Select).value == "email"
        await pilot.press("tab", *"Spam@Bad.Example", "tab", *"fake RFQs", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, AddBlockDialog)
        assert table.row_count == 3
        assert app.focused is table
        assert [str(c) for c in table.get_row_at(table.cursor_row)][:3] == ["e-mail", "spam@bad.example", "fake RFQs"]
        assert "Blocked e-mail spam@bad.example" in status_of(app, "#blocks-status")
    assert [(b.kind, b.value, b.note) for b in list_blocks(store_ctx) if b.value == "spam@bad.example"] == [
        ("email", "spam@bad.example", "fake RFQs")
    ]
    assert len(list_blocks(store_ctx)) == 3
    # The next arrival from that address goes straight to Deleted; another address does not.
    assert folder_of(store_ctx, arrive(store_ctx, SOON, "spam@bad.example")) == "deleted"
    assert folder_of(store_ctx, arrive(store_ctx, SOON, "fine@good.example")) == "inbox"


async def test_a_bad_country_shows_the_services_error_in_the_dialog_and_saves_nothing(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_blocks(pilot)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AddBlockDialog)
        await choose_kind(pilot, 2)
        assert dialog.query_one("#block-kind", Select).value == "country"
        await pilot.press("tab", *"QQ", "enter", *"no such place", "enter")  # enter in the note saves
        await settle(pilot)
        assert app.screen is dialog  # refused: the dialog stays, with the service's message
        error = status_of(app, "#block-error")
        assert error.startswith("Not blocked:") and "'QQ' is not an ISO 3166-1 alpha-2 country code" in error
        assert app.focused is dialog.query_one("#block-value", Input)
        assert blocked(store_ctx) == SAMPLE
        # Corrected in place, it is saved (stored as the ISO code).
        await pilot.press("ctrl+u", *"cn", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, AddBlockDialog)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # escape cancels and saves nothing
        await settle(pilot)
        assert not isinstance(app.screen, AddBlockDialog)
    assert blocked(store_ctx) == [("country", "CN"), *SAMPLE]


async def test_unblock_asks_first_and_the_address_is_judged_normally_again(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        table = await open_blocks(pilot)
        await pilot.press("down")  # member id sp-0000666
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Unblock member id sp-0000666?" in str(app.screen.query_one("#confirm-message", Static).render())
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert blocked(store_ctx) == SAMPLE
        await pilot.press("up", "delete")  # the e-mail, with the other key
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert table.row_count == 1 and app.focused is table
        assert "Unblocked e-mail promo@seo-rank-fast.example" in status_of(app, "#blocks-status")
    assert blocked(store_ctx) == [("member_id", "sp-0000666")]
    assert folder_of(store_ctx, arrive(store_ctx, SOON, "promo@seo-rank-fast.example")) != "deleted"


async def test_hostile_values_and_notes_are_shown_literally(store_ctx: Ctx) -> None:
    add_block(store_ctx, "member_id", HOSTILE_VALUE, note=HOSTILE_NOTE)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        table = await open_blocks(pilot)
        row = table.get_row_at(1)  # member ids: '[' sorts before 's'
        assert all(isinstance(cell, Text) for cell in row[1:3])
        assert (row[1].plain, row[2].plain) == (safe_line(HOSTILE_VALUE), safe_line(HOSTILE_NOTE))
        assert row[1].plain == "[@click=app.quit]x[/] ␛]0;PWNED␇ ⟨U+202E⟩txt.exe"
        await pilot.press("down", "x")
        await settle(pilot)
        message = str(app.screen.query_one("#confirm-message", Static).render())
        assert "[@click=app.quit]x[/] ␛]0;PWNED␇" in message and "\x1b" not in message
        await pilot.press("y")
        await settle(pilot)
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\u202e" not in svg
    assert blocked(store_ctx) == SAMPLE


class TestBlockListSnapshots:
    def test_section_with_hostile_text_wide(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        add_block(store_ctx, "member_id", HOSTILE_VALUE, note=HOSTILE_NOTE)
        add_block(store_ctx, "country", "kp", note="sanctions")
        assert snap_compare(InquiryApp(store_ctx), terminal_size=WIDE, run_before=shot_of("blocks"))

    def test_section_small(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(store_ctx), terminal_size=SMALL, run_before=shot_of("blocks"))

    def test_refused_entry_in_the_dialog_small(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        async def run_before(pilot: Pilot[Any]) -> None:
            await shot_of("blocks")(pilot)
            await pilot.press("n")
            await settle(pilot)
            await choose_kind(pilot, 2)
            await pilot.press("tab", *"QQ", "tab", *"not a country", "ctrl+s")
            await settle(pilot)

        assert snap_compare(InquiryApp(store_ctx), terminal_size=SMALL, run_before=run_before)
