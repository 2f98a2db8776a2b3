"""`import calls`, appointments confirmed or declined (recorded, roles, notices), the rate in `stats --json` and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.domain.calls import Outcome
from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.domain.notices import NoticeKind
from inquiry_tui.services.calls.importing import import_calls
from inquiry_tui.services.calls.log import answer_rates, call_page, decide, rates_to_dict
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notices.feed import notices
from inquiry_tui.services.records.errors import RecordError
from inquiry_tui.services.setup.settings import set_setting
from tests.conftest import ctx_as
from tests.unit.mail.mail_helpers import with_product

runner = CliRunner()


def calls_file(tmp_path: Path, rows: list[dict[str, object]], name: str = "calls.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


ROWS: list[dict[str, object]] = [
    {
        "external_id": "c1",
        "kind": "voice",
        "scenario": "product",
        "product": "FL-100W",
        "buyer": {"email": "a@buyer.example", "country": "DE"},
        "requested_at": "2026-11-23T02:00:00Z",
        "outcome": "answered",
    },
    {
        "external_id": "c2",
        "kind": "video",
        "scenario": "store",
        "buyer": {"email": "a@buyer.example"},
        "requested_at": "2026-11-23T00:30:00Z",
        "outcome": "missed",
    },
    {
        "kind": "voice",
        "scenario": "chat",
        "buyer": {"email": "new@buyer.example", "name": "New Buyer"},
        "requested_at": "2026-11-23T03:00:00Z",
        "outcome": "pending",
        "appointment_at": "2026-11-24T02:00:00Z",
        "note": "[bold]call me[/]",
    },
]


def test_import_routes_marks_windows_and_tells_owners_of_requests(admin_ctx: Ctx, tmp_path: Path) -> None:
    with_product(admin_ctx)
    set_setting(admin_ctx, "calls.windows", "workday 09:00-18:00")  # Asia/Shanghai: 01:00-10:00 UTC
    r = import_calls(admin_ctx, calls_file(tmp_path, ROWS))
    assert (r.added, r.appointments, r.outside_windows, r.buyers_added, r.already_imported) == (3, 1, 1, 2, 0)
    rows = {row.external_id if hasattr(row, "external_id") else row.id: row for row in call_page(admin_ctx, limit=10)}
    by_buyer = sorted(
        (row.buyer_email, row.owner_login, row.outcome.value, row.outside_window) for row in rows.values()
    )
    # a@buyer: the product owner ana (then sticky); the new buyer: the company contact, the main account
    assert by_buyer == [
        ("a@buyer.example", "ana", "answered", False),
        ("a@buyer.example", "ana", "missed", True),
        ("new@buyer.example", "boss", "pending", False),
    ]
    assert [n.kind for n in notices(admin_ctx)] == [NoticeKind.APPOINTMENT]
    assert "asks for a voice call at 2026-11-24 02:00 UTC" in notices(admin_ctx)[0].text
    again = import_calls(admin_ctx, calls_file(tmp_path, ROWS))
    assert (again.added, again.already_imported) == (0, 3)


def test_a_bad_line_imports_nothing(admin_ctx: Ctx, tmp_path: Path) -> None:
    bad = [*ROWS[1:], {**ROWS[1], "external_id": "c9", "outcome": "maybe"}]
    with pytest.raises(RecordError, match=r"calls.jsonl line 3, field outcome: 'maybe' is not allowed"):
        import_calls(admin_ctx, calls_file(tmp_path, bad))
    assert call_page(admin_ctx) == []
    with pytest.raises(RecordError, match="unknown SKU"):
        import_calls(admin_ctx, calls_file(tmp_path, [ROWS[0]]))


def test_confirm_and_decline_are_recorded_once_and_by_the_owner_or_admin(admin_ctx: Ctx, tmp_path: Path) -> None:
    rows = [{**ROWS[2], "external_id": f"r{i}", "buyer": {"email": f"b{i}@buyer.example"}} for i in range(3)]
    import_calls(admin_ctx, calls_file(tmp_path, rows))
    with admin_ctx.write() as session:  # give two requests to ana
        session.connection().exec_driver_sql(
            "UPDATE call_log SET owner_id = (SELECT id FROM account WHERE login = 'ana') WHERE external_id IN ('r0', 'r1')"
        )
    ana, ben = ctx_as(admin_ctx, "ana"), ctx_as(admin_ctx, "ben")
    ids = {r.buyer_email: r.id for r in call_page(admin_ctx)}
    mine = decide(ana, ids["b0@buyer.example"], True)
    assert (mine.outcome, mine.decided_by) == (Outcome.CONFIRMED, "ana")
    with pytest.raises(ValidationError, match="not a pending appointment request"):
        decide(ana, ids["b0@buyer.example"], False)
    with pytest.raises(NotFound):
        decide(ben, ids["b1@buyer.example"], True)
    assert decide(admin_ctx, ids["b1@buyer.example"], False).outcome is Outcome.DECLINED
    assert any("boss declined the appointment request" in n.text for n in notices(ana))
    with admin_ctx.read() as session:
        actions = (
            session.connection()
            .exec_driver_sql("SELECT action, actor FROM audit_log WHERE entity = 'call' ORDER BY id")
            .all()
        )
    assert [tuple(a) for a in actions][-2:] == [("appointment_confirm", "ana"), ("appointment_decline", "boss")]
    assert [r.buyer_email for r in call_page(ana, pending_only=True)] == []
    assert len(call_page(ana, appointments_only=True)) == 2


def test_the_rate_warns_below_the_minimum_and_is_in_stats_json(admin_ctx: Ctx, tmp_path: Path) -> None:
    with_product(admin_ctx)
    import_calls(admin_ctx, calls_file(tmp_path, ROWS))
    rates = answer_rates(admin_ctx)
    assert rates.company is not None and (rates.company.figures.answered, rates.company.figures.counted) == (1, 2)
    assert rates.company.below_minimum and rates.warning is not None and "suspend" in rates.warning
    set_setting(admin_ctx, "calls.min_answer_rate", "50%")
    assert answer_rates(admin_ctx).warning is None
    ana = answer_rates(ctx_as(admin_ctx, "ana"))
    assert ana.company is None and [r.login for r in ana.accounts] == ["ana"]
    db = admin_ctx.url.removeprefix("sqlite:///")
    result = runner.invoke(app, ["--db", db, "stats", "--json"])
    assert result.exit_code == 0, result.output
    calls = json.loads(result.output)["calls"]  # the CLI's clock is the real one: the shape, and the setting
    assert set(calls) == {"window_days", "min_answer_rate", "warning", "company", "accounts"}
    assert calls["min_answer_rate"] == 50 and set(calls["company"]) == set(rates_to_dict(rates)["company"])
    assert rates_to_dict(answer_rates(admin_ctx))["company"] | {"name": "x"} == {
        "login": "company",
        "name": "x",
        "answered": 1,
        "counted": 2,
        "pending": 1,
        "rate": 0.5,
        "below_minimum": False,
    }


def test_call_commands(admin_ctx: Ctx, tmp_path: Path) -> None:
    with_product(admin_ctx)
    db = admin_ctx.url.removeprefix("sqlite:///")
    out = runner.invoke(app, ["--db", db, "import", "calls", str(calls_file(tmp_path, ROWS))])
    assert out.exit_code == 0 and "imported 3 calls (1 appointment requests" in out.output
    listed = json.loads(runner.invoke(app, ["--db", db, "call", "list", "--pending", "--json"]).output)
    assert [c["outcome"] for c in listed] == ["pending"] and listed[0]["note"] == "[bold]call me[/]"
    assert "appointment confirmed" in runner.invoke(app, ["--db", db, "call", "confirm", str(listed[0]["id"])]).output
    again = runner.invoke(app, ["--db", db, "call", "decline", str(listed[0]["id"])])
    assert again.exit_code == 1 and again.output.startswith("error: ") and len(again.output.splitlines()) == 1
    text = runner.invoke(app, ["--db", db, "call", "list"])
    assert text.exit_code == 0 and "answer rate (30 days)" in text.output
