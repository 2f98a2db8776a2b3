"""The modes table is the one place a top-level screen is declared: keys, modes, palette and role check read it."""

from __future__ import annotations

from textual.binding import Binding
from textual.notifications import Notify
from textual.widgets import Input

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.keys import key_entries
from inquiry_tui.tui.modes import MODES, START
from tests.conftest import ctx_as
from tests.tui.conftest import settle


def test_each_mode_has_its_own_key_name_and_screen() -> None:
    assert len({m.key for m in MODES}) == len({m.name for m in MODES}) == len(MODES)
    bindings = [b for b in InquiryApp.BINDINGS if isinstance(b, Binding) and b.id and b.id.startswith("go-")]
    assert [(b.key, b.description) for b in bindings if b.description] == [(m.key, m.title) for m in MODES]


async def test_every_mode_opens_by_its_key_and_is_offered_as_go(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert app.current_mode == START.name
        go = [e.name for e in key_entries(app.screen) if e.category == "Go"]
        assert go == [f"Go: {m.title}" for m in MODES]
        for mode in reversed(MODES):
            await pilot.press(mode.key)
            await settle(pilot)
            assert app.current_mode == mode.name
            assert f"{type(app.screen).__module__}:{type(app.screen).__name__}" == mode.screen


async def test_an_admin_only_mode_is_hidden_from_a_salesperson_and_its_key_says_why(store_ctx: Ctx) -> None:
    notes: list[str] = []
    app = InquiryApp(ctx_as(store_ctx, "ana"))
    hook = lambda m: notes.append(str(m.notification.message)) if isinstance(m, Notify) else None  # noqa: E731
    async with app.run_test(size=(160, 48), message_hook=hook) as pilot:
        await settle(pilot)
        offered = {e.id for e in key_entries(app.screen)}
        for mode in MODES:
            assert (mode.binding_id in offered) is not mode.admin_only
            if mode.admin_only:
                await pilot.press(mode.key)
                await settle(pilot)
                assert app.current_mode == START.name
                assert f"Only the admin (main account) can open {mode.title}." in notes


async def test_a_screen_opens_with_its_list_focused_before_any_key_is_handled(store_ctx: Ctx) -> None:
    # Keys queued while a screen opens (a loaded machine, a fast typist) go to what has the focus then:
    # a search field focused first took them as text, `1` for the inbox included.
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for mode in MODES:
            await app.switch_mode(mode.name)
            focused = app.focused
            assert focused is not None and not isinstance(focused, Input), (mode.name, focused)
            await settle(pilot)
