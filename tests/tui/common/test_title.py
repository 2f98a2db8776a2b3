"""The header says who is acting: with `--as`, the admin and the account ("boss as ana"), not just the account."""

from __future__ import annotations

from inquiry_tui.services.context import Ctx, connect
from inquiry_tui.tui.app import InquiryApp, who_is_acting


def test_the_title_names_the_admin_acting_as_another_account(store_ctx: Ctx) -> None:
    acting = connect(store_ctx.url, "ana")  # INQUIRY_TUI_LOGIN=boss, the admin (tests/conftest.py)
    try:
        assert acting.actor.login == "ana" and acting.acted_by == "boss"
        assert who_is_acting(acting).startswith("boss as ana (")
        assert InquiryApp(acting).sub_title == who_is_acting(acting)
        own = connect(store_ctx.url)
        assert own.acted_by is None and not who_is_acting(own).startswith("boss as")
        own.close()
    finally:
        acting.close()


async def test_the_header_names_the_zone_every_time_on_screen_is_in(store_ctx: Ctx) -> None:
    from inquiry_tui.services.setup.settings import get_settings
    from tests.tui.conftest import settle, until

    zone = get_settings(store_ctx).reception.timezone
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: f"times in {zone}" in app.sub_title, "the zone in the header")
