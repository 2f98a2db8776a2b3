"""`import rfqs`, `rfq list|show|quote|quota|quotes|won|subscribe|unsubscribe|subscriptions` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from tests.unit.rfq.conftest import SAMPLE_RFQS

runner = CliRunner()
LIST_KEYS = {"id", "external_id", "title", "quantity", "destination", "posted_at", "expires_at", "status"}


def run(db: Path, *args: str, login: str | None = None):  # type: ignore[no-untyped-def]
    env = {"INQUIRY_TUI_LOGIN": login} if login else {}
    return runner.invoke(app, ["--db", str(db), *args], env=env)


def one_line_error(result, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db = tmp_path / "cli.db"
    assert run(db, "init", "--name", "The Boss").exit_code == 0
    for args in (
        ("account", "add", "ana", "--name", "Ana"),
        ("product", "add", "DL-12W", "--name", "12W Recessed LED Downlight"),
    ):
        assert run(db, *args).exit_code == 0
    imported = run(db, "import", "rfqs", str(SAMPLE_RFQS))
    assert imported.exit_code == 0, imported.output
    assert "imported 11 RFQs" in imported.output and "3 junk" in imported.output
    return db


def test_list_and_show_in_json(store: Path) -> None:
    # The sample's dates are November 2026; the real clock decides what is open, so only shapes are checked here.
    listed = json.loads(run(store, "rfq", "list", "--json").output)
    assert len(listed) == 8 and all(row.keys() >= LIST_KEYS for row in listed)
    assert all(row["status"] in ("open", "expired") for row in listed)
    junk = json.loads(run(store, "rfq", "list", "--junk", "--json").output)
    assert {row["status"] for row in junk} == {"junk"}
    found = json.loads(run(store, "rfq", "list", "--keyword", "downlight", "--keyword", "DALI", "--json").output)
    assert [row["external_id"] for row in found] == ["RFQ-2026-118801"]
    by_country = json.loads(
        run(store, "rfq", "list", "--country", "de", "--category", "street lights", "--json").output
    )
    assert [row["external_id"] for row in by_country] == ["RFQ-2026-118802"]
    shown = json.loads(run(store, "rfq", "show", "RFQ-2026-118805", "--json").output)
    assert shown["status"] == "junk" and any("price probing" in why for why in shown["junk_reasons"])
    assert shown["buyer_email"] == "sales@cheap-prices-research.example" and shown["quote"] is None


def test_recommended_rows_carry_their_reason(store: Path) -> None:
    rows = json.loads(run(store, "rfq", "list", "--recommended", "--json").output)
    for row in rows:
        assert LIST_KEYS | {"reason", "score"} <= row.keys()
        assert row["reason"].startswith("matches ") and row["status"] == "open"


def test_quota_json_and_bad_input_is_one_line(store: Path) -> None:
    quota = json.loads(run(store, "rfq", "quota", "--json").output)
    assert {"month", "used", "limit"} <= quota.keys() and quota["limit"] == 20 and quota["used"] == 0
    one_line_error(
        run(
            store,
            "rfq",
            "quote",
            "RFQ-2026-118801",
            "--price",
            "0",
            "--currency",
            "USD",
            "--moq",
            "1",
            "--lead-days",
            "3",
        ),
        "price: 0 must be more than 0",
    )
    one_line_error(
        run(store, "rfq", "quote", "1", "--price", "1", "--currency", "ABC", "--moq", "1", "--lead-days", "3"),
        "currency: 'ABC' is not an ISO 4217",
    )
    one_line_error(
        run(
            store,
            "rfq",
            "quote",
            "RFQ-2026-118809",
            "--price",
            "1",
            "--currency",
            "USD",
            "--moq",
            "1",
            "--lead-days",
            "3",
        ),
        "RFQ 9 expired",
    )
    one_line_error(
        run(
            store,
            "rfq",
            "quote",
            "RFQ-2026-118806",
            "--price",
            "1",
            "--currency",
            "USD",
            "--moq",
            "1",
            "--lead-days",
            "3",
        ),
        "RFQ 6 is junk",
    )
    one_line_error(run(store, "rfq", "show", "nope"), "no RFQ 'nope'")
    one_line_error(run(store, "rfq", "subscribe", ""), "word: must not be empty")
    one_line_error(run(store, "rfq", "subscribe", "x" * 500), "word: is too long (500 characters; at most 100)")
    one_line_error(run(store, "settings", "set", "rfq.monthly_quota", "lots"), "rfq.monthly_quota")
    one_line_error(run(store, "import", "rfqs", str(SAMPLE_RFQS)), "rfqs.jsonl line 1, field external_id")
    assert json.loads(run(store, "rfq", "quota", "--json").output)["used"] == 0


def test_subscriptions_are_each_persons_own(store: Path) -> None:
    assert run(store, "rfq", "subscribe", "  Solar   Street ", login="ana").output.strip() == "following 'solar street'"
    one_line_error(run(store, "rfq", "subscribe", "solar street", login="ana"), "already follow 'solar street'")
    assert json.loads(run(store, "rfq", "subscriptions", "--json", login="ana").output)[0]["word"] == "solar street"
    assert json.loads(run(store, "rfq", "subscriptions", "--json").output) == []
    assert "no longer following" in run(store, "rfq", "unsubscribe", "SOLAR street", login="ana").output
    one_line_error(run(store, "rfq", "unsubscribe", "solar street", login="ana"), "you do not follow")
