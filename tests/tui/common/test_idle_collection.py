"""The app tells its collector of every key, and runs a full pass once the keys stop (tui/common/collector.py)."""

from __future__ import annotations

import gc

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.collector import FULL_EVERY, IDLE_SECONDS


class Clock:
    """The collector's clock, read and moved by the test."""

    def __init__(self) -> None:
        self.now = 0.0
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now


async def test_keys_hold_the_full_pass_off_and_a_pause_lets_it_run(store_ctx: Ctx) -> None:
    before = gc.get_threshold()
    try:
        app = InquiryApp(store_ctx)
        clock = Clock()
        app.collector._clock = clock
        app.collector._pending = lambda: 10  # promotions since the last full pass: one is due
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert gc.get_threshold()[2] == FULL_EVERY
            await pilot.press("j")
            assert app.collector._last_input == clock.now and clock.reads
            await pilot.pause(IDLE_SECONDS)  # the app's checks come, but the clock says the key was just now
            assert app.collector.passes == 0
            clock.now += IDLE_SECONDS  # the user reads
            await pilot.pause(IDLE_SECONDS)  # at least one check
            assert app.collector.passes >= 1
    finally:
        gc.set_threshold(*before)
