"""`import rfqs`: all or nothing, buyers found or added, junk judged, fit stored, subscribers told once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from inquiry_tui.domain.errors import PermissionDenied, ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notices.feed import notices
from inquiry_tui.services.rfq.importing import import_rfqs
from inquiry_tui.services.rfq.market import RfqQuery, count_rfqs, rfq_detail, rfq_page
from inquiry_tui.services.rfq.subscriptions import subscribe
from inquiry_tui.services.setup.company import load_json, set_up_company
from tests.conftest import ctx_as
from tests.unit.rfq.conftest import SAMPLE_RFQS, rfq_record, write_rfqs


def _count(ctx: Ctx, sql: str, **params: object) -> int:
    with ctx.read() as session:
        return int(session.execute(text(sql), params).scalar_one())


def test_the_sample_file_imports_with_junk_expired_and_fits(market: Ctx) -> None:
    rows = rfq_page(market, RfqQuery()).rows
    assert [r.external_id for r in rows][:2] == ["RFQ-2026-118810", "RFQ-2026-118811"]  # newest posted first
    assert {r.external_id: str(r.status) for r in rows}["RFQ-2026-118809"] == "expired"
    junk = rfq_page(market, RfqQuery(junk=True)).rows
    assert sorted(r.external_id for r in junk) == ["RFQ-2026-118805", "RFQ-2026-118806", "RFQ-2026-118807"]
    reasons = " ".join(why for r in junk for why in r.junk_reasons)
    for kind in ("price probing", "fraud", "advertising"):
        assert kind in reasons
    assert count_rfqs(market, RfqQuery(open_only=True)) == 7
    street = next(r for r in rows if r.external_id == "RFQ-2026-118802")
    assert street.fit > 0 and "Street" in " ".join(street.fit_terms)
    cookware = next(r for r in rows if r.external_id == "RFQ-2026-118811")
    assert cookware.fit == 0
    # The RFQ's buyer: added as a visitor of the market (no owner, not a customer).
    detail = rfq_detail(market, street.id)
    assert detail.buyer_email == "k.schmidt@lichtwerk.example"
    assert _count(market, "SELECT count(*) FROM buyer WHERE owner_id IS NULL AND is_customer = :no", no=False) >= 11


def test_a_bad_line_saves_nothing_and_names_file_line_and_field(admin_ctx: Ctx, tmp_path: Path) -> None:
    bad = [
        (rfq_record(2, expires_at="2026-11-21T00:00:00Z"), "field expires_at", "not after posted_at"),
        (rfq_record(2, destination="Atlantis"), "field destination", "ISO 3166-1"),
        (rfq_record(2, target_price="-3", currency="USD"), "field target_price", "more than 0"),
        (rfq_record(2, target_price="3"), "field target_price", "needs a currency"),
        (rfq_record(2, currency="XYZ"), "field currency", "ISO 4217"),
        (rfq_record(2, title=""), "field title", "is missing"),
        (rfq_record(1), "field external_id", "appears twice (first on line 1)"),
    ]
    for record, where, what in bad:
        path = write_rfqs(tmp_path / "rfqs.jsonl", [rfq_record(1), record, rfq_record(3)])
        with pytest.raises(ValidationError) as caught:
            import_rfqs(admin_ctx, path)
        message = str(caught.value)
        assert message.startswith(f"rfqs.jsonl line 2, {where}:") and what in message, message
        assert "\n" not in message
    assert _count(admin_ctx, "SELECT count(*) FROM rfq") == 0
    assert _count(admin_ctx, "SELECT count(*) FROM buyer") == 0


def test_an_external_id_already_in_the_store_is_refused(market: Ctx) -> None:
    with pytest.raises(ValidationError, match=r"line 1, field external_id: 'RFQ-2026-118801' is already in the store"):
        import_rfqs(market, SAMPLE_RFQS)
    assert _count(market, "SELECT count(*) FROM rfq") == 11


def test_only_the_admin_imports(admin_ctx: Ctx) -> None:
    with pytest.raises(PermissionDenied):
        import_rfqs(ctx_as(admin_ctx, "ana"), SAMPLE_RFQS)


def test_a_new_matching_rfq_tells_each_subscriber_once(admin_ctx: Ctx, tmp_path: Path) -> None:
    set_up_company(admin_ctx, load_json("company.json"))
    ana, ben = ctx_as(admin_ctx, "ana"), ctx_as(admin_ctx, "ben")
    subscribe(ana, "flood light")
    subscribe(ana, "stadium")  # a second word of ana's matching the same RFQ: still one notice
    subscribe(ben, "street light")
    records = [
        rfq_record(1),
        rfq_record(2, title="Street lights", description="120W cobra head"),
        rfq_record(3, posted_at="2026-10-01T00:00:00Z"),  # expired already: nobody is told
        rfq_record(4, description="We pay by Western Union, 100% after delivery. Ship the goods first."),  # junk
    ]
    result = import_rfqs(admin_ctx, write_rfqs(tmp_path / "rfqs.jsonl", records))
    assert (result.rfqs, result.junk, result.open, result.notices) == (4, 1, 2, 2)
    told = notices(ana)
    assert len(told) == 1 and told[0].ref_kind == "rfq" and told[0].kind == "rfq_match"
    assert "'flood light'" in told[0].text and "'stadium'" in told[0].text
    assert [n.text for n in notices(ben)] == ["New RFQ matches 'street light': Street lights"]
    assert notices(ctx_as(admin_ctx, "cara")) == []


def test_import_writes_one_audit_row(market: Ctx) -> None:
    assert _count(market, "SELECT count(*) FROM audit_log WHERE action = 'rfq_import'") == 1
