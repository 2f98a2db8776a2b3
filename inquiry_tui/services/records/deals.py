"""Records of deals from outside: an LOI or template document (`--file FILE.json`, the editors) and marketplace orders.

A document patch holds any of `subject`, `currency`, `lines` [{`sku`, `description`,
`quantity`, `unit`, `unit_price`}], `shipping` {`incoterm`, `port`, `destination`, `ship_by`},
`payment` {`method`, `deposit_percent`}, `contacts` {`seller`, `buyer`}, `terms`; prices are
strings or numbers and become Decimal (a JSON float through its shortest text). Errors have
the one shape of bad input (records.errors): the file, the line when there is one, and the
field, with lines numbered from 1 (`lines[2].unit_price`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from inquiry_tui.domain import json_input, money
from inquiry_tui.domain.deals import (
    Contacts,
    DealDoc,
    Line,
    OrderKind,
    OrderStatus,
    Payment,
    Shipping,
)
from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.records import rules
from inquiry_tui.services.records.errors import RecordError
from inquiry_tui.services.records.reader import Record, iter_records

MAX_LINES = 200
MAX_TERMS = 20_000
SECTIONS = ("subject", "currency", "lines", "shipping", "payment", "contacts", "terms")
LINE_FIELDS = ("sku", "description", "quantity", "unit", "unit_price")
PARTS: dict[str, tuple[str, ...]] = {
    "shipping": ("incoterm", "port", "destination", "ship_by"),
    "payment": ("method", "deposit_percent"),
    "contacts": ("seller", "buyer"),
}


class _Bad(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message


def _wrap(field: str, error: Exception) -> _Bad:
    text = error.message if isinstance(error, rules.RuleError) else str(error)
    prefix = f"{field}: "
    return _Bad(field, text[len(prefix) :] if text.startswith(prefix) else text)


def _line(value: Any, field: str, max_len: int = 200) -> str:
    if value is None:
        return ""
    try:
        return rules.line(value, max_len)
    except rules.RuleError as exc:
        raise _wrap(field, exc) from None


def _money(fn: Any, value: Any, *args: Any, field: str) -> Decimal:
    try:
        result: Decimal = fn(value, *args, field=field)
    except ValidationError as exc:
        raise _wrap(field, exc) from None
    return result


def _object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(field, "expected an object with named fields")
    return value


def _unknown(data: Mapping[str, Any], allowed: tuple[str, ...], prefix: str = "") -> None:
    for key in data:
        if key not in allowed:
            raise _Bad(f"{prefix}{key}", f"unknown field; allowed: {', '.join(allowed)}")


def _lines(value: Any, code: str, *, open_prices: bool = False) -> tuple[Line, ...]:
    """Product lines; with OPEN_PRICES (a template) a missing or zero price means "to fill in" (0)."""
    if not isinstance(value, list):
        raise _Bad("lines", "expected a list of product lines")
    if len(value) > MAX_LINES:
        raise _Bad("lines", f"at most {MAX_LINES} lines")
    out = []
    for n, raw in enumerate(value, 1):
        where = f"lines[{n}]"
        item = _object(raw, where)
        _unknown(item, LINE_FIELDS, f"{where}.")
        quantity, price = item.get("quantity"), item.get("unit_price")
        if rules.is_blank(quantity) and not open_prices:
            raise _Bad(f"{where}.quantity", "is missing")
        unpriced = open_prices and (rules.is_blank(price) or _is_zero(price))
        if rules.is_blank(price) and not unpriced:
            raise _Bad(f"{where}.unit_price", "is missing")
        line = Line(
            sku=_line(item.get("sku"), f"{where}.sku", 100),
            description=_line(item.get("description"), f"{where}.description", 500),
            quantity=Decimal(1)
            if rules.is_blank(quantity)
            else _money(money.quantity, quantity, field=f"{where}.quantity"),
            unit=_line(item.get("unit"), f"{where}.unit", 40) or "pcs",
            unit_price=Decimal(0) if unpriced else _money(money.price, price, code, field=f"{where}.unit_price"),
        )
        if not (line.sku or line.description):
            raise _Bad(f"{where}.description", "give a SKU or a description")
        out.append(line)
    return tuple(out)


def _is_zero(value: Any) -> bool:
    try:
        return money.decimal(value, field="unit_price") == 0
    except ValidationError:
        return False


def _ship_by(value: Any) -> date | None:
    if rules.is_blank(value):
        return None
    try:
        return rules.day(value)
    except rules.RuleError as exc:
        raise _Bad("shipping.ship_by", exc.message) from None


def _patch(data: Mapping[str, Any], base: DealDoc, *, template: bool) -> dict[str, Any]:
    _unknown(data, SECTIONS)
    patch: dict[str, Any] = {}
    if "subject" in data:
        patch["subject"] = _line(data["subject"], "subject", 300)
    code = base.currency
    if "currency" in data:
        try:
            code = money.currency(str(data["currency"] or ""))
        except ValidationError as exc:
            raise _wrap("currency", exc) from None
        patch["currency"] = code
    if "lines" in data:
        patch["lines"] = _lines(data["lines"] or [], code, open_prices=template)
    elif "currency" in data:
        _recheck(base.lines, code)
    for section, names in PARTS.items():
        if section not in data or data[section] is None:
            continue
        part = _object(data[section], section)
        _unknown(part, names, f"{section}.")
        values: dict[str, Any] = {}
        for name in names:
            if name not in part:
                continue
            where = f"{section}.{name}"
            if name == "ship_by":
                values[name] = _ship_by(part[name])
            elif name == "deposit_percent":
                values[name] = None if rules.is_blank(part[name]) else _money(money.percent, part[name], field=where)
            elif name == "incoterm":
                values[name] = _line(part[name], where, 20).upper()
            else:
                values[name] = _line(part[name], where)
        patch[section] = values
    if "terms" in data:
        try:
            patch["terms"] = rules.text(data["terms"] or "", MAX_TERMS).strip()
        except rules.RuleError as exc:
            raise _wrap("terms", exc) from None
    return patch


def _recheck(lines: tuple[Line, ...], code: str) -> None:
    """A new currency must fit the prices already there (no cents in JPY)."""
    for n, line in enumerate(lines, 1):
        if line.unit_price:
            _money(money.price, line.unit_price, code, field=f"lines[{n}].unit_price")


def deal_patch(
    data: Mapping[str, Any], base: DealDoc, *, path: Path | None = None, template: bool = False
) -> dict[str, Any]:
    """DATA (a document's JSON) checked against BASE (for the currency), as a patch for domain.deals.merged."""
    try:
        if not isinstance(data, Mapping):
            raise _Bad("", "expected a JSON object with the document's sections")
        return _patch(data, base, template=template)
    except _Bad as bad:
        raise RecordError({bad.field: bad.message}, path=path) from None


def read_deal_file(path: Path) -> dict[str, Any]:
    """A `--file FILE.json` document: one JSON object (UTF-8); errors name the file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RecordError({"": f"cannot be read ({exc.strerror or exc})"}, path=path) from None
    try:
        data = json_input.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise RecordError({"": "is not UTF-8 text; save the file as UTF-8"}, path=path) from None
    except json.JSONDecodeError as exc:
        raise RecordError(
            {"": f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"}, path=path
        ) from None
    if not isinstance(data, dict):
        raise RecordError({"": "expected a JSON object with the document's sections"}, path=path)
    bad = json_input.lone_surrogate(data)
    if bad is not None:
        raise RecordError({bad: "holds a lone surrogate (a \\uD800-style escape), not text"}, path=path)
    return data


# --- marketplace orders (`import orders FILE`) -----------------------------------------------------

ORDER_FIELDS = (
    "number",
    "placed_at",
    "buyer",
    "currency",
    "status",
    "kind",
    "subject",
    "lines",
    "sku",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "incoterm",
    "destination",
    "payment_method",
)
BUYER_FIELDS = ("email", "name", "company", "country")


@dataclass(frozen=True)
class OrderInput:
    """One checked order of a marketplace file."""

    line: int
    number: str
    placed_at: datetime
    email: str
    name: str
    company: str
    country: str | None
    kind: OrderKind
    status: OrderStatus
    doc: DealDoc


def _order(data: Mapping[str, Any]) -> tuple[Any, ...]:
    _unknown(data, ORDER_FIELDS)
    if rules.is_blank(data.get("number")):
        raise _Bad("number", "is missing")
    number = _line(data["number"], "number", 100)
    if rules.is_blank(data.get("placed_at")):
        raise _Bad("placed_at", "is missing")
    try:
        placed = rules.time_with_zone(data["placed_at"])
    except rules.RuleError as exc:
        raise _wrap("placed_at", exc) from None
    buyer = _object(data.get("buyer"), "buyer") if data.get("buyer") is not None else None
    if buyer is None:
        raise _Bad("buyer.email", "is missing")
    _unknown(buyer, BUYER_FIELDS, "buyer.")
    if rules.is_blank(buyer.get("email")):
        raise _Bad("buyer.email", "is missing")
    try:
        email = rules.email(buyer["email"])
        country = None if rules.is_blank(buyer.get("country")) else rules.country(buyer["country"])
    except rules.RuleError as exc:
        raise _wrap("buyer.email" if "e-mail" in exc.message else "buyer.country", exc) from None
    if rules.is_blank(data.get("currency")):
        raise _Bad("currency", "is missing")
    try:
        code = money.currency(str(data["currency"]))
    except ValidationError as exc:
        raise _wrap("currency", exc) from None
    status = OrderStatus.CONFIRMED
    if not rules.is_blank(data.get("status")):
        try:
            status = OrderStatus(rules.one_of(str(data["status"]).lower(), tuple(OrderStatus)))
        except rules.RuleError as exc:
            raise _wrap("status", exc) from None
    kind = OrderKind.REGULAR
    if not rules.is_blank(data.get("kind")):
        try:
            kind = OrderKind(rules.one_of(str(data["kind"]).lower(), tuple(OrderKind)))
        except rules.RuleError as exc:
            raise _wrap("kind", exc) from None
    flat = {k: data.get(k) for k in LINE_FIELDS if not rules.is_blank(data.get(k))}
    if data.get("lines") is not None and flat:
        raise _Bad(next(iter(flat)), "give either `lines` or one line's columns, not both")
    raw_lines = data.get("lines") if data.get("lines") is not None else ([flat] if flat else [])
    lines = _lines(raw_lines, code)
    if not lines:
        raise _Bad("lines", "an order needs at least one product line")
    doc = DealDoc(
        subject=_line(data.get("subject"), "subject", 300) or f"Order {number}",
        currency=code,
        lines=lines,
        shipping=Shipping(
            incoterm=_line(data.get("incoterm"), "incoterm", 20).upper(),
            destination=_line(data.get("destination"), "destination"),
        ),
        payment=Payment(method=_line(data.get("payment_method"), "payment_method")),
        contacts=Contacts(),
    )
    return (
        number,
        placed,
        email,
        _line(buyer.get("name"), "buyer.name"),
        _line(buyer.get("company"), "buyer.company", 300),
        country,
        kind,
        status,
        doc,
    )


def iter_orders(path: Path) -> Iterator[OrderInput]:
    """The orders of a .jsonl or .csv file, each checked; the first bad one names file, line and field."""
    for record in iter_records(path):
        yield order_from_record(path, record)


def order_from_record(path: Path, record: Record) -> OrderInput:
    try:
        number, placed, email, name, company, country, kind, status, doc = _order(record.data)
    except _Bad as bad:
        raise RecordError({bad.field: bad.message}, path=path, line=record.line) from None
    return OrderInput(record.line, number, placed, email, name, company, country, kind, status, doc)
