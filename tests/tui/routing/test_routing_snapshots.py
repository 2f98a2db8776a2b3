"""Snapshots of Admin › Rules with the second round of routing: away, capacity and escalation in the preview.

The sample store (fixed clock) with fay away until 2026-11-30, gus at a limit of 1, escalation
after 24 hours and the company contact's card; Admin opened on Rules, every worker awaited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from textual.pilot import Pilot

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.settings import set_setting
from inquiry_tui.services.team.accounts import set_away, set_limit
from inquiry_tui.tui.app import InquiryApp
from tests.tui.admin.admin_pilot import open_admin
from tests.tui.conftest import settle


@pytest.fixture
def routed(store_ctx: Ctx) -> Ctx:
    set_away(store_ctx, "fay", True, date(2026, 11, 30))
    set_limit(store_ctx, "gus", 1)
    set_setting(store_ctx, "allocation.reassign_after_hours", "24")
    set_setting(store_ctx, "contact.name", "Brightway sales desk")
    set_setting(store_ctx, "contact.phone", "+86 755 8888 1234")
    set_setting(store_ctx, "contact.email", "sales@brightway-led.example")
    return store_ctx


async def _rules(pilot: Pilot[Any]) -> None:
    await open_admin(pilot)
    await settle(pilot)


class TestRulesPreview:
    def test_wide(self, snap_compare, routed: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(routed), terminal_size=(160, 48), run_before=_rules)

    def test_small(self, snap_compare, routed: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(routed), terminal_size=(80, 24), run_before=_rules)


async def _note_dialog(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("N")
    await settle(pilot)
    await pilot.press(*"Call them today.")
    await settle(pilot)


class TestNoteDialog:
    """Inbox `N` (admin): the note dialog over the inbox, a line typed."""

    def test_wide(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(store_ctx), terminal_size=(160, 48), run_before=_note_dialog)

    def test_small(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(store_ctx), terminal_size=(80, 24), run_before=_note_dialog)
