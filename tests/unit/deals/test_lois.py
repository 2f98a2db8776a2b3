"""Letters of intent through the services: pre-fill, roles, versions, stale edits, sending, audit, nothing half-saved."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from inquiry_tui.domain.errors import NotFound, PermissionDenied, StaleWrite, ValidationError
from inquiry_tui.domain.terms import Terms
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals import lois, templates
from inquiry_tui.services.files.attachments import attachments_of
from inquiry_tui.services.inbox.thread import thread_detail
from inquiry_tui.services.records.errors import RecordError
from inquiry_tui.store.models import AuditLog
from tests.conftest import ctx_as
from tests.customer_helpers import make_buyer
from tests.deal_helpers import LINE, customer_with_inquiry


def _audit(ctx: Ctx, action: str) -> list[AuditLog]:
    from sqlmodel import select

    with ctx.read() as session:
        return list(session.exec(select(AuditLog).where(AuditLog.action == action)).all())


def _count(ctx: Ctx, table: str) -> int:
    with ctx.read() as session:
        return int(session.connection().exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())


def test_an_loi_is_prefilled_from_the_inquiry_and_its_terms(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    terms = Terms(
        quantity=Decimal(800),
        unit="sets",
        target_price=Decimal("11.8"),
        currency="EUR",
        incoterm="CIF",
        destination="Lisbon",
        payment_terms="L/C",
    )
    _, inquiry = customer_with_inquiry(admin_ctx, terms=terms)
    draft = lois.prefill_loi(ana, inquiry_id=inquiry)
    doc = draft.doc
    assert doc.currency == "EUR"
    assert [(line.sku, line.quantity, line.unit, line.unit_price) for line in doc.lines] == [
        ("FL-100W", Decimal(800), "sets", Decimal("11.80"))
    ]
    assert (doc.shipping.incoterm, doc.shipping.destination, doc.payment.method) == ("CIF", "Lisbon", "L/C")
    assert doc.total() == Decimal("9440.00")
    assert "Müller Licht GmbH" in doc.terms  # {buyer.company} filled


def test_a_template_prefills_and_given_fields_override(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    templates.add_template(
        ana,
        "FOB",
        {
            "subject": "Supply to {buyer.company}",
            "currency": "USD",
            "shipping": {"incoterm": "FOB", "port": "Ningbo"},
            "payment": {"method": "T/T", "deposit_percent": "30"},
        },
    )
    _, inquiry = customer_with_inquiry(admin_ctx)
    view = lois.draft_loi(
        ana, inquiry_id=inquiry, template="FOB", data={"lines": [LINE], "shipping": {"port": "Shenzhen"}}
    )
    assert view.doc.subject == "Supply to Müller Licht GmbH"
    assert (view.doc.shipping.incoterm, view.doc.shipping.port) == ("FOB", "Shenzhen")
    assert view.total == Decimal("6250.00") and view.template_name == "FOB" and view.status == "draft"
    assert view.doc.deposit() == Decimal("1875.00")


def test_a_salesperson_cannot_draft_for_anothers_customer(admin_ctx: Ctx) -> None:
    customer_with_inquiry(admin_ctx, "b@ben.example", owner="ben")
    ana = ctx_as(admin_ctx, "ana")
    with pytest.raises(PermissionDenied, match=r"^customer: b@ben\.example is a customer of ben"):
        lois.draft_loi(ana, customer="b@ben.example", data={"lines": [LINE]})
    assert _count(admin_ctx, "loi") == 0
    assert lois.draft_loi(admin_ctx, customer="b@ben.example").owner_login == "ben"  # the admin may


def test_a_buyer_nobody_owns_becomes_the_drafting_salespersons(admin_ctx: Ctx) -> None:
    make_buyer(admin_ctx, "free@buyer.example", name="Free")
    view = lois.draft_loi(ctx_as(admin_ctx, "cara"), customer="free@buyer.example")
    assert view.owner_login == "cara"


def test_others_cannot_see_an_loi(admin_ctx: Ctx) -> None:
    _, inquiry = customer_with_inquiry(admin_ctx)
    view = lois.draft_loi(ctx_as(admin_ctx, "ana"), inquiry_id=inquiry)
    with pytest.raises(NotFound, match=f"no LOI {view.id}"):
        lois.loi_detail(ctx_as(admin_ctx, "ben"), view.id)
    assert lois.list_lois(ctx_as(admin_ctx, "ben")) == []
    assert [r.id for r in lois.list_lois(admin_ctx)] == [view.id]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lines": [{**LINE, "quantity": "-5"}]}, r"^lines\[1\]\.quantity: -5 must be more than 0$"),
        ({"lines": [{**LINE, "unit_price": "0"}]}, r"^lines\[1\]\.unit_price: 0 must be more than 0$"),
        ({"lines": [{**LINE, "unit_price": "12.505"}]}, r"^lines\[1\]\.unit_price: 12\.505 has more than 2 decimals"),
        ({"currency": "ABC"}, r"^currency: 'ABC' is not an ISO 4217"),
        ({"currency": "JPY", "lines": [LINE]}, r"^lines\[1\]\.unit_price: 12\.50? has more than 0 decimals"),
        ({"shipping": {"ship_by": "soon"}}, r"^shipping\.ship_by: 'soon' is not a date"),
        ({"price": 3}, r"^price: unknown field; allowed: subject, currency"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_saved(admin_ctx: Ctx, data: dict[str, object], message: str) -> None:
    _, inquiry = customer_with_inquiry(admin_ctx)
    with pytest.raises(RecordError, match=message):
        lois.draft_loi(ctx_as(admin_ctx, "ana"), inquiry_id=inquiry, data=data)
    assert _count(admin_ctx, "loi") == _count(admin_ctx, "loi_version") == 0


def test_every_edit_is_a_version_and_a_stale_edit_is_refused(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    _, inquiry = customer_with_inquiry(admin_ctx)
    first = lois.draft_loi(ana, inquiry_id=inquiry, data={"lines": [LINE]})
    second = lois.edit_loi(ana, first.id, {"payment": {"method": "L/C"}}, expected_version=first.version)
    assert second.version == first.version + 1
    with pytest.raises(StaleWrite, match="changed by someone else"):
        lois.edit_loi(admin_ctx, first.id, {"terms": "mine"}, expected_version=first.version)
    versions = lois.loi_versions(ana, first.id)
    assert [(v.version, v.change, v.doc.payment.method) for v in versions] == [(1, "created", ""), (2, "edited", "L/C")]
    # each version reads as the document did then, with the lines that changed since the one before
    assert versions[1].text.startswith(f"LETTER OF INTENT — LOI {first.id}, version 2\n")
    assert "Payment: L/C" in versions[1].text and "L/C" not in versions[0].text
    assert versions[0].changed == () and [line[:2] for line in versions[1].changed] == ["- ", "+ "]
    assert versions[1].changed[1].startswith("+ Payment: L/C")
    edits = _audit(admin_ctx, "loi_edit")
    assert len(edits) == 1 and json.loads(edits[0].after)["payment"]["method"] == "L/C" and edits[0].actor == "ana"


def test_sending_puts_the_loi_on_the_thread_with_the_pdf(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    _, inquiry = customer_with_inquiry(admin_ctx)
    draft = lois.draft_loi(ana, inquiry_id=inquiry)
    with pytest.raises(ValidationError, match=r"^lines\[1\]\.unit_price: must be more than 0"):
        lois.send_loi(ana, draft.id)  # the inquiry named no price: fill it in first
    lois.edit_loi(ana, draft.id, {"lines": [LINE]})
    sent = lois.send_loi(ana, draft.id)
    assert sent.status == "sent" and sent.message_inquiry_id == inquiry
    thread = thread_detail(ana, inquiry)
    out = thread.messages[-1]
    assert out.direction == "out" and "LETTER OF INTENT" in out.body and "6,250.00 USD" in out.body
    assert thread.replied and thread.first_response_at is not None
    with admin_ctx.read() as session:
        files = attachments_of(session, [out.id])[out.id]
    assert [(f.name, f.mime) for f in files] == [(f"LOI-{draft.id}-v2.pdf", "application/pdf")]
    assert [json.loads(a.after)["status"] for a in _audit(admin_ctx, "loi_send")] == ["sent"]


def test_an_loi_without_an_inquiry_goes_on_a_new_outgoing_thread(admin_ctx: Ctx) -> None:
    make_buyer(admin_ctx, "quiet@buyer.example", owner="ana", name="Quiet")
    ana = ctx_as(admin_ctx, "ana")
    view = lois.draft_loi(ana, customer="quiet@buyer.example", data={"subject": "Offer", "lines": [LINE]})
    sent = lois.send_loi(ana, view.id)
    assert sent.message_inquiry_id is not None
    thread = thread_detail(ana, sent.message_inquiry_id)
    assert thread.owner_login == "ana" and [m.direction for m in thread.messages] == ["out"]


def test_a_confirmed_loi_is_frozen(admin_ctx: Ctx) -> None:
    ana = ctx_as(admin_ctx, "ana")
    _, inquiry = customer_with_inquiry(admin_ctx)
    view = lois.draft_loi(ana, inquiry_id=inquiry, data={"lines": [LINE]})
    with pytest.raises(ValidationError, match=r"^status: a draft LOI cannot be confirmed"):
        lois.confirm_loi(ana, view.id)
    lois.send_loi(ana, view.id)
    confirmed = lois.confirm_loi(ana, view.id)
    with pytest.raises(ValidationError, match=r"^status: the LOI is confirmed \(frozen\); it cannot be edited"):
        lois.edit_loi(ana, view.id, {"terms": "late change"})
    with pytest.raises(ValidationError, match="cannot be withdrawn"):
        lois.withdraw_loi(ana, view.id)
    assert lois.loi_detail(ana, view.id).version == confirmed.version


def test_templates_roles_copy_delete_and_stale_save(admin_ctx: Ctx) -> None:
    ana, ben = ctx_as(admin_ctx, "ana"), ctx_as(admin_ctx, "ben")
    t = templates.add_template(ana, "Mine", {"terms": "{seller.company}"})
    with pytest.raises(PermissionDenied):
        templates.save_template(ben, t.id, "Mine", {"terms": "x"})
    copy = templates.copy_template(ben, "Mine", "Ben's")
    assert copy.owner_login == "ben" and copy.doc == t.doc
    saved = templates.save_template(ana, t.id, "Mine", {"terms": "new"}, expected_version=t.version)
    with pytest.raises(StaleWrite):
        templates.save_template(admin_ctx, t.id, "Mine", {"terms": "old"}, expected_version=t.version)
    with pytest.raises(ValidationError, match="exists already"):
        templates.add_template(ana, "Mine", {})
    assert templates.delete_template(admin_ctx, t.id, expected_version=saved.version) == "Mine"
    assert [x.name for x in templates.list_templates(ana)] == ["Ben's"]
    assert {
        a.action
        for a in _audit(admin_ctx, "template_add")
        + _audit(admin_ctx, "template_delete")
        + _audit(admin_ctx, "template_copy")
    } == {"template_add", "template_delete", "template_copy"}
