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


async def test_a_salesperson_s_own_zone_is_the_header_s_and_a_long_name_leaves_it_room(store_ctx: Ctx) -> None:
    """Issue 13, item 8: each person's zone, named; at 80 columns a long name does not push it off."""
    from dataclasses import replace

    from inquiry_tui.services.team.zone import set_zone, shown_zone
    from tests.tui.conftest import settle, until

    set_zone(store_ctx, store_ctx.actor.login, "europe/berlin")  # any case
    assert shown_zone(store_ctx) == "Europe/Berlin"
    long_name = replace(store_ctx, actor=replace(store_ctx.actor, name="Grace Lin (main account)"))
    app = InquiryApp(long_name)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: "times in Europe/Berlin" in app.sub_title, "the own zone in the header")
        from textual.widgets._header import HeaderTitle

        title = app.screen.query_one(HeaderTitle)
        shown = str(title.render())
        assert shown.endswith("Grace Lin (admin) · times in Europe/Berlin"), shown
        assert len(shown) <= title.size.width, (shown, title.size.width)  # nothing cut off
