"""`import orders FILE`: JSONL and CSV, all or nothing, buyers found or added, stages counted."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.profile import buyer_profile
from inquiry_tui.services.deals import importing, orders
from inquiry_tui.services.deals.views import OrderQuery
from inquiry_tui.services.records.errors import RecordError
from tests.conftest import ctx_as
from tests.customer_helpers import make_buyer

ORDERS = [
    {
        "number": "AL-1",
        "placed_at": "2026-11-20T08:00:00Z",
        "buyer": {
            "email": "yuki@tokyo-led.example",
            "name": "佐藤 由紀",
            "company": "東京LED株式会社",
            "country": "JP",
        },
        "currency": "JPY",
        "kind": "sample",
        "lines": [{"sku": "FL-100W", "description": "Flood light", "quantity": 10, "unit": "pcs", "unit_price": 2500}],
    },
    {
        "number": "AL-2",
        "placed_at": "2026-11-21T08:00:00+08:00",
        "buyer": {"email": "Known@Buyer.example"},
        "currency": "USD",
        "status": "paid",
        "lines": [{"sku": "FL-200W", "quantity": "100", "unit_price": "30.5"}],
    },
]


def _write(tmp_path: Path, rows: list[dict[str, object]], name: str = "orders.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_import_adds_orders_buyers_and_stages(admin_ctx: Ctx, tmp_path: Path) -> None:
    known = make_buyer(admin_ctx, "known@buyer.example", owner="ana", name="Known")
    result = importing.import_orders(admin_ctx, _write(tmp_path, ORDERS))
    assert (result.orders, result.buyers_created, result.by_status) == (2, 1, (("confirmed", 1), ("paid", 1)))
    rows = orders.order_page(admin_ctx, OrderQuery()).rows
    assert [(r.number, r.currency, r.total, r.kind, r.source, r.owner_login) for r in rows] == [
        ("AL-2", "USD", Decimal("3050.00"), "regular", "marketplace", "ana"),
        ("AL-1", "JPY", Decimal("25000"), "sample", "marketplace", None),
    ]
    assert [r.number for r in orders.order_page(ctx_as(admin_ctx, "ana"), OrderQuery()).rows] == ["AL-2"]
    profile = buyer_profile(admin_ctx, known)
    assert (profile.is_customer, profile.stage) == (True, "first_order")
    yuki = orders.order_detail(admin_ctx, "AL-1").buyer
    assert (yuki.name, yuki.company, yuki.country) == ("佐藤 由紀", "東京LED株式会社", "JP")
    assert buyer_profile(admin_ctx, yuki.buyer_id).stage == "sample"


def test_csv_import_takes_one_line_per_order(admin_ctx: Ctx, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        "number,placed_at,buyer.email,buyer.name,currency,sku,description,quantity,unit,unit_price,status\n"
        "AL-9,2026-11-22T10:00:00Z,ines@lumen.example,Inês Gonçalves,EUR,FL-100W,Flood,20,pcs,11.8,shipped\n",
        encoding="utf-8",
    )
    assert importing.import_orders(admin_ctx, path).orders == 1
    view = orders.order_detail(admin_ctx, "AL-9")
    assert (view.status, view.total, view.buyer.name) == ("shipped", Decimal("236.00"), "Inês Gonçalves")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"currency": "XXY"}, r"orders\.jsonl line 2, field currency: 'XXY' is not an ISO 4217"),
        (
            {"lines": [{"sku": "A", "quantity": 0, "unit_price": 1}]},
            r"line 2, field lines\[1\]\.quantity: 0 must be more than 0",
        ),
        (
            {"lines": [{"sku": "A", "quantity": 1, "unit_price": "9.999"}]},
            r"line 2, field lines\[1\]\.unit_price: 9\.999 has more than 2 decimals",
        ),
        ({"status": "lost"}, r"line 2, field status: 'lost' is not allowed"),
        ({"number": "AL-1"}, r"line 2, field number: 'AL-1' appears twice \(first on line 1\)"),
        ({"placed_at": "yesterday"}, r"line 2, field placed_at: 'yesterday' is not an ISO 8601 time"),
        ({"total": "5"}, r"line 2, field total: unknown field"),
    ],
)
def test_a_bad_line_imports_nothing(admin_ctx: Ctx, tmp_path: Path, bad: dict[str, object], message: str) -> None:
    with pytest.raises(RecordError, match=message):
        importing.import_orders(admin_ctx, _write(tmp_path, [ORDERS[0], {**ORDERS[1], **bad}]))
    assert orders.order_totals(admin_ctx, OrderQuery()).orders == 0


def test_an_order_number_already_in_the_store_is_refused(admin_ctx: Ctx, tmp_path: Path) -> None:
    importing.import_orders(admin_ctx, _write(tmp_path, ORDERS[:1]))
    with pytest.raises(
        RecordError, match=r"line 1, field number: 'AL-1' is already in the store; nothing was imported"
    ):
        importing.import_orders(admin_ctx, _write(tmp_path, ORDERS, "again.jsonl"))
    assert orders.order_totals(admin_ctx, OrderQuery()).orders == 1


def test_only_the_admin_imports(admin_ctx: Ctx, tmp_path: Path) -> None:
    from inquiry_tui.domain.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        importing.import_orders(ctx_as(admin_ctx, "ana"), _write(tmp_path, ORDERS))
