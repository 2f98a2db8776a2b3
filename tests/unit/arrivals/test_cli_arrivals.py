"""The arrivals commands through CliRunner: happy paths and one-line errors with a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.services.context import connect
from inquiry_tui.services.setup.company import load_json, set_up_company
from tests.conftest import cli_db

SAMPLE_DIR = Path(__file__).resolve().parents[3] / "sample_data"

runner = CliRunner()


def run(db: Path | str, *args: str, login: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", str(db), *args], env={"INQUIRY_TUI_LOGIN": login} if login else {})


def assert_one_line_error(result, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture
def store(db_url: str) -> str:
    db = cli_db(db_url)
    assert run(db, "init", "--name", "The Boss").exit_code == 0
    for login in ("ana", "ben"):
        assert run(db, "account", "add", login, "--name", login.title()).exit_code == 0
    assert run(db, "product", "add", "FL-100W", "--name", "Flood", "--owner", "ana").exit_code == 0
    return db


def write(tmp_path: Path, name: str, rows: list[dict[str, object]]) -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


ROW = {
    "external_id": "x-1",
    "channel": "inquiry",
    "received_at": "2026-11-20T10:00:00Z",
    "buyer": {"email": "a@b.example", "country": "DE"},
    "product": "FL-100W",
    "subject": "=1+1",
    "body": "Please quote 100 pcs.",
}


def test_import_and_export_inquiries(store: str, tmp_path: Path) -> None:
    result = run(store, "import", "inquiries", str(write(tmp_path, "in.jsonl", [ROW])))
    assert result.exit_code == 0, result.output
    assert "imported 1 inquiries (rules: product 1)" in result.output
    result = run(store, "export", "inquiries")
    assert result.exit_code == 0 and "'=1+1" in result.output and "ana,product,inbox" in result.output
    out = tmp_path / "out.jsonl"
    result = run(store, "export", "inquiries", "--folder", "inbox", "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 0 and json.loads(out.read_text())["subject"] == "=1+1"
    result = run(store, "export", "inquiries", login="ben")
    assert result.exit_code == 0 and result.output.count("\n") == 1  # header only: ben owns nothing


def test_import_errors_are_one_line(store: str, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.jsonl", [ROW, {**ROW, "external_id": "x-2", "received_at": "yesterday"}])
    assert_one_line_error(
        run(store, "import", "inquiries", str(bad)), "bad.jsonl line 2, field received_at", "'yesterday'"
    )
    assert_one_line_error(run(store, "import", "inquiries", str(tmp_path / "none.jsonl")), "no such file")
    assert_one_line_error(run(store, "import", "inquiries", str(write(tmp_path, "in.txt", [ROW]))), "unknown file type")
    assert_one_line_error(
        run(store, "import", "inquiries", str(write(tmp_path, "in.jsonl", [ROW])), login="ana"), "only the admin"
    )
    assert_one_line_error(
        run(store, "export", "inquiries", "--folder", "archive"), "allowed: inbox, junk, deleted, unread, sent, tagged"
    )
    assert_one_line_error(run(store, "export", "inquiries", "--format", "xml"), "allowed: csv, jsonl")


def test_sample_files_import(store: str) -> None:
    set_up_company(connect(str(store)), load_json("company.json"))  # the sample company's SKUs and people
    for kind, name in (
        ("inquiries", "inquiries.jsonl"),
        ("inquiries", "inquiries.csv"),
        ("chats", "chats.jsonl"),
        ("chats", "chats.csv"),
        ("inquiries", "inquiries-with-files.jsonl"),
        ("chats", "chats-with-files.jsonl"),
    ):
        result = run(store, "import", kind, str(SAMPLE_DIR / name))
        assert result.exit_code == 0, result.output
    assert "; 2 attachments" in result.output  # the chat file's photo and drawing
    exported = run(store, "export", "inquiries", "--folder", "junk", "--format", "jsonl").output
    assert "seo-rankers" in exported
    again = run(store, "import", "chats", str(SAMPLE_DIR / "chats.jsonl"))
    assert again.exit_code == 0 and "0 new threads" in again.output and "7 lines were already imported" in again.output


def test_import_chats(store: str, tmp_path: Path) -> None:
    line = {
        "buyer": {"email": "k@x.example"},
        "sent_at": "2026-11-20T10:00:00Z",
        "from": "buyer",
        "text": "hello, price?",
    }
    chats = write(tmp_path, "c.jsonl", [line, {**line, "from": "seller", "text": "USD 5"}])
    result = run(store, "import", "chats", str(chats), "--customers")
    assert result.exit_code == 0 and "1 new threads" in result.output and "1 customers" in result.output
    # Without --customers, chat buyers stay buyers until someone chooses them (`chat customers`).
    other = write(tmp_path, "e.jsonl", [{**line, "buyer": {"email": "m@x.example"}}])
    result = run(store, "import", "chats", str(other))
    assert result.exit_code == 0 and "1 chat buyers" in result.output
    assert_one_line_error(
        run(store, "import", "chats", str(write(tmp_path, "d.jsonl", [{**line, "from": "robot"}]))), "field from"
    )


def test_assign_allocate_and_export_allocations(store: str, tmp_path: Path) -> None:
    run(store, "import", "inquiries", str(write(tmp_path, "in.jsonl", [{**ROW, "product": None}])))
    result = run(store, "inquiry", "assign", "1", "ben")
    assert result.exit_code == 0 and "inquiry 1: boss -> ben (manual)" in result.output
    assert_one_line_error(run(store, "inquiry", "assign", "99", "ben"), "no inquiry 99")
    assert_one_line_error(run(store, "inquiry", "assign", "1", "ana", login="ana"), "no inquiry 1")
    result = run(store, "allocate")
    assert result.exit_code == 0 and "allocated 0 waiting inquiries" in result.output
    assert_one_line_error(run(store, "allocate", login="ana"), "only the admin")
    result = run(store, "export", "allocations", "--days", "3650")
    assert result.exit_code == 0 and "manual" in result.output and "company_contact" in result.output


def test_allocate_moves_waiting_after_rotation(store: str, tmp_path: Path) -> None:
    run(store, "import", "inquiries", str(write(tmp_path, "in.jsonl", [{**ROW, "product": None}])))
    assert run(store, "settings", "set", "allocation.rotation_members", "ana,ben").exit_code == 0
    assert run(store, "settings", "set", "allocation.rotation", "true").exit_code == 0
    result = run(store, "allocate")
    assert result.exit_code == 0 and "allocated 1 waiting inquiries" in result.output


def test_deactivate_with_successor(store: str, tmp_path: Path) -> None:
    run(store, "import", "inquiries", str(write(tmp_path, "in.jsonl", [ROW])))
    result = run(store, "account", "deactivate", "ana", "--successor", "ben")
    assert result.exit_code == 0 and "ben took over 1 open inquiries, 1 buyers, 1 products" in result.output
    assert_one_line_error(run(store, "account", "deactivate", "ben", "--successor", "ana"), "deactivated")
