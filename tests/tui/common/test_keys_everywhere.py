"""`?` help (F1 in dialogs) and the command palette list every key of the screen, read from its bindings.

On each screen (the inbox, the thread, the reply editor, Customers, a profile, the recommended
buyers, every Admin section) the keys expected are those declared in the BINDINGS of the app,
the screen and the focused widget and its parents; every one of them is in the help, by its
description, and in the palette as "Category: Description". A salesperson is offered neither
Admin nor the purge.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widgets import Static

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.admin.screen import SECTIONS
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.commands import KeyCommands
from inquiry_tui.tui.common.keys import category_of
from inquiry_tui.tui.common.keys_help import KeysHelpScreen
from inquiry_tui.tui.common.roles import ADMIN_ONLY_KEYS
from tests.conftest import ctx_as
from tests.tui.admin.admin_pilot import go_to, open_admin
from tests.tui.conftest import settle

ADMIN_ONLY = {"go-admin", *ADMIN_ONLY_KEYS}  # the admin's keys are not offered to a salesperson (issue 13)


def declared(pilot: Pilot[Any], *, admin: bool) -> dict[str, str]:
    """Binding id -> description, from the BINDINGS of the app, the screen and the focused widget's line."""
    app = pilot.app
    screen = app.screen
    nodes: list[DOMNode] = [screen]
    if screen.focused is not None:
        nodes = list(screen.focused.ancestors_with_self)  # up to the app
    if not screen.is_modal and app not in nodes:
        nodes.append(app)
    if screen.is_modal:
        nodes = [n for n in nodes if n is not app]  # a dialog's keys are its own
    keys: dict[str, str] = {}
    for node in nodes:
        for cls in type(node).__mro__:
            for binding in cls.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id and binding.description:
                    keys.setdefault(binding.id, binding.description)
    if not admin:
        keys = {k: v for k, v in keys.items() if k not in ADMIN_ONLY}
    return keys


def _shown(pilot: Pilot[Any]) -> str:
    console = Console(width=160, record=True, file=io.StringIO())
    for static in pilot.app.screen.query(Static):
        console.print(static.content)
    return console.export_text()


async def check_here(pilot: Pilot[Any], *, admin: bool, where: str) -> None:
    """The help and the palette opened here list exactly the declared keys."""
    expected = declared(pilot, admin=admin)
    names = {f"{category_of(key)}: {text[:1].upper()}{text[1:]}" for key, text in expected.items()}
    await pilot.press("f1")
    await settle(pilot)
    help_screen = pilot.app.screen
    assert isinstance(help_screen, KeysHelpScreen), where
    assert {entry.id for entry in help_screen.entries} == set(expected), where
    shown = _shown(pilot)
    for key, text in expected.items():
        assert f"{text[:1].upper()}{text[1:]}" in shown, f"{where}: {key} not in the help"
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("ctrl+p")
    await settle(pilot)
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette), where
    listed = "\n".join(option.prompt.plain for option in palette.query_one(CommandList).options)  # type: ignore[union-attr]
    for name in names:
        assert name in listed, f"{where}: {name!r} not in the palette"
    await pilot.press("escape")
    await settle(pilot)


async def _keys(pilot: Pilot[Any], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def test_every_key_of_the_inbox_is_in_the_help_and_the_palette(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await check_here(pilot, admin=True, where="inbox list")
        assert "go-admin" in declared(pilot, admin=True) and "inbox-purge" in declared(pilot, admin=True)
        await _keys(pilot, "enter")
        await check_here(pilot, admin=True, where="inbox thread")
        await _keys(pilot, "escape", "r", "ctrl+t")
        await check_here(pilot, admin=True, where="reply editor, templates")


async def test_every_key_of_customers_is_in_the_help_and_the_palette(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await _keys(pilot, "2")
        await check_here(pilot, admin=True, where="customers")
        await _keys(pilot, "enter")
        await check_here(pilot, admin=True, where="customer profile")
        await _keys(pilot, "escape", "r")
        await check_here(pilot, admin=True, where="recommended buyers")


async def test_every_key_of_every_admin_section_is_in_the_help_and_the_palette(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_admin(pilot)
        await check_here(pilot, admin=True, where="admin rules")  # opened for real once
        for section, _, _ in SECTIONS[1:]:
            await go_to(pilot, section)
            # The help and the palette as they would open here (the same entries, without drawing them).
            expected = declared(pilot, admin=True)
            assert {e.id for e in KeysHelpScreen(app.screen).entries} == set(expected), section
            hits = {str(hit.text) async for hit in KeyCommands(app.screen).discover()}
            assert hits == {f"{category_of(k)}: {t[:1].upper()}{t[1:]}" for k, t in expected.items()}, section


@pytest.mark.parametrize("login", ["ana"])
async def test_a_salesperson_is_offered_neither_admin_nor_the_purge(store_ctx: Ctx, login: str) -> None:
    app = InquiryApp(ctx_as(store_ctx, login))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await check_here(pilot, admin=False, where="inbox list")
        await _keys(pilot, "2")
        await check_here(pilot, admin=False, where="customers")
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, KeysHelpScreen)
        ids = {entry.id for entry in app.screen.entries}
        assert "go-admin" not in ids and "go-customers" in ids
        shown = _shown(pilot)
        assert "Admin" not in shown and "Purge" not in shown
