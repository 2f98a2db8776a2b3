"""The deals' commands in-process (typer's CliRunner): the flow, --json shapes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.services.context import Ctx
from tests.deal_helpers import LINE, customer_with_inquiry

runner = CliRunner()


def run(ctx: Ctx, *args: str, login: str = "boss") -> tuple[int, str, str]:
    result = runner.invoke(
        app, ["--db", ctx.url, *(["--as", login] if login != "boss" else []), *args], env={"INQUIRY_TUI_LOGIN": "boss"}
    )
    return result.exit_code, result.stdout, result.stderr


def test_the_whole_deal_by_command(admin_ctx: Ctx, tmp_path: Path) -> None:
    customer_with_inquiry(admin_ctx, "hans@mueller.example")
    template = tmp_path / "fob.json"
    template.write_text(
        json.dumps({"subject": "Supply to {buyer.company}", "shipping": {"incoterm": "FOB", "port": "Ningbo"}})
    )
    assert run(admin_ctx, "template", "add", "FOB", "--file", str(template))[0] == 0
    code, out, _ = run(admin_ctx, "template", "list", "--json")
    assert [t["name"] for t in json.loads(out)] == ["FOB"]
    doc = tmp_path / "loi.json"
    doc.write_text(json.dumps({"currency": "EUR", "lines": [{**LINE, "unit_price": 12.5}]}))
    code, out, err = run(
        admin_ctx,
        "loi",
        "new",
        "--customer",
        "hans@mueller.example",
        "--template",
        "FOB",
        "--file",
        str(doc),
        login="ana",
    )
    assert code == 0, err
    loi_id = out.strip()
    shown = json.loads(run(admin_ctx, "loi", "show", loi_id, "--json", login="ana")[1])
    assert (shown["id"], shown["status"], shown["customer"], shown["currency"], shown["total"]) == (
        int(loi_id),
        "draft",
        "hans@mueller.example",
        "EUR",
        "6250.00",
    )
    assert shown["lines"] == [
        {
            "sku": "FL-100W",
            "description": "100W LED Flood Light",
            "quantity": "500",
            "unit": "pcs",
            "unit_price": "12.50",
            "amount": "6250.00",
        }
    ]
    assert shown["subject"] == "Supply to Müller Licht GmbH"
    assert run(admin_ctx, "loi", "send", loi_id, login="ana")[0] == 0
    assert run(admin_ctx, "loi", "confirm", loi_id, login="ana")[0] == 0
    pdf = tmp_path / "loi.pdf"
    assert run(admin_ctx, "loi", "export", loi_id, "-o", str(pdf), login="ana")[0] == 0
    assert pdf.read_bytes().startswith(b"%PDF-")
    code, number, _ = run(admin_ctx, "order", "from-loi", loi_id, login="ana")
    number = number.strip()
    assert code == 0 and number.startswith("SO-")
    assert run(admin_ctx, "order", "status", number, "shipped", login="ana")[1] == f"order {number} is shipped\n"
    listed = json.loads(run(admin_ctx, "order", "list", "--json")[1])
    assert [o["number"] for o in listed["orders"]] == [number]
    assert listed["totals"] == [{"currency": "EUR", "orders": 1, "total": "6250.00"}] and listed["count"] == 1
    shown = json.loads(run(admin_ctx, "order", "show", number, "--json")[1])
    assert (shown["status"], shown["customer"], shown["total"], shown["lines"][0]["amount"]) == (
        "shipped",
        "hans@mueller.example",
        "6250.00",
        "6250.00",
    )
    assert [h["to"] for h in shown["history"]] == ["confirmed", "shipped"]
    versions = json.loads(run(admin_ctx, "loi", "versions", loi_id, "--json", login="ana")[1])
    assert [v["change"] for v in versions] == ["created", "sent", "confirmed"]


def test_errors_are_one_line(admin_ctx: Ctx, tmp_path: Path) -> None:
    customer_with_inquiry(admin_ctx, "b@ben.example", owner="ben")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"lines": [{**LINE, "quantity": "-1"}]}))
    code, out, err = run(admin_ctx, "loi", "new", "--customer", "b@ben.example", "--file", str(bad))
    assert (code, out, err) == (1, "", "error: bad.json, field lines[1].quantity: -1 must be more than 0\n")
    code, _, err = run(admin_ctx, "loi", "new", "--customer", "b@ben.example", login="ana")
    assert code == 1 and err.startswith("error: customer: b@ben.example is a customer of ben") and err.count("\n") == 1
    code, _, err = run(admin_ctx, "order", "status", "SO-NOPE", "paid")
    assert (code, err) == (1, "error: no order SO-NOPE\n")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    code, _, err = run(admin_ctx, "template", "add", "X", "--file", str(broken))
    assert code == 1 and err.startswith("error: broken.json: is not valid JSON")


def test_import_orders_by_command(admin_ctx: Ctx, tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    path.write_text(
        json.dumps(
            {
                "number": "AL-7",
                "placed_at": "2026-11-20T08:00:00Z",
                "buyer": {"email": "x@y.example"},
                "currency": "USD",
                "sku": "A",
                "quantity": 2,
                "unit_price": "5",
            }
        )
        + "\n"
    )
    code, out, _ = run(admin_ctx, "import", "orders", str(path))
    assert (code, out) == (0, "imported 1 orders (confirmed 1); 1 new customers\n")
    code, out, _ = run(admin_ctx, "customer", "list", "--stage", "first_order", "--json")
    assert [c["email"] for c in json.loads(out)] == ["x@y.example"]
