"""Placeholders in contract templates: `{buyer.name}`, `{seller.company}`, ... filled from the deal's parties.

Filling is one pass over the template's text: a value is inserted literally and never read
again, so a buyer whose company is called "{seller.company}" stays exactly that. An unknown
placeholder is refused when a template is saved (the error lists the known ones), and left
as written if one ever reaches `fill`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from inquiry_tui.domain.deals import DealDoc
from inquiry_tui.domain.errors import ValidationError

PLACEHOLDERS: dict[str, str] = {
    "buyer.name": "the buyer's contact name",
    "buyer.company": "the buyer's company",
    "buyer.email": "the buyer's e-mail",
    "buyer.country": "the buyer's country (alpha-2)",
    "seller.company": "our company (setting deals.company)",
    "seller.name": "the salesperson drafting the LOI",
    "inquiry.id": "the inquiry's number",
    "inquiry.subject": "the inquiry's subject",
    "inquiry.product": "the product (SKU and name) asked about",
    "inquiry.quantity": "the quantity asked for",
    "inquiry.unit": "the unit of that quantity",
    "today": "today's date (YYYY-MM-DD)",
}
_PATTERN = re.compile(r"\{([a-z]+(?:\.[a-z_]+)?)\}")


def used(text: str) -> list[str]:
    """The placeholders TEXT names, in order of appearance."""
    return [m[1] for m in _PATTERN.finditer(text)]


def check(text: str, *, field: str) -> None:
    """Refuse an unknown placeholder, naming the field and listing the known ones."""
    for name in used(text):
        if name not in PLACEHOLDERS:
            raise ValidationError(
                f"{field}: unknown placeholder {{{name}}}; known: {', '.join('{' + k + '}' for k in PLACEHOLDERS)}"
            )


def fill(text: str, values: Mapping[str, str]) -> str:
    """TEXT with each known placeholder replaced by its value (one pass: values are never expanded)."""
    if "{" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        name = match[1]
        return values[name] if name in values else match[0]

    return _PATTERN.sub(one, text)


def check_doc(doc: DealDoc) -> None:
    for name, text in _texts(doc):
        check(text, field=name)


def fill_doc(doc: DealDoc, values: Mapping[str, str]) -> DealDoc:
    """Every text of DOC filled: subject, line descriptions, shipping, payment, contacts, terms."""
    return replace(
        doc,
        subject=fill(doc.subject, values),
        lines=tuple(replace(line, description=fill(line.description, values)) for line in doc.lines),
        shipping=replace(
            doc.shipping,
            port=fill(doc.shipping.port, values),
            destination=fill(doc.shipping.destination, values),
        ),
        payment=replace(doc.payment, method=fill(doc.payment.method, values)),
        contacts=replace(
            doc.contacts, seller=fill(doc.contacts.seller, values), buyer=fill(doc.contacts.buyer, values)
        ),
        terms=fill(doc.terms, values),
    )


def _texts(doc: DealDoc) -> list[tuple[str, str]]:
    out = [("subject", doc.subject)]
    out += [(f"lines[{n}].description", line.description) for n, line in enumerate(doc.lines, 1)]
    out += [
        ("shipping.port", doc.shipping.port),
        ("shipping.destination", doc.shipping.destination),
        ("payment.method", doc.payment.method),
        ("contacts.seller", doc.contacts.seller),
        ("contacts.buyer", doc.contacts.buyer),
        ("terms", doc.terms),
    ]
    return out
