"""Snapshots of every Admin section and of the refusal a salesperson gets.

The real app on the sample store (fixed clock, fixed data), `0` pressed, the section reached
with `]` / `[`, every worker awaited before the shot; terminal sizes pinned.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.team.accounts import deactivate
from inquiry_tui.tui.admin.screen import SECTIONS, AdminScreen
from inquiry_tui.tui.app import InquiryApp
from tests.conftest import ctx_as
from tests.tui.admin.admin_pilot import go_to, open_admin
from tests.tui.conftest import settle

WIDE = (160, 48)


def shot_of(section: str):  # type: ignore[no-untyped-def]
    """run_before for snap_compare: open Admin, go to SECTION, wait for every worker."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_admin(pilot)
        await go_to(pilot, section)
        await settle(pilot)

    return run_before


class TestAdminSections:
    @pytest.mark.parametrize("section", [tab_id for tab_id, _, _ in SECTIONS])
    def test_section(self, snap_compare, store_ctx: Ctx, section: str) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(store_ctx), terminal_size=WIDE, run_before=shot_of(section))


class TestTeamDashboard:
    def test_a_deactivated_account_says_so(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        """gus deactivated (fay his successor): his row says "deactivated" in words, not only dimmed."""
        deactivate(store_ctx, "gus", "fay")
        assert snap_compare(InquiryApp(store_ctx), terminal_size=WIDE, run_before=shot_of("team"))


class TestRefusal:
    def test_salesperson_gets_a_refusal_and_no_admin_data(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        ana = ctx_as(store_ctx, "ana")

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await pilot.app.push_screen(AdminScreen(ana))
            await settle(pilot)

        assert snap_compare(InquiryApp(ana), terminal_size=WIDE, run_before=run_before)
