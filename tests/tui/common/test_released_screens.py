"""The top-level screens left longest ago are released (built afresh when next opened), the inbox and the last
`kept_screens` left excepted; a screen with another pushed over it is kept, so that the user comes back to
where they left off."""

from __future__ import annotations

import time
import weakref
from typing import Any

from textual._styles_cache import StylesCache
from textual.screen import Screen

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp, releases
from inquiry_tui.tui.modes import MODES, START
from tests.tui.conftest import settle, turns, until


def shown(app: Any) -> str:
    """The text on the screen, as drawn."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def drawn(pilot: Any) -> str:
    """What the screen shows once it has settled and stayed the same for a second (Admin's rules preview comes
    after a debounce timer, which `settle` does not wait for)."""
    await settle(pilot)
    text, since = shown(pilot.app), time.monotonic()
    for _ in turns():
        await pilot.pause()
        now = shown(pilot.app)
        if now != text:
            text, since = now, time.monotonic()
        elif time.monotonic() - since >= 1.0:
            return text
    raise AssertionError("the screen never stopped changing")


def base_screen(app: InquiryApp, mode: str) -> Screen[None] | None:
    stack = app._screen_stacks.get(mode)
    return stack[0] if stack else None


def test_every_screen_but_the_inbox_is_released() -> None:
    assert not releases(START.name)
    assert all(releases(mode.name) for mode in MODES if mode is not START)


async def test_a_screen_left_is_collected_and_the_inbox_is_kept(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    app.kept_screens = 0
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        inbox = app.screen
        left: dict[str, weakref.ref[Screen[None]]] = {}
        for mode in MODES[1:]:
            await pilot.press(mode.key)
            await settle(pilot)
            assert app.current_mode == mode.name
            left[mode.name] = weakref.ref(app.screen)
        await pilot.press(START.key)
        await settle(pilot)
        assert app.screen is inbox  # the home is kept
        await until(pilot, lambda: all(base_screen(app, name) is None for name in left), "the screens left released")
        # The app's next pause thaws what the screens' builds froze, collects and freezes again: then they are gone.
        await until(pilot, lambda: all(ref() is None for ref in left.values()), "the released screens collected")
        assert not app.unexpected_errors


async def test_a_released_screens_styles_caches_are_not_kept_by_textuals_colour_cache(store_ctx: Ctx) -> None:
    """`StylesCache.get_inner_outer` is an lru_cache whose key holds the widget's styles cache: emptied at each
    screen change, it keeps none of a released screen's (forget_closed_styles_caches)."""
    app = InquiryApp(store_ctx)
    app.kept_screens = 0
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        caches = [weakref.ref(widget._styles_cache) for widget in app.screen.walk_children(with_self=True)]
        assert StylesCache.get_inner_outer.cache_info().currsize > 0  # the customers' widgets were painted
        await pilot.press(START.key)
        await settle(pilot)
        await until(pilot, lambda: all(ref() is None for ref in caches), "the released screen's styles caches gone")
        assert not app.unexpected_errors


async def test_a_screen_comes_back_as_it_was_first_shown(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    app.kept_screens = 0
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        for mode in MODES[1:]:
            await pilot.press(mode.key)
            first_text = await drawn(pilot)
            first = weakref.ref(app.screen)
            await pilot.press(START.key)
            await settle(pilot)
            await until(pilot, lambda: base_screen(app, mode.name) is None, f"{mode.title} released")  # noqa: B023
            await pilot.press(mode.key)
            await settle(pilot)
            assert app.current_mode == mode.name and app.screen is not first()  # built afresh ...
            assert await drawn(pilot) == first_text, mode.title  # ... and showing what it showed
            await pilot.press(START.key)
            await settle(pilot)
        assert not app.unexpected_errors


async def test_a_screen_with_one_pushed_over_it_is_kept(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        customers = app.screen
        await pilot.press("enter")  # a customer's profile over the list
        await settle(pilot)
        profile = app.screen
        assert profile is not customers
        await pilot.press(START.key)
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert app.screen is profile  # back where the user left off
        assert base_screen(app, "customers") is customers
        assert not app.unexpected_errors


async def test_keys_faster_than_the_release_leave_the_app_on_the_screen_asked_for(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    app.kept_screens = 0
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("2", "1", "2", "4", "2", "1", "4")
        await settle(pilot)
        assert app.current_mode == "rfq" and app.is_running
        assert base_screen(app, "customers") is None  # left last for another screen: released
        assert not app.unexpected_errors


async def test_the_last_two_screens_left_are_kept_as_they_were(store_ctx: Ctx) -> None:
    """Customers, then RFQ, then Chats, then the inbox: RFQ and Chats (the last two left) are the same screens,
    Customers (left before them) is released; going back to RFQ keeps Chats and Customers stays released."""
    app = InquiryApp(store_ctx)
    assert app.kept_screens == 2
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screens: dict[str, Screen[None]] = {}
        for key in ("2", "4", "5"):
            await pilot.press(key)
            await settle(pilot)
            screens[app.current_mode] = app.screen
        await pilot.press(START.key)
        await settle(pilot)
        await until(pilot, lambda: base_screen(app, "customers") is None, "Customers released")
        assert base_screen(app, "rfq") is screens["rfq"] and base_screen(app, "chats") is screens["chats"]
        await pilot.press("4")
        await settle(pilot)
        assert app.screen is screens["rfq"]  # as it was left
        assert base_screen(app, "chats") is screens["chats"] and base_screen(app, "customers") is None
        assert not app.unexpected_errors
