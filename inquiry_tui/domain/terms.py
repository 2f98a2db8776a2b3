"""An inquiry's structured terms: what the buyer stated (or answered) about the deal.

Terms come from optional import fields, from the buyer's answers to smart questions and from
rules over the message text (domain.terms_text); they show in the thread header, go out in exports and pre-fill
a letter of intent. Stored as JSON text on the inquiry; unknown keys are ignored on reading,
so an older app can open a store written by a newer one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass(frozen=True)
class Terms:
    """Every field optional; `None` means "not stated"."""

    quantity: Decimal | None = None
    unit: str | None = None
    destination: str | None = None  # ISO 3166-1 alpha-2 country, or a port / city as written
    target_price: Decimal | None = None  # per unit, in `currency`
    currency: str | None = None  # ISO 4217
    incoterm: str | None = None  # FOB, CIF, EXW, ...
    payment_terms: str | None = None  # T/T, L/C, ...
    delivery_date: date | None = None
    sample_requested: bool | None = None
    product: str | None = None  # a SKU of the catalogue, or the product as the buyer wrote it

    def is_empty(self) -> bool:
        return all(getattr(self, name) is None for name in _NAMES)

    def merged(self, newer: Terms) -> Terms:
        """These terms with every field NEWER states replacing ours."""
        # Field names precomputed: this runs for every arrival of an import (dataclasses.fields is slow).
        changes = {name: v for name in _NAMES if (v := getattr(newer, name)) is not None}
        if not changes:
            return self
        return Terms(**{name: changes.get(name, getattr(self, name)) for name in _NAMES})

    def stated(self) -> list[tuple[str, str]]:
        """(label, value) for each stated field, in a fixed order, for headers and exports."""
        out = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if isinstance(value, bool):
                text = "yes" if value else "no"
            elif isinstance(value, Decimal):
                text = format(value.normalize(), "f")
            else:
                text = str(value)
            out.append((LABELS[f.name], text))
        return out


_NAMES = tuple(f.name for f in fields(Terms))

LABELS = {
    "quantity": "Quantity",
    "unit": "Unit",
    "destination": "Destination",
    "target_price": "Target price",
    "currency": "Currency",
    "incoterm": "Incoterm",
    "payment_terms": "Payment",
    "delivery_date": "Delivery by",
    "sample_requested": "Sample requested",
    "product": "Product",
}


def terms_to_json(terms: Terms) -> str:
    """Compact JSON of the stated fields ("" when nothing is stated, as the column's default)."""
    # Not dataclasses.asdict: it deep-copies every value, and this runs for every arrival of an import.
    data = {name: _plain(v) for name in _SORTED_NAMES if (v := getattr(terms, name)) is not None}
    if not data:
        return ""
    return _ENCODE(data)


# One encoder made once: json.dumps with any option builds a new JSONEncoder per call. Keys go in sorted order.
_SORTED_NAMES = tuple(sorted(_NAMES))
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def terms_from_json(text: str | None) -> Terms:
    """Terms from the stored JSON; a damaged or foreign value reads as no terms, never an error."""
    if not text:
        return Terms()
    try:
        data = json.loads(text)
    except ValueError:
        return Terms()
    if not isinstance(data, dict):
        return Terms()
    values: dict[str, Any] = {}
    for f in fields(Terms):
        raw = data.get(f.name)
        if raw is None:
            continue
        try:
            values[f.name] = _typed(f.name, raw)
        except (ValueError, TypeError, InvalidOperation):
            continue  # one bad field does not lose the others
    return Terms(**values)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _typed(name: str, raw: Any) -> Any:
    if name in ("quantity", "target_price"):
        return Decimal(str(raw))
    if name == "delivery_date":
        return date.fromisoformat(str(raw))
    if name == "sample_requested":
        if not isinstance(raw, bool):
            raise TypeError(name)
        return raw
    return str(raw)
