"""Snapshots of the screen a deactivated account's open app is left with, at 160x48 and 80x24."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.team.accounts import deactivate
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.deactivated import DeactivatedScreen
from tests.conftest import ctx_as
from tests.tui.conftest import until


@pytest.mark.parametrize("size", [(160, 48), (80, 24)], ids=["wide", "small"])
def test_deactivated(snap_compare, store_ctx: Ctx, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    ana = ctx_as(store_ctx, "ana")

    async def run_before(pilot: Pilot[Any]) -> None:
        await until(pilot, lambda: pilot.app.screen.query("InquiryList"), "the inbox")
        deactivate(store_ctx, "ana", "ben")
        await pilot.press("t")
        await until(pilot, lambda: isinstance(pilot.app.screen, DeactivatedScreen), "the deactivated screen")

    assert snap_compare(InquiryApp(ana), terminal_size=size, run_before=run_before)
