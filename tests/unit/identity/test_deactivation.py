"""A deactivated account stops at once: its next service call, read or write, in a session already open, is refused."""

from __future__ import annotations

import pytest
from sqlmodel import func, select
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.domain.errors import AccountDeactivated
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.input import CustomerInput
from inquiry_tui.services.customers.manage import add_customer
from inquiry_tui.services.team.accounts import deactivate, list_accounts, require_active, set_away
from inquiry_tui.store.models import AuditLog, Buyer

runner = CliRunner()
MESSAGE = "your account (ana) was deactivated by boss on 2026-11-23 09:30 UTC; nothing was changed"


def counts(ctx: Ctx) -> tuple[int, int]:
    with ctx.read() as session:
        return (
            session.exec(select(func.count()).select_from(Buyer)).one(),
            session.exec(select(func.count()).select_from(AuditLog)).one(),
        )


def test_an_open_session_is_refused_at_its_next_action(admin_ctx: Ctx, sales_ctx: Ctx) -> None:
    set_away(sales_ctx, "ana", True)  # ana at work, in a session opened before...
    deactivate(admin_ctx, "ana", "ben")  # ... the admin deactivates her
    before = counts(admin_ctx)
    with pytest.raises(AccountDeactivated) as refused:
        add_customer(sales_ctx, CustomerInput(email="late@buyer.example", name="Late Buyer"))  # a write
    assert str(refused.value) == MESSAGE and (refused.value.login, refused.value.by) == ("ana", "boss")
    with pytest.raises(AccountDeactivated, match="deactivated by boss"):
        list_accounts(sales_ctx)  # a read
    with pytest.raises(AccountDeactivated), sales_ctx.begin():  # the bulk paths' Core transaction
        pass
    with pytest.raises(AccountDeactivated):
        require_active(sales_ctx)  # what an open TUI asks between actions
    assert counts(admin_ctx) == before  # nothing of the refused actions was written


def test_the_command_line_says_who_deactivated_you(admin_ctx: Ctx) -> None:
    deactivate(admin_ctx, "ana", "ben")
    db = admin_ctx.url.removeprefix("sqlite:///")
    result = runner.invoke(app, ["--db", db, "stats"], env={"INQUIRY_TUI_LOGIN": "ana"})
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {MESSAGE}"
    assert runner.invoke(app, ["--db", db, "stats"], env={"INQUIRY_TUI_LOGIN": "ben"}).exit_code == 0
