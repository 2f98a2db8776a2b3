"""The footer at 80x24: the keys that fit and `? more`, never a key cut in half; the admin's keys are not offered to a salesperson."""

from __future__ import annotations

import gc

from textual.notifications import Notify
from textual.widgets._footer import FooterKey

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.common.keys import key_entries
from tests.conftest import ctx_as
from tests.tui.conftest import settle


def footer_keys(app: InquiryApp) -> list[FooterKey]:
    return list(app.screen.query(FooterKey))


async def test_at_80_columns_the_footer_ends_with_more_and_cuts_no_key(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("1", "5", "6"):  # inbox, chats, disk: their keys do not all fit in 80 columns
            await pilot.press(key)
            await settle(pilot)
            keys = footer_keys(app)
            assert keys[-1].description == "more" and keys[-1].action == "app.show_keys"
            assert all(k.region.right <= 80 and k.region.width > 0 for k in keys), [
                (k.description, k.region) for k in keys
            ]
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


async def test_the_footer_composes_its_keys_again_only_when_what_it_shows_changes(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        before = footer_keys(app)
        app.screen.refresh_bindings()  # what a focus change or a checked action does: nothing shown changes
        await settle(pilot)
        assert all(a is b for a, b in zip(footer_keys(app), before, strict=True))
        await pilot.resize_terminal(80, 24)  # narrower: fewer keys, compact, `? more` at the end
        await settle(pilot)
        narrow = footer_keys(app)
        assert narrow[-1].description == "more" and not any(k in before for k in narrow)
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        assert [k.description for k in footer_keys(app)] == [k.description for k in before]
        keys = [k for k in footer_keys(app) if "-command-palette" not in k.classes]
        assert all(k.compact is False and not k.has_class("-compact") for k in keys), [
            (k.description, k.compact) for k in keys
        ]
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert all(
            k.compact and k.has_class("-compact") for k in footer_keys(app) if "-command-palette" not in k.classes
        )


async def test_the_keys_a_recompose_removed_are_freed(store_ctx: Ctx) -> None:
    """The footer composes its keys again when what it shows changes: the keys it removed must not stay alive (a bound
    `compact` kept every one in the footer's watchers, with its styles and caches)."""
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)
        for _ in range(3):  # at the same width, as when a key's state or the focus changes what it shows
            footer.call_later(footer.recompose)  # in the footer's own context, as its refresh does
            await settle(pilot)
        await settle(pilot)
        # The app freezes what a screen brings in (tui/common/collector.py), and gc.get_objects() does not list
        # frozen objects: thawed first, as the app's next freeze point does, so every key is seen and the dead collected.
        gc.unfreeze()
        gc.collect()
        alive = [o for o in gc.get_objects() if isinstance(o, FooterKey)]
        shown = [k for k in alive if k.is_attached]
        assert shown and len(alive) == len(shown), (len(alive), len(shown))


async def test_a_text_field_hides_the_letter_keys_without_composing_them_again(store_ctx: Ctx) -> None:
    """The focus entering the search field leaves the letter keys out, and leaving it brings them back: the keys
    mounted stay (hidden, then shown), so the footer changes in one layout of its own, not with 16 new widgets
    styled and laid out frames after the search's hits."""
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        before = footer_keys(app)
        await pilot.press("slash")
        await settle(pilot)
        shown = [k for k in footer_keys(app) if k.display]
        assert [k.description for k in shown] == ["Search", "palette"]  # the letters type into the field
        assert all(a is b for a, b in zip(footer_keys(app), before, strict=True))
        assert all(k.region.width == 0 for k in footer_keys(app) if not k.display)
        await pilot.press(*"solar", "enter")
        await settle(pilot)
        after = footer_keys(app)
        assert all(a is b for a, b in zip(after, before, strict=True)) and all(k.display for k in after)
        assert [k.region for k in after] == [k.region for k in before]
