"""`db warm`: the dashboard's and the recommendations' caches filled on demand (a nightly job), admin only."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.domain.errors import PermissionDenied
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers import activity
from inquiry_tui.services.setup.maintenance import warm_store
from inquiry_tui.services.team import warming
from tests.conftest import ctx_as

runner = CliRunner()


def _empty_caches(ctx: Ctx) -> None:
    with ctx.engine.begin() as conn:
        for table in ("reply_day", "activity_rollup", "activity_rollup_state"):
            conn.execute(text(f"DELETE FROM {table}"))
    activity.invalidate(ctx)


def _cached(ctx: Ctx) -> tuple[int, set[str]]:
    with ctx.engine.connect() as conn:
        days = conn.execute(text("SELECT count(*) FROM reply_day")).scalar_one()
        rollups = {str(d)[:10] for d in conn.execute(text("SELECT day FROM activity_rollup_state")).scalars()}
    return days, rollups


def test_warming_fills_both_caches_and_a_second_run_finds_them_full(sample_ctx: Ctx) -> None:
    _empty_caches(sample_ctx)
    warmed = warm_store(sample_ctx)
    assert warmed.skipped == () and warmed.reply_days > 0
    days, rollups = _cached(sample_ctx)
    today = sample_ctx.now().date()
    assert days > 0
    assert {today.isoformat(), (today + timedelta(days=1)).isoformat()} <= rollups  # today's, tomorrow's prepared
    assert warm_store(sample_ctx).reply_days == 0  # nothing left to compute


def test_only_the_admin_warms(sample_ctx: Ctx) -> None:
    with pytest.raises(PermissionDenied):
        warm_store(ctx_as(sample_ctx, "ana"))


@pytest.mark.sqlite_only  # the command line opens the store by its path
def test_a_cache_the_store_refuses_is_named_and_the_command_exits_1(sample_ctx: Ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db = sample_ctx.url.removeprefix("sqlite:///")
    done = runner.invoke(app, ["--db", db, "db", "warm"])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("reply rates: ") and "activity rollup: today's built" in done.output

    def busy(*_args: object, **_kwargs: object) -> int:
        raise OperationalError("INSERT INTO reply_day", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(warming, "warm_reply_days", busy)
    refused = runner.invoke(app, ["--db", db, "db", "warm"])
    assert refused.exit_code == 1
    assert "reply rates: skipped, the store was busy or read-only; run it again" in refused.output
    assert "activity rollup: today's built" in refused.output  # the other cache is still warmed
