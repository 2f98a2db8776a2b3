"""An inquiry's structured terms from the import: checked, kept, shown in the thread, exported."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from inquiry_tui.services.arrivals.importing import import_inquiries
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox.export import COLUMNS, write_inquiries
from inquiry_tui.services.inbox.thread import thread_detail
from inquiry_tui.services.records.errors import RecordError
from tests.customer_helpers import make_product

RECORD = {
    "external_id": "T-1",
    "channel": "inquiry",
    "received_at": "2026-11-22T08:00:00Z",
    "buyer": {"email": "ines@lumen.example", "name": "Inês", "country": "PT"},
    "product": "FL-100W",
    "subject": "Stadium lights",
    "body": "Need 800 pcs",
    "quantity": 800,
    "unit": "pcs",
    "target_price": "11.80",
    "currency": "eur",
    "payment_terms": "L/C at sight",
    "incoterm": "cif",
    "destination": "Lisbon",
    "sample_requested": "yes",
}


def _file(tmp_path: Path, record: dict[str, object]) -> Path:
    path = tmp_path / "inq.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def test_terms_are_imported_shown_and_exported(admin_ctx: Ctx, tmp_path: Path) -> None:
    make_product(admin_ctx, "FL-100W", "Flood", owner="ana")
    report = import_inquiries(admin_ctx, _file(tmp_path, RECORD))
    assert report.first_id is not None
    terms = thread_detail(admin_ctx, report.first_id).terms
    assert (
        terms.target_price,
        terms.currency,
        terms.incoterm,
        terms.destination,
        terms.payment_terms,
        terms.sample_requested,
    ) == (
        Decimal("11.80"),
        "EUR",
        "CIF",
        "Lisbon",
        "L/C at sight",
        True,
    )
    out = io.StringIO()
    write_inquiries(admin_ctx, out, fmt="csv")
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(row) == list(COLUMNS)
    assert (row["target_price"], row["currency"], row["incoterm"], row["sample_requested"]) == (
        "11.8",
        "EUR",
        "CIF",
        "true",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target_price", "-3", "-3 must be more than 0"),
        ("currency", "dollars", "'dollars' is not an ISO 4217 currency code"),
        ("incoterm", "cheap please", "is not an Incoterm"),
        ("sample_requested", "maybe", "'maybe' is not true or false"),
    ],
)
def test_bad_terms_name_file_line_and_field(
    admin_ctx: Ctx, tmp_path: Path, field: str, value: str, message: str
) -> None:
    make_product(admin_ctx, "FL-100W", "Flood", owner="ana")
    with pytest.raises(RecordError, match=rf"^inq\.jsonl line 1, field {field}: .*{message}"):
        import_inquiries(admin_ctx, _file(tmp_path, {**RECORD, field: value}))
