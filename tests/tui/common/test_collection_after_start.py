"""After its first frame the app collects garbage again, whoever turned collection off for the start (cli.main)."""

from __future__ import annotations

import gc

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.inbox.screen import InboxScreen
from tests.tui.conftest import settle


async def test_collection_is_on_after_the_first_frame(store_ctx: Ctx) -> None:
    gc.disable()  # as `inquiry-tui` with no command starts (inquiry_tui.cli.main)
    try:
        app = InquiryApp(store_ctx)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, InboxScreen)
            assert gc.isenabled()
    finally:
        gc.enable()
