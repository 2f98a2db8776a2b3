"""The footer at 80x24: the keys that fit and `? more`, never a key cut in half; the admin's keys are not offered to a salesperson."""

from __future__ import annotations

import gc
import itertools

from textual.notifications import Notify
from textual.widget import Widget
from textual.widgets._footer import FooterKey

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.footer import KeysFooter, Placed
from inquiry_tui.tui.common.keys import key_entries
from tests.conftest import ctx_as
from tests.tui.conftest import settle


def footer_keys(app: InquiryApp) -> list[Placed]:
    return list(app.screen.query_one(KeysFooter).placed)


async def test_at_80_columns_the_footer_ends_with_more_and_cuts_no_key(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("1", "5", "6"):  # inbox, chats, disk: their keys do not all fit in 80 columns
            await pilot.press(key)
            await settle(pilot)
            keys = footer_keys(app)
            assert keys[-1].description == "more" and keys[-1].action == "app.show_keys"
            assert all(k.end <= 80 and k.end > k.start for k in keys), [(k.description, k.start, k.end) for k in keys]
            assert all(a.end < b.start for a, b in itertools.pairwise(keys)), keys  # compact: a gap between keys
            assert len(keys) >= 6  # the screen's first keys are shown, not only `? more`
            shown = [k.action for k in keys[:-1]]
            assert "app.show_keys" not in shown


async def test_a_wide_footer_shows_every_key_and_the_palette(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(200, 48)) as pilot:
        await settle(pilot)
        descriptions = [k.description for k in footer_keys(app)]
        assert "more" not in descriptions
        assert descriptions[0] == "Keys" and "Profile" in descriptions and descriptions[-1] == "palette"
        await pilot.press("2")
        await settle(pilot)
        assert "Transfer" in [k.description for k in footer_keys(app)]  # the admin's key, offered to the admin


async def test_a_salesperson_is_not_offered_the_admins_keys_and_they_say_why(store_ctx: Ctx) -> None:
    notes: list[str] = []
    hook = lambda m: notes.append(str(m.notification.message)) if isinstance(m, Notify) else None  # noqa: E731
    app = InquiryApp(ctx_as(store_ctx, "ana"))
    async with app.run_test(size=(160, 48), message_hook=hook) as pilot:
        await settle(pilot)
        assert not {"inbox-note", "inbox-purge"} & {e.id for e in key_entries(app.screen)}
        await pilot.press("P")
        await settle(pilot)
        assert "Only the admin (main account) can purge." in notes
        await pilot.press("2")
        await settle(pilot)
        assert "Transfer" not in [k.description for k in footer_keys(app)]
        assert "customers-transfer" not in {e.id for e in key_entries(app.screen)}
        await pilot.press("x")
        await settle(pilot)
        assert "Only the admin (main account) can transfer customers." in notes


async def test_the_footer_lays_its_keys_out_again_only_when_what_it_shows_changes(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)
        before = footer.placed
        app.screen.refresh_bindings()  # what a focus change or a checked action does: nothing shown changes
        await settle(pilot)
        assert footer.placed is before
        assert not footer.compact and before[-1].description == "palette"
        await pilot.resize_terminal(80, 24)  # narrower: fewer keys, compact, `? more` at the end
        await settle(pilot)
        narrow = footer_keys(app)
        assert footer.compact and narrow[-1].description == "more" and len(narrow) < len(before)
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        assert footer.placed == before and not footer.compact


async def test_the_footer_is_one_widget_whatever_its_keys(store_ctx: Ctx) -> None:
    """Textual's footer is a widget per key, composed again when the keys change (a bound `compact` once kept every
    removed key alive in the footer's watchers, about 50 KB a key): this one draws its keys itself, and none exist."""
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for key in ("slash", "escape", "2", "1"):  # the keys change with the focus and the screen
            await pilot.press(key)
            await settle(pilot)
            footer = app.screen.query_one(KeysFooter)
            assert not list(footer.query(Widget)) and len(footer.placed) > 1
        gc.unfreeze()  # (the app freezes what a screen brings in: tui/common/collector.py; frozen objects are not listed)
        gc.collect()
        assert not [o for o in gc.get_objects() if isinstance(o, FooterKey)]


async def test_a_text_field_leaves_the_letter_keys_out_and_moves_nothing(store_ctx: Ctx) -> None:
    """The focus entering the search field leaves the letter keys out, and leaving it brings them back where they
    were: the footer's line is drawn again, nothing is laid out (the footer keeps its place and size)."""
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)
        region = footer.region
        before = footer_keys(app)
        await pilot.press("slash")
        await settle(pilot)
        assert [k.description for k in footer_keys(app)] == ["Search", "palette"]  # the letters type into the field
        assert footer_keys(app)[-1] == before[-1]  # the palette's key where it was
        await pilot.press(*"solar", "enter")
        await settle(pilot)
        assert footer_keys(app) == before
        assert footer.region == region


async def test_a_click_on_a_key_presses_it_and_a_disabled_key_rings(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)
        keys = next(k for k in footer.placed if k.action == "app.show_keys")
        await pilot.click(KeysFooter, offset=(keys.start + 1, 0))
        await settle(pilot)
        assert type(app.screen).__name__ == "KeysHelpScreen", app.screen
        await pilot.press("escape")
        await pilot.press("3")  # deals, on its orders: the templates' keys are shown disabled
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)
        disabled = next(k for k in footer.placed if not k.entry.enabled)
        rang: list[bool] = []
        app.bell = lambda: rang.append(True)  # type: ignore[method-assign]
        screen = app.screen
        await pilot.click(KeysFooter, offset=(disabled.start + 1, 0))
        await settle(pilot)
        assert rang == [True] and app.screen is screen
