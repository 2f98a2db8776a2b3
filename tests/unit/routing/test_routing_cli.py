"""The routing commands through CliRunner: account away/limit/list --json, allocate --dry-run/--json, note, settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.arrivals.test_cli_arrivals import ROW, assert_one_line_error, run, write


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db = tmp_path / "cli.db"
    assert run(db, "init", "--name", "The Boss").exit_code == 0
    for login in ("ana", "ben"):
        assert run(db, "account", "add", login, "--name", login.title()).exit_code == 0
    assert run(db, "product", "add", "FL-100W", "--name", "Flood", "--owner", "ana").exit_code == 0
    assert run(db, "product", "add", "MAIN-1", "--name", "Main lamp", "--owner", "boss").exit_code == 0
    return db


def test_away_and_limit_from_the_command_line(store: Path, tmp_path: Path) -> None:
    result = run(store, "account", "away", "ana", "--until", "2099-01-02")
    assert result.exit_code == 0 and "ana is away until 2099-01-02" in result.output
    assert run(store, "account", "limit", "ben", "1").output.strip() == "ben: at most 1 open inquiries"
    rows = [{**ROW, "external_id": f"x-{n}", "buyer": {"email": f"b{n}@x.example"}} for n in range(2)]
    result = run(store, "import", "inquiries", str(write(tmp_path, "in.jsonl", rows)))
    assert result.exit_code == 0, result.output
    accounts = {a["login"]: a for a in json.loads(run(store, "account", "list", "--json").output)}
    assert accounts["ana"] == {
        "active": True,
        "away": True,
        "away_until": "2099-01-02",
        "full": False,
        "limit": None,
        "login": "ana",
        "name": "Ana",
        "open": 0,
        "role": "sales",
    }
    text = run(store, "account", "list").output
    assert "until 2099-01-02" in text and "LIMIT" in text
    assert run(store, "account", "limit", "ben", "--off").output.strip() == "ben: no limit"
    assert run(store, "account", "away", "ana", "--off").output.strip() == "ana is back"
    assert_one_line_error(run(store, "account", "limit", "ben"), "give a limit N, or --off")
    assert_one_line_error(run(store, "account", "away", "ana", "--until", "soon"), "not a date")
    assert_one_line_error(run(store, "account", "limit", "ana", "3", login="ana"), "only the admin")


def test_allocate_dry_run_prints_each_move_and_changes_nothing(store: Path, tmp_path: Path) -> None:
    rows = [
        {**ROW, "external_id": f"m-{n}", "product": "MAIN-1", "buyer": {"email": f"m{n}@x.example"}} for n in range(3)
    ]
    assert run(store, "import", "inquiries", str(write(tmp_path, "in.jsonl", rows))).exit_code == 0
    assert run(store, "settings", "set", "allocation.rotation_members", "ana,ben").exit_code == 0
    assert run(store, "settings", "set", "allocation.rotation", "true").exit_code == 0
    dry = run(store, "allocate", "--dry-run")
    assert dry.exit_code == 0
    assert dry.output.splitlines() == [
        "allocated #1: boss -> ana (rotation): product owned by boss (product); rotated to ana (rotation)",
        "allocated #2: boss -> ben (rotation): product owned by boss (product); rotated to ben (rotation)",
        "allocated #3: boss -> ana (rotation): product owned by boss (product); rotated to ana (rotation)",
        "dry run: allocated 3 waiting inquiries; 0 escalated, 0 returned from away (would move 3)",
    ]
    data = json.loads(run(store, "allocate", "--json").output)
    assert data["dry_run"] is False and [m["to"] for m in data["moved"]] == ["ana", "ben", "ana"]
    assert set(data) == {"dry_run", "escalated", "moved", "returned", "waiting"}
    assert "allocated 0 waiting inquiries" in run(store, "allocate").output
    exported = run(store, "export", "allocations", "--days", "3650", "--format", "jsonl").output
    assert "product owned by boss (product); rotated to ana (rotation)" in exported


def test_notes_from_the_command_line(store: Path, tmp_path: Path) -> None:
    assert run(store, "import", "inquiries", str(write(tmp_path, "in.jsonl", [ROW]))).exit_code == 0
    result = run(store, "note", "add", "--inquiry", "1", "Call them today")
    assert result.exit_code == 0 and result.output.strip() == "note 1 left on #1 for ana"
    [note] = json.loads(run(store, "note", "list", "--json", login="ana").output)
    assert (note["to"], note["text"], note["seen_at"], note["on"]) == ("ana", "Call them today", None, "inquiry")
    assert run(store, "note", "seen", "--all", login="ana").output.strip() == "1 notes marked seen"
    assert json.loads(run(store, "note", "list", "--unseen", "--json", login="ana").output) == []
    assert_one_line_error(run(store, "note", "add", "x"), "give --inquiry ID or --customer EMAIL")
    assert_one_line_error(run(store, "note", "add", "--inquiry", "1", "x", login="ana"), "only the admin")
    assert_one_line_error(run(store, "note", "seen", "7", login="ana"), "no note 7 for you")


def test_settings_show_the_new_keys(store: Path) -> None:
    assert run(store, "settings", "set", "allocation.reassign_after_hours", "6").exit_code == 0
    assert run(store, "settings", "set", "contact.email", "Desk@X.example").exit_code == 0
    data = json.loads(run(store, "settings", "show", "--json").output)
    assert data["allocation"]["reassign_after_hours"] == 6
    assert data["contact"] == {"email": "desk@x.example", "name": "", "phone": ""}
    assert run(store, "settings", "set", "allocation.reassign_after_hours", "off").exit_code == 0
    assert json.loads(run(store, "settings", "show", "--json").output)["allocation"]["reassign_after_hours"] is None
    assert_one_line_error(
        run(store, "settings", "set", "allocation.reassign_after_hours", "soon"), "not a whole number of hours"
    )
    assert_one_line_error(run(store, "settings", "set", "contact.email", "x@"), "contact.email")
    assert_one_line_error(run(store, "settings", "set", "contact.fax", "1"), "allowed keys", "contact.email")
