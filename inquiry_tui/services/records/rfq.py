"""Records of the RFQ market: an RFQ of `import rfqs`, a quote (the form and `rfq quote`), a keyword subscription."""

# No `from __future__ import annotations`: pydantic reads these annotations as objects.
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from inquiry_tui.domain.rfq.quotes import MAX_LEAD_DAYS, MAX_MESSAGE, MAX_MOQ, currency_name
from inquiry_tui.domain.vocabulary import Incoterm
from inquiry_tui.services.records import rules
from inquiry_tui.services.records.inquiries import BuyerRecord
from inquiry_tui.services.records.validate import RecordModel, rule

MAX_TITLE = 300
MAX_DESCRIPTION = 20_000
MAX_CATEGORY = 100
MAX_WORD = 100
MAX_AMOUNT = Decimal("1e12")
MAX_PLACES = 6


def amount(value: Any) -> Decimal:
    """A price: a decimal number above 0 (text or a JSON number), at most MAX_PLACES decimal places."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise rules.RuleError(f"expected a number, got {type(value).__name__}")
    text = str(value).strip().replace(",", "") if isinstance(value, str) else str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise rules.RuleError(f"{rules.shown(value)!r} is not a number (e.g. 12.50)") from None
    if not number.is_finite():
        raise rules.RuleError(f"{rules.shown(value)!r} is not a number (e.g. 12.50)")
    if number <= 0:
        raise rules.RuleError(f"{rules.shown(value)} must be more than 0")
    if number >= MAX_AMOUNT:
        raise rules.RuleError(f"{rules.shown(value)} is too large")
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_PLACES:
        raise rules.RuleError(f"{rules.shown(value)} has more than {MAX_PLACES} decimal places")
    return number


def currency_code(value: Any) -> str:
    """An ISO 4217 currency code, upper-cased (USD, EUR, CNY)."""
    code = rules.line(value, 10).upper()
    if currency_name(code) is None:
        raise rules.RuleError(f"{rules.shown(value)!r} is not an ISO 4217 currency code (e.g. USD, EUR, CNY)")
    return code


def _expires_at(value: Any, record: dict[str, Any]) -> datetime:
    expires = rules.time_with_zone(value)
    posted = record.get("posted_at")
    if isinstance(posted, datetime) and expires <= posted:
        raise rules.RuleError(f"{rules.shown(value, 60)!r} is not after posted_at; an RFQ expires after it is posted")
    return expires


def _target_price(value: Any, record: dict[str, Any]) -> Decimal:
    price = amount(value)
    if record.get("currency") is None:
        raise rules.RuleError("needs a currency: give `currency` too (e.g. USD)")
    return price


def _title(value: Any) -> str:
    return rules.line(value, MAX_TITLE)


def _description(value: Any) -> str:
    return rules.text(value, MAX_DESCRIPTION).strip()


def _unit(value: Any) -> str:
    return rules.line(value, 40)


def _category(value: Any) -> str:
    return " ".join(rules.line(value, MAX_CATEGORY).split())


class RfqRecord(RecordModel):
    """One line of an RFQs file. Fields are checked in this order; the first bad one is reported."""

    external_id: Annotated[str, rule(rules.line, 200)]
    posted_at: Annotated[datetime, rule(rules.time_with_zone)]
    expires_at: Annotated[datetime | None, rule(_expires_at, default=None, with_record=True)] = None
    buyer: BuyerRecord
    title: Annotated[str, rule(_title)]
    description: Annotated[str, rule(_description, default="")] = ""
    category: Annotated[str, rule(_category, default="")] = ""
    quantity: Annotated[float | None, rule(rules.quantity, default=None)] = None
    unit: Annotated[str, rule(_unit, default="")] = ""
    destination: Annotated[str, rule(rules.country)]
    currency: Annotated[str | None, rule(currency_code, default=None)] = None  # of target_price
    target_price: Annotated[Decimal | None, rule(_target_price, default=None, with_record=True)] = None


def _incoterm(value: Any) -> str:
    return rules.one_of(str(value).strip().upper(), tuple(Incoterm))


def _moq(value: Any) -> int:
    return rules.whole_number(value, 1, MAX_MOQ)


def _lead_days(value: Any) -> int:
    return rules.whole_number(value, 0, MAX_LEAD_DAYS)


def _message(value: Any) -> str:
    return rules.text(value, MAX_MESSAGE).strip()


class QuoteRecord(RecordModel):
    """A quote as the form or `rfq quote` gives it."""

    price: Annotated[Decimal, rule(amount)]
    currency: Annotated[str, rule(currency_code)]
    moq: Annotated[int, rule(_moq)]
    lead_days: Annotated[int, rule(_lead_days)]
    incoterm: Annotated[str | None, rule(_incoterm, default=None)] = None
    message: Annotated[str, rule(_message, default="")] = ""


def _word(value: Any) -> str:
    return " ".join(rules.line(value, MAX_WORD).split()).lower()


class SubscriptionRecord(RecordModel):
    """A keyword subscription: one to MAX_WORD characters, kept lower-case with single spaces."""

    word: Annotated[str, rule(_word)]
