"""Deals on the TUI tests' sample store: a customer of ana with a fresh inquiry, a template, a few orders."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlmodel import select

from inquiry_tui.domain.terms import Terms, terms_to_json
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals import importing, templates
from inquiry_tui.store.models import Product
from tests.conftest import FIXED_NOW, ctx_as
from tests.customer_helpers import make_buyer, make_thread


def fresh_inquiry(ctx: Ctx) -> int:
    """The newest inquiry of ana: Hans Müller (her customer) asks for 500 FL-100W, CIF Hamburg."""
    from inquiry_tui.store.models import Inquiry

    buyer = make_buyer(
        ctx,
        "hans@mueller.example",
        owner="ana",
        name="Hans Müller",
        company="Müller Licht GmbH",
        country="DE",
        is_customer=True,
    )
    with ctx.read() as session:
        product = session.exec(select(Product).where(Product.sku == "FL-100W")).one().id
    inquiry = make_thread(
        ctx,
        buyer,
        "ana",
        FIXED_NOW - timedelta(seconds=30),
        product_id=product,
        subject="500 flood lights for a stadium",
    )
    with ctx.write() as session:
        row = session.get(Inquiry, inquiry)
        assert row is not None
        row.terms = terms_to_json(
            Terms(quantity=Decimal(500), unit="pcs", incoterm="CIF", destination="Hamburg", payment_terms="T/T")
        )
        session.add(row)
    return inquiry


def add_template(ctx: Ctx) -> int:
    return templates.add_template(
        ctx_as(ctx, "ana"),
        "FOB Ningbo, 30% deposit",
        {
            "subject": "Supply of LED lighting to {buyer.company}",
            "currency": "USD",
            "lines": [{"sku": "FL-100W", "description": "100W LED Flood Light IP65", "quantity": "100", "unit": "pcs"}],
            "shipping": {"incoterm": "FOB", "port": "Ningbo", "destination": "{buyer.country}"},
            "payment": {"method": "T/T", "deposit_percent": "30"},
            "contacts": {"seller": "{seller.name}", "buyer": "{buyer.name}"},
            "terms": "Prices valid 30 days. Balance against the B/L copy. {seller.company}",
        },
    ).id


def add_orders(ctx: Ctx, tmp_path: Path) -> None:
    rows = []
    buyers = [
        ("hans@mueller.example", "Hans Müller", "Müller Licht GmbH", "DE"),
        ("yuki@tokyo-led.example", "佐藤 由紀", "東京LED株式会社", "JP"),
        ("ines@lumen.example", "Inês Gonçalves", "Lumen Iluminação Lda", "PT"),
    ]
    for n in range(12):
        email, name, company, country = buyers[n % 3]
        code = ("USD", "JPY", "EUR")[n % 3]
        price = ("12.50", "1800", "11.80")[n % 3]
        rows.append(
            {
                "number": f"AL-{2001 + n}",
                "placed_at": (FIXED_NOW - timedelta(days=n, hours=3)).isoformat(),
                "buyer": {"email": email, "name": name, "company": company, "country": country},
                "currency": code,
                "status": ("confirmed", "paid", "shipped", "completed", "cancelled")[n % 5],
                "kind": "sample" if n == 4 else "regular",
                "lines": [
                    {
                        "sku": "FL-100W",
                        "description": "100W LED Flood Light",
                        "quantity": 50 + 10 * n,
                        "unit": "pcs",
                        "unit_price": price,
                    }
                ],
            }
        )
    path = tmp_path / "orders.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    importing.import_orders(ctx, path)
