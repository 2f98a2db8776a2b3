"""Deals: the words (LOI and order states, order kinds, customer stages), their rules, and the deal document.

A deal document is what a contract template, a letter of intent (LOI) and an order hold: the
sections of the marketplace's "Select Customer" page (subject, product lines, shipping,
payment, contacts, terms). Amounts are `Decimal` in one ISO 4217 currency (domain.money);
line amounts and the total are computed here, never typed in. Documents are stored as JSON
with decimals as strings, so no float ever touches a price.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from inquiry_tui.domain import money
from inquiry_tui.domain.errors import ValidationError


class LoiStatus(StrEnum):
    """A letter of intent: drafted, sent to the buyer, then confirmed (the buyer agreed) or withdrawn."""

    DRAFT = "draft"
    SENT = "sent"
    CONFIRMED = "confirmed"
    WITHDRAWN = "withdrawn"


# Where each action may start: sending again after an edit sends the new version.
LOI_MOVES: dict[str, tuple[LoiStatus, ...]] = {
    "send": (LoiStatus.DRAFT, LoiStatus.SENT),
    "confirm": (LoiStatus.SENT,),
    "withdraw": (LoiStatus.DRAFT, LoiStatus.SENT),
    "edit": (LoiStatus.DRAFT, LoiStatus.SENT),
}
LOI_RESULT = {"send": LoiStatus.SENT, "confirm": LoiStatus.CONFIRMED, "withdraw": LoiStatus.WITHDRAWN}


def loi_move(status: str, action: str) -> LoiStatus:
    """The status after ACTION on an LOI in STATUS, or a ValidationError saying why not."""
    current = LoiStatus(status)
    if current not in LOI_MOVES[action]:
        if current is LoiStatus.CONFIRMED:
            raise ValidationError(f"status: the LOI is confirmed (frozen); it cannot be {_PAST[action]}")
        allowed = " or ".join(str(s) for s in LOI_MOVES[action])
        raise ValidationError(f"status: a {current} LOI cannot be {_PAST[action]} (only a {allowed} one)")
    return LOI_RESULT.get(action, current)


_PAST = {"send": "sent", "confirm": "confirmed", "withdraw": "withdrawn", "edit": "edited"}


class OrderStatus(StrEnum):
    """An order moves forward only: confirmed -> paid -> shipped -> completed; or it is cancelled."""

    CONFIRMED = "confirmed"
    PAID = "paid"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def rank(self) -> int:
        return _ORDER_RANK[self]


_ORDER_RANK = {
    OrderStatus.CONFIRMED: 0,
    OrderStatus.PAID: 1,
    OrderStatus.SHIPPED: 2,
    OrderStatus.COMPLETED: 3,
    OrderStatus.CANCELLED: 4,
}
ORDER_FLOW = (OrderStatus.CONFIRMED, OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED)
ORDER_FINAL = frozenset({OrderStatus.COMPLETED, OrderStatus.CANCELLED})


def order_move(status: str, to: str) -> OrderStatus:
    """The new status of an order in STATUS moved to TO: forward (steps may be skipped) or cancelled.

    Backwards, sideways, or anything after completed / cancelled is refused, naming the field.
    """
    try:
        target = OrderStatus(to.strip().lower())
    except ValueError:
        raise ValidationError(f"status: {to!r} is not an order status; allowed: {', '.join(OrderStatus)}") from None
    current = OrderStatus(status)
    if current in ORDER_FINAL:
        raise ValidationError(f"status: the order is {current}; it cannot change any more")
    if target is current:
        raise ValidationError(f"status: the order is already {current}")
    if target is not OrderStatus.CANCELLED and target.rank < current.rank:
        raise ValidationError(f"status: an order moves forward only; {current} -> {target} is backwards")
    return target


def next_status(status: str) -> OrderStatus | None:
    """The next step of the flow (None after completed or cancelled)."""
    current = OrderStatus(status)
    if current in ORDER_FINAL:
        return None
    return ORDER_FLOW[ORDER_FLOW.index(current) + 1]


class OrderKind(StrEnum):
    REGULAR = "regular"
    SAMPLE = "sample"


class OrderSource(StrEnum):
    LOI = "loi"  # made from a confirmed letter of intent
    MARKETPLACE = "marketplace"  # imported (`import orders`)


class CustomerStage(StrEnum):
    """How far a buyer has come: asked only, bought samples, ordered once, ordered again."""

    INQUIRY = "inquiry"
    SAMPLE = "sample"
    FIRST_ORDER = "first_order"
    REPEAT = "repeat"

    @property
    def title(self) -> str:  # type: ignore[override]  # a label shadowing str.title(), on purpose
        return _STAGE_TITLES[self]


_STAGE_TITLES = {
    CustomerStage.INQUIRY: "Inquiry",
    CustomerStage.SAMPLE: "Sample",
    CustomerStage.FIRST_ORDER: "First order",
    CustomerStage.REPEAT: "Repeat",
}


def stage_of(orders: int, sample_orders: int) -> CustomerStage:
    """The stage from a buyer's orders that were not cancelled (regular and sample ones)."""
    if orders >= 2:
        return CustomerStage.REPEAT
    if orders == 1:
        return CustomerStage.FIRST_ORDER
    if sample_orders > 0:
        return CustomerStage.SAMPLE
    return CustomerStage.INQUIRY


# --- the document -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One product line: quantity times unit price in the document's currency."""

    sku: str = ""
    description: str = ""
    quantity: Decimal = Decimal(1)
    unit: str = "pcs"
    unit_price: Decimal = Decimal(0)

    def amount(self, code: str) -> Decimal:
        return money.line_amount(self.quantity, self.unit_price, code)


@dataclass(frozen=True)
class Shipping:
    incoterm: str = ""  # FOB, CIF, EXW, ...
    port: str = ""  # port of loading
    destination: str = ""  # country (alpha-2) or port / city as written
    ship_by: date | None = None


@dataclass(frozen=True)
class Payment:
    method: str = ""  # T/T, L/C, ...
    deposit_percent: Decimal | None = None


@dataclass(frozen=True)
class Contacts:
    seller: str = ""
    buyer: str = ""


@dataclass(frozen=True)
class DealDoc:
    """A template's, LOI's or order's content. Lines may be empty in a template (a price of 0 = to fill)."""

    subject: str = ""
    currency: str = "USD"
    lines: tuple[Line, ...] = ()
    shipping: Shipping = field(default_factory=Shipping)
    payment: Payment = field(default_factory=Payment)
    contacts: Contacts = field(default_factory=Contacts)
    terms: str = ""

    def amounts(self) -> tuple[Decimal, ...]:
        return tuple(line.amount(self.currency) for line in self.lines)

    def total(self) -> Decimal:
        return money.total(self.amounts(), self.currency)

    def deposit(self) -> Decimal | None:
        if self.payment.deposit_percent is None:
            return None
        return money.quantize(self.total() * self.payment.deposit_percent / 100, self.currency)


def check_complete(doc: DealDoc) -> None:
    """What an LOI needs before it goes to a buyer: a subject and priced lines."""
    if not doc.subject.strip():
        raise ValidationError("subject: must not be empty")
    if not doc.lines:
        raise ValidationError("lines: at least one product line is needed")
    for n, line in enumerate(doc.lines, 1):
        if line.unit_price <= 0:
            raise ValidationError(f"lines[{n}].unit_price: must be more than 0")
        if line.quantity <= 0:
            raise ValidationError(f"lines[{n}].quantity: must be more than 0")
        if not (line.sku or line.description).strip():
            raise ValidationError(f"lines[{n}].description: give a SKU or a description")


def doc_to_dict(doc: DealDoc, *, amounts: bool = False) -> dict[str, Any]:
    """JSON-ready: decimals as strings, the date ISO. AMOUNTS adds each line's `amount` and the `total`."""
    code = doc.currency
    lines = []
    for line in doc.lines:
        item: dict[str, Any] = {
            "sku": line.sku,
            "description": line.description,
            "quantity": money.text(line.quantity),
            "unit": line.unit,
            "unit_price": money.text(line.unit_price, code),
        }
        if amounts:
            item["amount"] = money.text(line.amount(code), code)
        lines.append(item)
    out: dict[str, Any] = {
        "subject": doc.subject,
        "currency": code,
        "lines": lines,
        "shipping": {
            "incoterm": doc.shipping.incoterm,
            "port": doc.shipping.port,
            "destination": doc.shipping.destination,
            "ship_by": doc.shipping.ship_by.isoformat() if doc.shipping.ship_by else None,
        },
        "payment": {
            "method": doc.payment.method,
            "deposit_percent": money.text(doc.payment.deposit_percent)
            if doc.payment.deposit_percent is not None
            else None,
        },
        "contacts": {"seller": doc.contacts.seller, "buyer": doc.contacts.buyer},
        "terms": doc.terms,
    }
    if amounts:
        out["total"] = money.text(doc.total(), code)
    return out


def doc_to_json(doc: DealDoc) -> str:
    return json.dumps(doc_to_dict(doc), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def doc_from_json(text: str) -> DealDoc:
    """A stored document (written by doc_to_json; trusted, so only shapes are converted)."""
    data = json.loads(text or "{}")
    return doc_from_dict(data)


def doc_from_dict(data: dict[str, Any]) -> DealDoc:
    shipping = data.get("shipping") or {}
    payment = data.get("payment") or {}
    contacts = data.get("contacts") or {}
    deposit = payment.get("deposit_percent")
    ship_by = shipping.get("ship_by")
    return DealDoc(
        subject=data.get("subject", ""),
        currency=data.get("currency", "USD"),
        lines=tuple(
            Line(
                sku=item.get("sku", ""),
                description=item.get("description", ""),
                quantity=Decimal(str(item.get("quantity", "1"))),
                unit=item.get("unit", ""),
                unit_price=Decimal(str(item.get("unit_price", "0"))),
            )
            for item in data.get("lines") or ()
        ),
        shipping=Shipping(
            incoterm=shipping.get("incoterm", ""),
            port=shipping.get("port", ""),
            destination=shipping.get("destination", ""),
            ship_by=date.fromisoformat(ship_by) if ship_by else None,
        ),
        payment=Payment(method=payment.get("method", ""), deposit_percent=Decimal(str(deposit)) if deposit else None),
        contacts=Contacts(seller=contacts.get("seller", ""), buyer=contacts.get("buyer", "")),
        terms=data.get("terms", ""),
    )


def merged(base: DealDoc, patch: dict[str, Any]) -> DealDoc:
    """BASE with the sections PATCH gives replaced (a checked patch: see services.records.deals).

    Shipping, payment and contacts merge field by field; `lines` replaces the lines whole.
    """
    doc = base
    for name in ("subject", "currency", "lines", "terms"):
        if name in patch:
            doc = replace(doc, **{name: patch[name]})
    for name, kind in (("shipping", Shipping), ("payment", Payment), ("contacts", Contacts)):
        if name in patch:
            part = getattr(doc, name)
            known = {f.name for f in fields(kind)}
            doc = replace(doc, **{name: replace(part, **{k: v for k, v in patch[name].items() if k in known})})
    return doc
