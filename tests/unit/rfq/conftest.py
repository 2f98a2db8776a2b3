"""A store with the sample company's catalogue and the sample RFQs (sample_data/rfqs.jsonl), at the fixed clock."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.rfq.importing import import_rfqs
from inquiry_tui.services.setup.company import load_json, set_up_company

SAMPLE_RFQS = Path(__file__).resolve().parents[3] / "sample_data" / "rfqs.jsonl"
QUOTE = {"price": "6.45", "currency": "USD", "moq": "500", "lead_days": "25", "incoterm": "CIF"}


@pytest.fixture
def market(admin_ctx: Ctx) -> Ctx:
    """The admin on a store with the catalogue and the eleven sample RFQs (RFQ 9 expired, 5-7 junk)."""
    set_up_company(admin_ctx, load_json("company.json"))
    import_rfqs(admin_ctx, SAMPLE_RFQS)
    return admin_ctx


def rfq_record(n: int, **changes: Any) -> dict[str, Any]:
    record = {
        "external_id": f"T-{n}",
        "posted_at": "2026-11-22T08:00:00Z",
        "buyer": {
            "email": f"buyer{n}@example.com",
            "name": f"Buyer {n}",
            "country": "DE",
            "verified": True,
            "tier": "L2",
        },
        "title": f"Need {100 + n} flood lights 100W",
        "description": "Please quote flood lights IP65 for a stadium, CIF Hamburg.",
        "category": "Flood lights",
        "quantity": 100 + n,
        "unit": "pcs",
        "destination": "DE",
    }
    record.update(changes)
    return record


def write_rfqs(path: Path, records: Iterable[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
