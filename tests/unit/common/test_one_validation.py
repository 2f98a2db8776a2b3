"""Issue 11, item 3: one validation for every way in (services/records/rules.py).

The same bad value is refused, in the same words, by every importer, form and setting that takes
it: e-mail addresses, countries and one-line names. (The TUI's forms call the same services as
the commands here.)
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.services.context import Ctx
from tests.conftest import cli_db

runner = CliRunner()


def refused(db: str, words: list[str], fragment: str) -> None:
    result = runner.invoke(app, ["--db", db, *words])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith("error: "), (words, result.output)
    assert fragment in lines[0], (words, lines[0])


def _inquiry_file(tmp_path: Path, buyer: dict[str, str]) -> str:
    line = {"external_id": "V-1", "channel": "inquiry", "received_at": "2026-11-20T09:05:00Z", "buyer": buyer}
    path = tmp_path / "inquiries.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return str(path)


def _customer_file(tmp_path: Path, email: str, name: str) -> str:
    path = tmp_path / "customers.jsonl"
    path.write_text(json.dumps({"email": email, "name": name}) + "\n", encoding="utf-8")
    return str(path)


def test_one_email_rule(admin_ctx: Ctx, db_url: str, tmp_path: Path) -> None:
    db = cli_db(db_url)
    for bad in ("@", "a..b@example.com"):
        why = "is not an e-mail address"
        refused(db, ["import", "inquiries", _inquiry_file(tmp_path, {"email": bad})], why)
        refused(db, ["import", "customers", _customer_file(tmp_path, bad, "X")], why)
        refused(db, ["customer", "add", bad, "--name", "X"], why)
        refused(db, ["block", "add", "email", bad], why)
        refused(db, ["settings", "set", "contact.email", bad], why)
        refused(db, ["settings", "set", "mail.from", f"Sales <{bad}>"], why)


def test_one_country_rule(admin_ctx: Ctx, db_url: str, tmp_path: Path) -> None:
    db = cli_db(db_url)
    why = "'XX' is not an ISO 3166-1 alpha-2 country code"
    refused(db, ["import", "inquiries", _inquiry_file(tmp_path, {"email": "a@b.example", "country": "XX"})], why)
    refused(db, ["customer", "add", "a@b.example", "--name", "A", "--country", "XX"], why)
    refused(db, ["region", "assign", "XX", "ana"], why)
    refused(db, ["block", "add", "country", "XX"], "XX")


def test_one_line_rule_for_names(admin_ctx: Ctx, db_url: str, tmp_path: Path) -> None:
    db = cli_db(db_url)
    two_lines = "Two\nLines"
    refused(db, ["import", "customers", _customer_file(tmp_path, "a@b.example", two_lines)], "must be one line")
    refused(db, ["customer", "add", "a@b.example", "--name", two_lines], "must be one line")
    refused(db, ["account", "add", "zed", "--name", two_lines], "must be one line")
    refused(db, ["product", "add", "SKU-1", "--name", two_lines], "must be one line")
    refused(db, ["account", "add", "zed", "--name", "z" * 201], "at most 200")
    refused(db, ["product", "add", "S" * 65, "--name", "P"], "at most 64")
    refused(db, ["settings", "set", "reception.smart_questions", '"notalist"'], "got a JSON string")
