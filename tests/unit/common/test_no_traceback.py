"""Issue 11, item 2: the inputs that once gave a traceback now give one `error:` line naming file, line and field.

Each case of the issue is here once (the fuzz in test_import_fuzz.py covers their mixtures), and
the last-resort handler: an error nobody foresaw prints one line naming the error log, which
holds its traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.services.context import Ctx
from tests.conftest import cli_db, store_rows

runner = CliRunner()
LINE = {
    "external_id": "X-1",
    "channel": "inquiry",
    "received_at": "2026-11-20T09:05:00Z",
    "buyer": {"email": "a@b.example"},
}


def one_error_line(result, *fragments: str) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert not lines[0].startswith("error: unexpected"), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return str(lines[0])


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (
            json.dumps({**LINE, "received_at": "0001-01-01T00:00:00+05:00"}),
            ("line 1, field received_at", "1900 to 2999"),
        ),
        (json.dumps({**LINE, "received_at": "9999-12-31T23:59:59Z"}), ("line 1, field received_at", "1900 to 2999")),
        (json.dumps({**LINE, "subject": "\ud800"}), ("line 1, field subject", "lone surrogate")),
        (json.dumps({**LINE, "buyer": {"email": "a@b.example", "name": "x\udcff"}}), ("field buyer.name", "surrogate")),
        ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", ("line 1", "nested more than 64 levels")),
        (json.dumps(LINE)[:-1] + ', "quantity": ' + "9" * 5000 + "}", ("line 1", "at most 100 digits")),
        (json.dumps({**LINE, "quantity": 10**30}), ("line 1, field quantity",)),
        (json.dumps({**LINE, "buyer": {"email": "@"}}), ("line 1, field buyer.email", "not an e-mail address")),
    ],
    ids=["year1", "year9999", "surrogate", "surrogate-nested", "deep", "digits", "bigint", "at-sign"],
)
def test_hostile_import_values(
    admin_ctx: Ctx, db_url: str, tmp_path: Path, text: str, fragments: tuple[str, ...]
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(text + "\n", encoding="utf-8", errors="surrogatepass")
    line = one_error_line(runner.invoke(app, ["--db", cli_db(db_url), "import", "inquiries", str(path)]), *fragments)
    assert "bad.jsonl" in line
    assert store_rows(cli_db(db_url), "SELECT count(*) FROM inquiry") == [(0,)]


def test_numbers_past_the_store_and_bad_places(admin_ctx: Ctx, db_url: str, tmp_path: Path) -> None:
    db = cli_db(db_url)
    huge = "99999999999999999999999"
    for words in (["inquiry", "assign", huge, "ana"], ["attachment", "list", huge], ["note", "seen", huge]):
        one_error_line(runner.invoke(app, ["--db", db, *words]), "too large")
    one_error_line(runner.invoke(app, ["--db", db, "db", "backup", "/proc/nonexistent/x.db"]), "/proc/nonexistent")


def test_settings_values_that_json_cannot_hold(admin_ctx: Ctx, db_url: str) -> None:
    db = cli_db(db_url)
    cases = [
        ("reception.smart_questions", "[" * 100_000, "nested more than 64 levels"),
        ("reception.faq", "9" * 5000, "at most 100 digits"),
        ("reception.welcome", "caf\udce9", "not UTF-8 text"),
        ("reception.smart_questions", '"notalist"', "got a JSON string"),
    ]
    for key, value, fragment in cases:
        one_error_line(runner.invoke(app, ["--db", db, "settings", "set", key, value]), key, fragment)


def test_a_driver_that_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ImportError
    result = runner.invoke(app, ["--db", "postgresql://u@localhost/x", "stats"])
    one_error_line(result, "psycopg", "pip install")


def test_last_resort_one_line_and_the_log(
    admin_ctx: Ctx, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug nobody foresaw")

    monkeypatch.setattr("inquiry_tui.services.setup.settings.get_settings", broken)
    result = runner.invoke(app, ["--db", cli_db(db_url), "settings", "show"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: unexpected KeyError"), result.output
    log = tmp_path / "state" / "inquiry-tui" / "log" / "errors.log"
    assert str(log) in lines[0]
    assert "Traceback" in log.read_text(encoding="utf-8") and "a bug nobody foresaw" in log.read_text(encoding="utf-8")
