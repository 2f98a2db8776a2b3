"""In the TUI: a salesperson deactivated while the app is open is refused at the next key and can only quit;
Admin › Audit shows who (account and OS user) and verifies the chain with `v`."""

from __future__ import annotations

import sqlite3

from sqlalchemy import text
from textual.widgets import Static

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.team.accounts import deactivate
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.deactivated import DeactivatedScreen
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.screen import InboxScreen
from tests.conftest import ctx_as
from tests.tui.admin.admin_pilot import go_to, open_admin
from tests.tui.conftest import FIXED_OS_USER, settle, until


def _tagged(ctx: Ctx, inquiry_id: int) -> bool:
    with ctx.read() as session:
        return bool(session.execute(text("SELECT tagged FROM inquiry WHERE id = :i"), {"i": inquiry_id}).scalar_one())


async def test_a_deactivated_salesperson_is_refused_at_the_next_key_and_can_only_quit(store_ctx: Ctx) -> None:
    app = InquiryApp(ctx_as(store_ctx, "ana"))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        item = app.screen.query_one(InquiryList).current
        assert item is not None
        inquiry_id, was_tagged = item.inquiry.id, _tagged(store_ctx, item.inquiry.id)
        deactivate(store_ctx, "ana", "ben")  # the admin, elsewhere, while ana's app is open
        await pilot.press("t")  # tag: refused
        await until(pilot, lambda: isinstance(app.screen, DeactivatedScreen), "the deactivated screen")
        message = str(app.screen.query_one("#deactivated-message", Static).render())
        assert "Your account (ana) was deactivated by boss on 2026-11-23 09:30 UTC." in message
        assert _tagged(store_ctx, inquiry_id) == was_tagged
        await pilot.press("1", "2", "t", "question_mark", "ctrl+p")  # nothing opens, nothing acts
        await settle(pilot)
        assert isinstance(app.screen, DeactivatedScreen) and len(app.screen_stack) == 2
        assert _tagged(store_ctx, inquiry_id) == was_tagged
        await pilot.press("q")
    assert app.return_code == 0


async def test_an_idle_app_finds_out_between_actions(store_ctx: Ctx) -> None:
    app = InquiryApp(ctx_as(store_ctx, "ben"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        deactivate(store_ctx, "ben", "ana")
        app.check_account()  # what the app's timer runs every ACCOUNT_CHECK_SECONDS
        await until(pilot, lambda: isinstance(app.screen, DeactivatedScreen), "the deactivated screen")


async def test_audit_shows_the_os_user_and_v_verifies_the_chain(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_admin(pilot)
        await go_to(pilot, "audit")
        await settle(pilot)
        detail = str(app.screen.query_one("#audit-detail-text", Static).render())
        assert f"(OS user {FIXED_OS_USER})" in detail
        await pilot.press("v")
        await settle(pilot)
        help_line = str(app.screen.query_one("#audit-help", Static).render())
        assert help_line.startswith("✓ audit log intact:") and "rows, chained up to row" in help_line

        path = store_ctx.url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as conn:  # someone edits the file directly
            conn.execute("DROP TRIGGER audit_log_no_update")
            conn.execute("UPDATE audit_log SET actor = 'ana' WHERE id = 2")
        await pilot.press("v")
        await settle(pilot)
        help_line = str(app.screen.query_one("#audit-help", Static).render())
        assert help_line.startswith("✗ audit log tampered with: row 2 ")
