"""Snapshots of the E-mail view, the calls (appointments) screen and the notices screen at 160x48 and 80x24.

The sample store with its fixed clock, plus the packaged sample's e-mail, calls and notices and a
hostile e-mail (tests/tui/channels/channels_data.py); workers awaited before the shot.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from tests.conftest import ctx_as
from tests.tui.channels.channels_data import add_channels
from tests.tui.conftest import settle

SIZES = [pytest.param((160, 48), id="160x48"), pytest.param((80, 24), id="80x24")]


def pressing(*keys: str) -> Callable[..., Awaitable[None]]:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


class TestChannelScreens:
    @pytest.mark.parametrize("size", SIZES)
    def test_email_view(self, snap_compare, store_ctx: Ctx, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
        add_channels(store_ctx)
        assert snap_compare(InquiryApp(store_ctx), terminal_size=size, run_before=pressing("E"))

    @pytest.mark.parametrize("size", SIZES)
    def test_appointments(self, snap_compare, store_ctx: Ctx, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
        add_channels(store_ctx)
        assert snap_compare(InquiryApp(store_ctx), terminal_size=size, run_before=pressing("7"))

    @pytest.mark.parametrize("size", SIZES)
    def test_notices(self, snap_compare, store_ctx: Ctx, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
        add_channels(store_ctx)
        assert snap_compare(InquiryApp(ctx_as(store_ctx, "ana")), terminal_size=size, run_before=pressing("8"))
