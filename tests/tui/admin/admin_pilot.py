"""Pilot helpers for the Admin tests: open Admin, go to a section, choose in a Select, by keys only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import OptionList, Select, TabbedContent

from inquiry_tui.services.context import Ctx
from inquiry_tui.store.models import Account, Inquiry
from inquiry_tui.tui.admin.panel import AccountPicker
from inquiry_tui.tui.admin.rules import AllocationRulesPanel
from inquiry_tui.tui.admin.screen import SECTIONS, AdminScreen
from tests.conftest import FIXED_NOW
from tests.tui.conftest import settle, until

SOON = FIXED_NOW - timedelta(minutes=5)  # when the "next arrival" of a test arrives


async def preview_shown(pilot: Pilot[Any]) -> None:
    """Until the rules preview shows the rules as edited (it starts a moment after the last change)."""
    panel = pilot.app.screen.query_one(AllocationRulesPanel)
    await until(pilot, lambda: panel.baseline is not None and panel.previewed == panel.edited(), "the rules preview")


async def open_admin(pilot: Pilot[Any]) -> AdminScreen:
    await settle(pilot)
    await pilot.press("0")
    screen = pilot.app.screen
    assert isinstance(screen, AdminScreen)
    await preview_shown(pilot)
    return screen


async def go_to(pilot: Pilot[Any], section: str) -> None:
    """Press `]` (or `[` when that is shorter) until SECTION's tab is active."""
    ids = [tab_id for tab_id, _, _ in SECTIONS]
    tabs = pilot.app.screen.query_one(TabbedContent)
    forward = (ids.index(section) - ids.index(tabs.active.removeprefix("tab-"))) % len(ids)
    key, count = (
        ("right_square_bracket", forward) if forward <= len(ids) // 2 else ("left_square_bracket", len(ids) - forward)
    )
    step = 1 if key == "right_square_bracket" else -1
    at = ids.index(tabs.active.removeprefix("tab-"))
    for _ in range(count):
        # One section at a time, each seen active before the next key: on a loaded machine a burst
        # of keys can meet TabbedContent's own late TabActivated and land one section short.
        at = (at + step) % len(ids)
        await pilot.press(key)
        await until(pilot, lambda at=at: tabs.active == f"tab-{ids[at]}", f"section {ids[at]}")
    assert tabs.active == f"tab-{section}"
    await settle(pilot)


async def choose(pilot: Pilot[Any], select: Select[Any], value: object) -> None:
    """Open SELECT with enter and move to VALUE with the arrow keys."""
    select.focus()
    await pilot.pause()
    values = [v for _, v in select._options]  # the blank option (if any) comes first
    start = values.index(select.value) if select.value in values else 0
    await pilot.press("enter")
    await pilot.pause()
    steps = values.index(value) - start
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await pilot.pause()
    assert select.value == value


async def pick_account(pilot: Pilot[Any], login: str | None) -> None:
    """In the open AccountPicker, move to LOGIN (None: "no owner") and press enter."""
    await settle(pilot)
    picker = pilot.app.screen
    assert isinstance(picker, AccountPicker)
    index = picker.query_one(OptionList).get_option_index("-" if login is None else f"@{login}")
    await pilot.press(*(["down"] * index), "enter")
    await settle(pilot)


def owner_and_rule(ctx: Ctx, inquiry_id: int) -> tuple[str, str]:
    """(owner login, rule) of an inquiry, as stored."""
    with ctx.read() as session:
        row = session.exec(
            select(Account.login, Inquiry.rule)
            .join(Account, Account.id == Inquiry.owner_id)
            .where(Inquiry.id == inquiry_id)
        ).one()
        return row[0], row[1]
