"""Letters of intent: pre-fill, draft, edit (versioned), send, confirm, withdraw; one transaction each.

An LOI is drafted for a customer, optionally from an inquiry (its product, quantity, unit and
structured terms pre-fill it) and optionally from a template; fields given by the user (a
`--file` or the editor) override the pre-filled ones. Every saved state is a row of
`loi_version`; an edit or action carrying the version the user saw is refused if someone saved
since (stale write). Editable until confirmed, then frozen.

Sending puts the LOI on a thread as an outgoing message (its text) with the PDF attached: the
inquiry it came from; else the buyer's newest thread the LOI's owner holds (any, for an LOI
without an owner); else a new outgoing thread, as outreach starts one.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from inquiry_tui.domain import money
from inquiry_tui.domain.deals import (
    Contacts,
    DealDoc,
    Line,
    LoiStatus,
    check_complete,
    doc_from_json,
    doc_to_dict,
    doc_to_json,
    loi_move,
    merged,
)
from inquiry_tui.domain.errors import InquiryError, NotFound, StaleWrite, ValidationError
from inquiry_tui.domain.placeholders import fill_doc
from inquiry_tui.domain.terms import terms_from_json
from inquiry_tui.domain.vocabulary import Channel, Direction, Folder, Rule
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals.access import (
    buyer_by_email,
    check_own_customer,
    login_of,
    may_see,
    party,
    placeholder_values,
    seller_company,
)
from inquiry_tui.services.deals.documents import Document, find_fonts, render_pdf, render_text
from inquiry_tui.services.deals.views import LoiRow, LoiVersionInfo, LoiView, Party
from inquiry_tui.services.files.attachments import attach
from inquiry_tui.services.records.deals import deal_patch
from inquiry_tui.services.setup.settings import load_settings
from inquiry_tui.services.team.zone import clock_in, on_clock
from inquiry_tui.store.core import id_of
from inquiry_tui.store.models import (
    AllocationRecord,
    Buyer,
    ContractTemplate,
    DealOrder,
    Inquiry,
    Loi,
    LoiVersion,
    Message,
    Product,
)
from inquiry_tui.store.queries import deals as q
from inquiry_tui.store.queries.contact import contacted

PAGE = 200


@dataclass(frozen=True)
class LoiDraft:
    """A pre-filled, not yet saved LOI: what the editor opens with."""

    buyer: Party
    inquiry_id: int | None
    template_name: str | None
    doc: DealDoc


# --- reading ------------------------------------------------------------------------------------


def _load(session: Session, ctx: Ctx, loi_id: int) -> Loi:
    loi = session.get(Loi, loi_id)
    if loi is None or not may_see(ctx, loi.owner_id):
        raise NotFound(f"no LOI {loi_id}")
    return loi


def _view(session: Session, loi: Loi) -> LoiView:
    buyer = session.get(Buyer, loi.buyer_id)
    assert buyer is not None  # a foreign key
    template = session.get(ContractTemplate, loi.template_id) if loi.template_id else None
    order = session.exec(select(DealOrder).where(DealOrder.loi_id == loi.id)).one_or_none()
    message = session.get(Message, loi.message_id) if loi.message_id else None
    doc = doc_from_json(loi.doc)
    return LoiView(
        id=id_of(loi),
        status=loi.status,
        buyer=party(buyer),
        owner_login=login_of(session, loi.owner_id),
        inquiry_id=loi.inquiry_id,
        template_name=template.name if template else None,
        doc=doc,
        total=doc.total(),
        created_at=loi.created_at,
        updated_at=loi.updated_at,
        sent_at=loi.sent_at,
        closed_at=loi.closed_at,
        version=loi.version,
        order_id=order.id if order else None,
        order_number=order.number if order else None,
        message_inquiry_id=message.inquiry_id if message else None,
    )


def loi_detail(ctx: Ctx, loi_id: int) -> LoiView:
    with ctx.read() as session:
        return _view(session, _load(session, ctx, loi_id))


def loi_versions(ctx: Ctx, loi_id: int) -> list[LoiVersionInfo]:
    """Every saved state of the LOI, oldest first, each with its text as the document read then and the lines
    that changed since the version before."""
    with ctx.read() as session:
        loi = _load(session, ctx, loi_id)
        rows = session.exec(
            select(LoiVersion).where(LoiVersion.loi_id == loi_id).order_by(col(LoiVersion.version))
        ).all()
        buyer = session.get(Buyer, loi.buyer_id)
        assert buyer is not None
        seller, who, zone = seller_company(session), party(buyer), clock_in(session, ctx)
    out: list[LoiVersionInfo] = []
    before: list[str] = []
    for v in rows:
        doc = doc_from_json(v.doc)
        at = on_clock(v.at, zone)
        text = render_text(
            Document("Letter of intent", f"LOI {loi_id}, version {v.version}", v.status, at, seller, who, doc)
        )
        lines = text.splitlines()
        changed = _changed(before, lines) if before else ()
        out.append(LoiVersionInfo(v.version, v.at, v.actor, v.status, v.change, doc, text, changed))
        before = lines
    return out


def _changed(before: list[str], after: list[str]) -> tuple[str, ...]:
    """The lines removed ("- ") and added ("+ ") from BEFORE to AFTER, in document order; the reference and
    date lines, which every version changes, left out."""
    skip = ("LETTER OF INTENT — ", "Date: ")
    out = []
    for line in difflib.unified_diff(before, after, n=0, lineterm=""):
        if line.startswith(("---", "+++", "@@")) or line[1:].startswith(skip):
            continue
        out.append(f"{line[0]} {line[1:]}")
    return tuple(out)


def list_lois(ctx: Ctx, *, status: str | None = None, before_id: int | None = None, limit: int = PAGE) -> list[LoiRow]:
    """The LOIs the actor may see, newest first, one page before BEFORE_ID."""
    if status is not None and status not in tuple(LoiStatus):
        raise ValidationError(f"status: {status!r} is not allowed; allowed: {', '.join(LoiStatus)}")
    owner = None if ctx.actor.is_admin else (ctx.actor.id if ctx.actor.id is not None else -1)
    with ctx.read() as session:
        conn = session.connection()
        rows = q.loi_page(conn, owner_id=owner, status=status, before_id=before_id, limit=max(1, min(limit, PAGE)))
        buyers = q.buyers(conn, [r.buyer_id for r in rows])
        logins = q.logins(conn) if rows else {}
    out = []
    for r in rows:
        b = buyers[r.buyer_id]
        doc = doc_from_json(r.doc)
        out.append(
            LoiRow(
                r.id,
                r.status,
                b.email,
                b.name,
                b.company,
                doc.subject,
                r.currency,
                money.from_minor(r.total_minor, r.currency),
                r.updated_at,
                logins.get(r.owner_id) if r.owner_id is not None else None,
                r.version,
            )
        )
    return out


# --- pre-filling ----------------------------------------------------------------------------------


def _inquiry(session: Session, ctx: Ctx, inquiry_id: int) -> Inquiry:
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None or (not ctx.actor.is_admin and inquiry.owner_id != ctx.actor.id):
        raise NotFound(f"inquiry: no inquiry {inquiry_id}")
    return inquiry


def _template(session: Session, ref: str | int | None) -> ContractTemplate | None:
    if ref is None or ref == "":
        return None
    if isinstance(ref, int):
        found = session.get(ContractTemplate, ref)
    else:
        found = session.exec(select(ContractTemplate).where(ContractTemplate.name == ref.strip())).one_or_none()
    if found is None:
        raise NotFound(f"template: no contract template {str(ref)!r}; see `inquiry-tui template list`")
    return found


def _prefill(
    session: Session, ctx: Ctx, buyer: Buyer, inquiry: Inquiry | None, template: ContractTemplate | None
) -> DealDoc:
    settings = load_settings(session)
    values = placeholder_values(session, ctx, buyer)
    doc = doc_from_json(template.doc) if template else DealDoc(currency=settings.deals.currency)
    if template is None:
        doc = replace(
            doc,
            subject="Letter of intent: {inquiry.product}" if inquiry and inquiry.product_id else "Letter of intent",
            contacts=Contacts(seller="{seller.name}, {seller.company}", buyer="{buyer.name}, {buyer.email}"),
            terms="This letter states the intent of {buyer.company} to buy the goods above from "
            "{seller.company} on these terms; a contract follows on confirmation.",
        )
    if inquiry is not None:
        terms = terms_from_json(inquiry.terms)
        product = session.get(Product, inquiry.product_id) if inquiry.product_id else None
        values.update(
            {
                "inquiry.id": str(inquiry.id),
                "inquiry.subject": inquiry.subject,
                "inquiry.product": f"{product.sku} {product.name}" if product else "",
                "inquiry.quantity": money.text(terms.quantity) if terms.quantity else _qty(inquiry.quantity),
                "inquiry.unit": terms.unit or inquiry.unit or "",
            }
        )
        code = doc.currency
        if terms.currency:
            with suppress(ValidationError):  # a stated currency we cannot use: the template's stays
                code = money.currency(terms.currency)
        quantity = terms.quantity or (Decimal(str(inquiry.quantity)) if inquiry.quantity else None)
        if product is not None or quantity is not None:
            price = (
                money.quantize(terms.target_price, code)
                if terms.target_price and terms.target_price > 0
                else Decimal(0)
            )
            line = Line(
                sku=product.sku if product else "",
                description=product.name if product else inquiry.subject[:200],
                quantity=quantity if quantity and quantity > 0 else Decimal(1),
                unit=terms.unit or inquiry.unit or "pcs",
                unit_price=price,
            )
            others = tuple(old for old in doc.lines if not (product and old.sku == product.sku))
            doc = replace(doc, lines=(line, *others))
        shipping = doc.shipping
        doc = replace(
            doc,
            currency=code,
            shipping=replace(
                shipping,
                incoterm=terms.incoterm or shipping.incoterm,
                destination=terms.destination or shipping.destination or buyer.country or "",
                ship_by=terms.delivery_date or shipping.ship_by,
            ),
            payment=replace(doc.payment, method=terms.payment_terms or doc.payment.method),
        )
    elif not doc.shipping.destination and buyer.country:
        doc = replace(doc, shipping=replace(doc.shipping, destination=buyer.country))
    return fill_doc(doc, values)


def _qty(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _buyer_for(
    session: Session, ctx: Ctx, customer: str | None, buyer_id: int | None, inquiry: Inquiry | None
) -> Buyer:
    if inquiry is not None:
        buyer = session.get(Buyer, inquiry.buyer_id)
    elif buyer_id is not None:
        buyer = session.get(Buyer, buyer_id)
        if buyer is None:
            raise NotFound(f"customer: no buyer {buyer_id}")
    elif customer:
        buyer = buyer_by_email(session, customer)
    else:
        raise ValidationError("customer: name the customer (e-mail) or the inquiry")
    assert buyer is not None
    if customer and inquiry is not None and buyer.email != customer.strip().lower():
        raise ValidationError(f"customer: inquiry {inquiry.id} is from {buyer.email}, not {customer.strip().lower()}")
    check_own_customer(session, ctx, buyer)
    return buyer


def prefill_loi(
    ctx: Ctx,
    *,
    customer: str | None = None,
    buyer_id: int | None = None,
    inquiry_id: int | None = None,
    template: str | int | None = None,
) -> LoiDraft:
    """What a new LOI would hold, not saved (the editor shows it, then draft_loi saves the edited form)."""
    with ctx.read() as session:
        inquiry = _inquiry(session, ctx, inquiry_id) if inquiry_id is not None else None
        buyer = _buyer_for(session, ctx, customer, buyer_id, inquiry)
        t = _template(session, template)
        return LoiDraft(party(buyer), inquiry_id, t.name if t else None, _prefill(session, ctx, buyer, inquiry, t))


# --- writing --------------------------------------------------------------------------------------


def _version_row(session: Session, ctx: Ctx, loi: Loi, change: str) -> None:
    session.add(
        LoiVersion(
            loi_id=id_of(loi),
            version=loi.version,
            at=ctx.now(),
            actor=ctx.actor.login,
            status=loi.status,
            change=change,
            doc=loi.doc,
        )
    )


def _set_doc(loi: Loi, doc: DealDoc) -> None:
    loi.doc = doc_to_json(doc)
    loi.currency = doc.currency
    loi.total_minor = money.to_minor(doc.total(), doc.currency)


def draft_loi(
    ctx: Ctx,
    *,
    customer: str | None = None,
    buyer_id: int | None = None,
    inquiry_id: int | None = None,
    template: str | int | None = None,
    data: Mapping[str, Any] | None = None,
    path: Path | None = None,
) -> LoiView:
    """A new draft LOI, pre-filled, with DATA's fields overriding; returns it (its id is new)."""
    now = ctx.now()
    with ctx.write() as session:
        inquiry = _inquiry(session, ctx, inquiry_id) if inquiry_id is not None else None
        buyer = _buyer_for(session, ctx, customer, buyer_id, inquiry)
        t = _template(session, template)
        doc = _prefill(session, ctx, buyer, inquiry, t)
        if data:
            doc = merged(doc, deal_patch(data, doc, path=path))
        owner_id = buyer.owner_id
        if owner_id is None and not ctx.actor.is_admin and ctx.actor.id is not None:
            # A buyer nobody owned becomes the salesperson's customer, as outreach makes them. A Core
            # update: the buyer's version is for people editing the customer, whose form stays valid.
            session.execute(update(Buyer).where(col(Buyer.id) == buyer.id).values(owner_id=ctx.actor.id))
            owner_id = ctx.actor.id
        loi = Loi(
            buyer_id=id_of(buyer),
            owner_id=owner_id,
            inquiry_id=inquiry.id if inquiry else None,
            template_id=t.id if t else None,
            status=LoiStatus.DRAFT.value,
            created_by=ctx.actor.id,
            created_at=now,
            updated_at=now,
        )
        _set_doc(loi, doc)
        session.add(loi)
        session.flush()
        _version_row(session, ctx, loi, "created")
        audit(
            session,
            ctx,
            "loi_draft",
            "loi",
            loi.id,
            after={
                "customer": buyer.email,
                "inquiry": loi.inquiry_id,
                "template": t.name if t else None,
                **doc_to_dict(doc),
            },
        )
        return _view(session, loi)


def _for_change(session: Session, ctx: Ctx, loi_id: int, expected_version: int | None) -> Loi:
    loi = _load(session, ctx, loi_id)
    if expected_version is not None and loi.version != expected_version:
        raise StaleWrite(f"LOI {loi_id}")
    return loi


def edit_loi(
    ctx: Ctx,
    loi_id: int,
    data: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    path: Path | None = None,
) -> LoiView:
    """Change the LOI's fields DATA gives (a new version); refused once confirmed or withdrawn."""
    with ctx.write() as session:
        loi = _for_change(session, ctx, loi_id, expected_version)
        loi_move(loi.status, "edit")
        old = doc_from_json(loi.doc)
        doc = merged(old, deal_patch(data, old, path=path))
        if doc == old:
            return _view(session, loi)
        _set_doc(loi, doc)
        loi.updated_at = ctx.now()
        session.add(loi)
        session.flush()  # the version goes up (and a concurrent save is caught)
        _version_row(session, ctx, loi, "edited")
        audit(session, ctx, "loi_edit", "loi", loi.id, before=doc_to_dict(old), after=doc_to_dict(doc))
        return _view(session, loi)


def _status(ctx: Ctx, loi_id: int, action: str, expected_version: int | None) -> LoiView:
    with ctx.write() as session:
        loi = _for_change(session, ctx, loi_id, expected_version)
        before = loi.status
        loi.status = loi_move(loi.status, action).value
        loi.updated_at = loi.closed_at = ctx.now()
        session.add(loi)
        session.flush()
        _version_row(session, ctx, loi, loi.status)
        audit(session, ctx, f"loi_{action}", "loi", loi.id, before={"status": before}, after={"status": loi.status})
        return _view(session, loi)


def confirm_loi(ctx: Ctx, loi_id: int, *, expected_version: int | None = None) -> LoiView:
    """The buyer agreed: the LOI is frozen and may become an order."""
    return _status(ctx, loi_id, "confirm", expected_version)


def withdraw_loi(ctx: Ctx, loi_id: int, *, expected_version: int | None = None) -> LoiView:
    return _status(ctx, loi_id, "withdraw", expected_version)


def loi_document(view: LoiView, seller: str, zone: tzinfo = UTC) -> Document:
    """The LOI as a document, dated on ZONE's clock (the reader's or sender's: `clock_in`)."""
    updated = on_clock(view.updated_at, zone)
    return Document("Letter of intent", f"LOI {view.id}", view.status, updated, seller, view.buyer, view.doc)


def loi_pdf(ctx: Ctx, loi_id: int) -> bytes:
    """The LOI as a PDF (`loi export`)."""
    with ctx.read() as session:
        view = _view(session, _load(session, ctx, loi_id))
        seller = seller_company(session)
        font = load_settings(session).deals.font
        zone = clock_in(session, ctx)
    return render_pdf(loi_document(view, seller, zone), find_fonts(font))


def loi_text(ctx: Ctx, loi_id: int) -> str:
    with ctx.read() as session:
        view = _view(session, _load(session, ctx, loi_id))
        return render_text(loi_document(view, seller_company(session), clock_in(session, ctx)))


def _thread_for(session: Session, ctx: Ctx, loi: Loi, buyer: Buyer, subject: str) -> Inquiry:
    if loi.inquiry_id is not None:
        found = session.get(Inquiry, loi.inquiry_id)
        if found is not None and found.folder != Folder.DELETED:
            return found
    query = select(Inquiry).where(Inquiry.buyer_id == buyer.id, Inquiry.folder != Folder.DELETED.value)
    if loi.owner_id is not None:
        query = query.where(Inquiry.owner_id == loi.owner_id)
    latest = session.exec(query.order_by(col(Inquiry.received_at).desc(), col(Inquiry.id).desc()).limit(1)).first()
    if latest is not None:
        return latest
    now = ctx.now()
    owner_id = loi.owner_id or ctx.actor.id
    if owner_id is None:
        raise InquiryError("sending needs an account to own the thread: act as an account (--as LOGIN)")
    thread = Inquiry(
        channel=Channel.INQUIRY.value,
        buyer_id=id_of(buyer),
        subject=subject[:200] or "Letter of intent",
        received_at=now,
        owner_id=owner_id,
        rule=Rule.OUTREACH.value if loi.owner_id is None else Rule.STICKY.value,
        unread=False,
        last_message_at=now,
        due_at=None,
    )
    session.add(thread)
    session.flush()
    session.add(
        AllocationRecord(
            at=now,
            inquiry_id=id_of(thread),
            from_id=None,
            to_id=owner_id,
            rule=thread.rule,
            actor=ctx.actor.login,
            reason=f"letter of intent sent by {ctx.actor.login}",
        )
    )
    return thread


def send_loi(ctx: Ctx, loi_id: int, *, expected_version: int | None = None) -> LoiView:
    """Send the LOI: an outgoing message with its text and the PDF attached, on its thread (see the module)."""
    with ctx.read() as session:
        view = _view(session, _load(session, ctx, loi_id))
        seller = seller_company(session)
        font = load_settings(session).deals.font
        zone = clock_in(session, ctx)  # the letter's date: the sender's day
    loi_move(view.status, "send")
    check_complete(view.doc)
    if expected_version is not None and view.version != expected_version:
        raise StaleWrite(f"LOI {loi_id}")
    document = loi_document(view, seller, zone)
    pdf = render_pdf(document, find_fonts(font))  # before the write lock: no font, nothing saved
    body = render_text(document)
    now = ctx.now()
    with ctx.write() as session:
        loi = _for_change(session, ctx, loi_id, view.version)
        buyer = session.get(Buyer, loi.buyer_id)
        assert buyer is not None
        thread = _thread_for(session, ctx, loi, buyer, view.doc.subject)
        message = Message(
            inquiry_id=id_of(thread), direction=Direction.OUT.value, author_id=ctx.actor.id, sent_at=now, body=body
        )
        session.add(message)
        session.flush()
        attached = attach(session, ctx.url, id_of(message), f"LOI-{loi.id}-v{loi.version}.pdf", pdf, at=now)
        thread.replied, thread.unread, thread.last_message_at = True, False, now
        if thread.first_response_at is None:
            thread.first_response_at = now
        session.add(thread)
        contacted(session, id_of(buyer), now)
        before = loi.status
        loi.status = LoiStatus.SENT.value
        loi.sent_at = loi.updated_at = now
        loi.message_id = message.id
        session.add(loi)
        session.flush()
        _version_row(session, ctx, loi, "sent")
        audit(
            session,
            ctx,
            "loi_send",
            "loi",
            loi.id,
            before={"status": before},
            after={"status": loi.status, "inquiry": thread.id, "message": message.id, "attachment": attached.name},
        )
        return _view(session, loi)
