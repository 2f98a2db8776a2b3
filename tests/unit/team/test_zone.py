"""Issue 13, item 8: a salesperson chooses the zone they read times in (`account zone`)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.domain.errors import PermissionDenied, ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.settings import get_settings
from inquiry_tui.services.team.zone import set_zone, shown_zone
from tests.conftest import cli_db


def test_own_zone_then_the_company_s_and_only_one_s_own(admin_ctx: Ctx, sales_ctx: Ctx, db_url: str) -> None:
    company = get_settings(admin_ctx).reception.timezone
    assert shown_zone(sales_ctx) == company
    assert set_zone(sales_ctx, sales_ctx.actor.login, "America/New_York") == "America/New_York"
    assert shown_zone(sales_ctx) == "America/New_York" and shown_zone(admin_ctx) == company
    with pytest.raises(PermissionDenied):
        set_zone(sales_ctx, admin_ctx.actor.login, "UTC")
    with pytest.raises(ValidationError, match="not a known time zone"):
        set_zone(sales_ctx, sales_ctx.actor.login, "Mars/Olympus")
    result = CliRunner().invoke(app, ["--db", cli_db(db_url), "account", "zone", sales_ctx.actor.login, "company"])
    assert result.exit_code == 0 and f"times in {company} (the company's)" in result.output
    assert shown_zone(sales_ctx) == company
