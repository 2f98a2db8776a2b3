"""`inquiry-tui stats [--json]`: the dashboard's figures, the stable JSON, roles and `--as`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.services.context import connect
from inquiry_tui.services.team.stats import stats_to_dict, team_stats
from tests.conftest import _on_own_host
from tests.unit.conftest import ENGINES

runner = CliRunner()


def run(db: Path | str, *args: str, login: str = "boss"):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", str(db), *args], env={"INQUIRY_TUI_LOGIN": login})


@pytest.fixture(scope="module", params=ENGINES)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "sqlite":
            db = str(tmp_path_factory.mktemp("cli-stats") / "s.db")
        else:
            cluster = request.getfixturevalue("pg_cluster")
            db = cluster.url(cluster.take(request.getfixturevalue("pg_head_template")))
            _on_own_host(patch)  # a server store: the OS user is the account (tests/conftest.py)
        assert run(db, "init", "--name", "The Boss").exit_code == 0
        result = run(db, "seed", "--inquiries", "600", "--seed", "7")
        assert result.exit_code == 0, result.output
        yield db


def test_json_is_the_same_figures_as_the_dashboard(store: str) -> None:
    result = run(store, "stats", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"now", "window_days", "timezone", "days", "company", "accounts", "calls"}
    assert data["window_days"] == 30 and len(data["days"]) == len(data["company"]["trend"])
    ctx = connect(str(store), None)
    try:
        expected = stats_to_dict(team_stats(ctx))
    finally:
        ctx.close()
    # The clock moved between the two calls: compare everything but `now`.
    for key in ("company", "accounts", "days", "timezone"):
        assert data[key] == expected[key]
    company = data["company"]["reply_rate"]
    assert company["counted"] > 0 and 0 <= company["rate"] <= 1
    assert {"login", "open", "overdue", "reply_rate", "median_first_response_seconds", "load_today", "trend"} <= set(
        data["accounts"][0]
    )


def test_table_shows_every_account_and_the_company(store: str) -> None:
    result = run(store, "stats")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["LOGIN", "NAME", "OPEN", "OVERDUE"]
    logins = [line.split()[0] for line in lines[1:] if line.strip() and not line.startswith("company reply")]
    assert "ana" in logins and "gus" in logins and logins[-1] == "company"
    assert "%" in result.output and "company reply rate by day" in result.output


def test_a_salesperson_gets_only_their_own_row(store: str) -> None:
    result = run(store, "stats", "--json", login="ana")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["company"] is None
    assert [a["login"] for a in data["accounts"]] == ["ana"]
    table = run(store, "stats", login="ana")
    assert "company" not in table.output.split() and "ben" not in table.output.split()


def test_as_is_for_the_admin_only(store: str) -> None:
    as_ana = run(store, "--as", "ana", "stats", "--json")
    assert as_ana.exit_code == 0, as_ana.output
    assert [a["login"] for a in json.loads(as_ana.output)["accounts"]] == ["ana"]
    refused = run(store, "--as", "boss", "stats", login="ana")
    assert refused.exit_code == 1
    assert refused.output.strip() == "error: --as is only for the admin (main account)"
