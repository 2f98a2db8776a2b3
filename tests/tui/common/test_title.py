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
