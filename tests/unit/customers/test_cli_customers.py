"""`customer list|add|show|transfer` and `import customers|activity` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from tests.conftest import cli_db

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[3] / "sample_data"


def run(db: Path | str, *args: str, login: str | None = None):  # type: ignore[no-untyped-def]
    env = {"INQUIRY_TUI_LOGIN": login} if login else {}
    return runner.invoke(app, ["--db", str(db), *args], env=env)


@pytest.fixture
def store(db_url: str) -> str:
    db = cli_db(db_url)
    assert run(db, "init", "--name", "The Boss").exit_code == 0
    for login, name in (("ana", "Ana Zhou"), ("ben", "Ben Wu")):
        assert run(db, "account", "add", login, "--name", name).exit_code == 0
    return db


def one_line_error(result, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    for fragment in fragments:
        assert fragment in lines[0]


def test_add_list_show_transfer(store: str) -> None:
    added = run(
        store,
        "customer",
        "add",
        "Lena@Lichtwerk.de",
        "--name",
        "Lena",
        "--company",
        "Lichtwerk",
        "--country",
        "de",
        "--stars",
        "5",
        "--group",
        "Projects",
        "--tag",
        "stadium",
        login="ana",
    )
    assert added.exit_code == 0, added.output
    assert "lena@lichtwerk.de" in added.output and "owner ana" in added.output
    listed = run(store, "customer", "list", "--json", login="ana")
    rows = json.loads(listed.output)
    assert [r["email"] for r in rows] == ["lena@lichtwerk.de"]
    assert sorted(rows[0]) == sorted(
        [
            "email",
            "name",
            "company",
            "country",
            "group",
            "type",
            "source",
            "stars",
            "tags",
            "owner",
            "last_contact_at",
            "verified",
            "tier",
            "activity",
        ]
    )
    assert (
        json.loads(run(store, "customer", "list", "--tag", "stars=5", "--tag", "tag=stadium", "--json").output)[0][
            "owner"
        ]
        == "ana"
    )
    assert json.loads(run(store, "customer", "list", "--tag", "group=nothing", "--json").output) == []
    table = run(store, "customer", "list", "--search", "licht")
    assert "Lichtwerk" in table.output and "1 customer" in table.output
    shown = json.loads(run(store, "customer", "show", "lena@lichtwerk.de", "--json").output)
    assert shown["country_name"] == "Germany" and shown["activity"]["level"] == 0
    assert set(shown["behaviour"]) == {
        "product_views",
        "valid_inquiries",
        "replies",
        "valid_rfqs",
        "login_days",
        "junk_inquiries",
        "times_blacklisted",
    }
    assert set(shown["activity"]["dimensions"]) == {"access", "procurement", "trade", "inquiries", "searches"}
    assert shown["authenticity"]["verdict"] in ("Likely genuine", "Unclear", "Doubtful")
    text = run(store, "customer", "show", "lena@lichtwerk.de")
    assert "authenticity:" in text.output and "activity:" in text.output
    moved = run(store, "customer", "transfer", "lena@lichtwerk.de", "ben")
    assert moved.exit_code == 0 and "ana -> ben" in moved.output


def test_bad_input_is_one_line(store: str) -> None:
    one_line_error(run(store, "customer", "add", "nope", "--name", "X"), "email")
    one_line_error(run(store, "customer", "add", "a@b.com", "--name", "X", "--country", "XX"), "country")
    one_line_error(run(store, "customer", "add", "a@b.com", "--name", "X", "--stars", "8"), "stars")
    one_line_error(run(store, "customer", "list", "--tag", "colour=red"), "colour=red")
    one_line_error(run(store, "customer", "list", "--sort", "size"), "--sort")
    one_line_error(run(store, "customer", "show", "ghost@x.com"), "ghost@x.com")
    assert run(store, "customer", "add", "mine@x.com", "--name", "M", login="ana").exit_code == 0
    one_line_error(run(store, "customer", "transfer", "mine@x.com", "ben", login="ana"), "only the admin")
    one_line_error(run(store, "customer", "show", "mine@x.com", login="ben"), "no customer")
    assert json.loads(run(store, "customer", "list", "--json").output)[0]["email"] == "mine@x.com"  # only one saved


def test_imports(store: str, tmp_path: Path) -> None:
    ok = run(store, "import", "customers", str(SAMPLE / "customers.csv"))
    assert ok.exit_code == 0 and "imported 5 customers: 5 added" in ok.output
    again = run(store, "import", "customers", str(SAMPLE / "customers.csv"))
    assert "0 added, 5 merged" in again.output
    activity = run(store, "import", "activity", str(SAMPLE / "activity.jsonl"))
    assert activity.exit_code == 0 and "activity events" in activity.output
    bad = tmp_path / "bad.csv"
    bad.write_text("email,name,country\nx@y.com,X,DE\nz@y.com,Z,Narnia\n", encoding="utf-8")
    one_line_error(run(store, "import", "customers", str(bad)), "bad.csv line 3, field country")
    one_line_error(run(store, "import", "customers", str(tmp_path / "missing.csv")), "no such file")
    assert len(json.loads(run(store, "customer", "list", "--json").output)) == 5  # nothing from bad.csv
