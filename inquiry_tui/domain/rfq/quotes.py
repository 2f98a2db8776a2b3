"""A quote on an RFQ: its terms, the message the buyer reads, one edit, and its status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

import pycountry

from inquiry_tui.domain.vocabulary import QuoteStatus

MAX_EDITS = 1  # a quote may be changed once after it was sent
MAX_MESSAGE = 4_000
MAX_MOQ = 10_000_000
MAX_LEAD_DAYS = 365


@lru_cache(maxsize=256)
def currency_name(code: str) -> str | None:
    """The ISO 4217 name of CODE (upper-case alpha-3), or None when it is not a currency."""
    if len(code) != 3 or not code.isalpha():
        return None
    found = pycountry.currencies.get(alpha_3=code.upper())
    return found.name if found else None


@dataclass(frozen=True)
class QuoteTerms:
    """What a quote offers; checked by the quote record (services/records/rfq.py) before it gets here."""

    price: Decimal  # per unit, > 0
    currency: str  # ISO 4217
    moq: int  # minimum order quantity, >= 1
    lead_days: int
    incoterm: str | None  # an Incoterm, or None when not given
    message: str = ""


def money(amount: Decimal) -> str:
    """A price as text: no exponent, trailing zeros kept to two places (`12.50`, `0.125`, `1200.00`)."""
    text = format(amount.normalize(), "f")
    whole, _, cents = text.partition(".")
    return f"{whole}.{cents.ljust(2, '0')}"


def quote_text(terms: QuoteTerms, unit: str | None, *, edited: bool = False) -> str:
    """The quote as the buyer reads it in the thread (the seller's own words last)."""
    per = f" per {unit}" if unit else " per unit"
    head = "Updated quotation" if edited else "Quotation"
    lines = [
        f"{head}: {money(terms.price)} {terms.currency}{per}" + (f" {terms.incoterm}" if terms.incoterm else ""),
        f"Minimum order: {terms.moq:,}{' ' + unit if unit else ''}",
        f"Lead time: {terms.lead_days} days",
    ]
    if terms.message.strip():
        lines += ["", terms.message.strip()]
    return "\n".join(lines)


def quote_status(*, won_at: datetime | None, answered: bool, rfq_expires_at: datetime, now: datetime) -> QuoteStatus:
    """Won by an order, else answered (the buyer wrote in its thread), else expired with its RFQ, else sent."""
    if won_at is not None:
        return QuoteStatus.WON
    if answered:
        return QuoteStatus.ANSWERED
    if now >= rfq_expires_at:
        return QuoteStatus.EXPIRED
    return QuoteStatus.SENT
