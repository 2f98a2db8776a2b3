"""Every date option takes the same dates: YYYY-MM-DD in the store's years, else one `error:` line naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app

runner = CliRunner()


@pytest.mark.sqlite_only
def test_date_options_refuse_years_out_of_range_in_one_line(tmp_path: Path) -> None:
    store = str(tmp_path / "store.db")
    assert runner.invoke(app, ["--db", store, "init", "--admin", "boss"]).exit_code == 0
    assert runner.invoke(app, ["--db", store, "account", "add", "ana", "--name", "Ana"]).exit_code == 0
    cases = [
        (["account", "away", "ana", "--until", "9999-12-31"], "--until", "outside the years"),
        (["account", "away", "ana", "--until", "0001-01-01"], "--until", "outside the years"),
        (["account", "away", "ana", "--until", "soon"], "--until", "is not a date"),
        (["order", "list", "--since", "9999-12-31"], "--since", "outside the years"),
        (["order", "list", "--until", "9999-12-31"], "--until", "outside the years"),
        (["order", "list", "--since", "2026-02-30"], "--since", "is not a date"),
    ]
    for argv, option, why in cases:
        result = runner.invoke(app, ["--db", store, *argv])
        lines = result.output.strip().splitlines()
        assert result.exit_code == 1 and len(lines) == 1, (argv, result.output)
        assert lines[0].startswith(f"error: {option}: ") and why in lines[0], (argv, lines)
    fine = runner.invoke(app, ["--db", store, "order", "list", "--since", "2026-01-01", "--until", "2026-12-31"])
    assert fine.exit_code == 0, fine.output
    assert runner.invoke(app, ["--db", store, "account", "away", "ana", "--until", "2999-12-31"]).exit_code == 0
