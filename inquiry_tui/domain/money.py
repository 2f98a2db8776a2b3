"""Money: `Decimal` amounts in an ISO 4217 currency, never float; parsing, minor units, totals, formatting.

The currency codes come from pycountry (ISO 4217). Minor units (how many decimals a currency
has) are not in pycountry, so the exceptions to the usual two are listed here, from ISO 4217's
own table (list one, "Minor unit"); every other trade currency has 2. Funds, precious metals
and test codes (XAU, XDR, XTS, ...) have no minor unit and are not accepted for deals.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

import pycountry

from inquiry_tui.domain.errors import ValidationError

DEFAULT_MINOR_UNITS = 2
# ISO 4217 currencies whose minor unit is not 2.
MINOR_UNITS: dict[str, int] = {
    **dict.fromkeys(
        (
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}
# Codes with no minor unit ("N.A." in ISO 4217): bond units, metals, SDR, testing, no currency.
NOT_MONEY = frozenset(
    {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX", "XFU", "XFO"}
)
MAX_AMOUNT = Decimal("1e15")  # a bound far above any deal, below what a BIGINT of minor units holds


@lru_cache(maxsize=256)
def _known(code: str) -> bool:
    return len(code) == 3 and code not in NOT_MONEY and pycountry.currencies.get(alpha_3=code) is not None


def currency(value: str, *, field: str = "currency") -> str:
    """An ISO 4217 code, upper-cased; anything else is a ValidationError naming FIELD."""
    code = (value or "").strip().upper()
    if not _known(code):
        raise ValidationError(f"{field}: {value!r} is not an ISO 4217 currency code (e.g. USD, EUR, CNY)")
    return code


def minor_units(code: str) -> int:
    """How many decimals CODE has (JPY 0, USD 2, KWD 3)."""
    return MINOR_UNITS.get(code, DEFAULT_MINOR_UNITS)


def decimal(value: object, *, field: str) -> Decimal:
    """A finite Decimal from text or a JSON number (a float goes through its shortest text, never its binary value)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ValidationError(f"{field}: expected a number, got {type(value).__name__}")
    if isinstance(value, float):
        text = repr(value)  # 0.1 -> "0.1", not 0.1000000000000000055...
    else:
        text = value.strip() if isinstance(value, str) else str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{field}: {str(value)[:40]!r} is not a number") from None
    if not number.is_finite():
        raise ValidationError(f"{field}: {str(value)[:40]!r} is not a finite number")
    return number


def positive(value: object, *, field: str, places: int | None = None, why: str = "") -> Decimal:
    """A number above zero with at most PLACES decimals (None: any), below MAX_AMOUNT."""
    number = decimal(value, field=field)
    if number <= 0:
        raise ValidationError(f"{field}: {_plain(number)} must be more than 0")
    if number >= MAX_AMOUNT:
        raise ValidationError(f"{field}: {_plain(number)} is too large")
    if places is not None and _places(number) > places:
        unit = "decimal" if places == 1 else "decimals"
        raise ValidationError(f"{field}: {_plain(number)} has more than {places} {unit}{why}")
    return number


def price(value: object, code: str, *, field: str = "unit_price") -> Decimal:
    """A unit price in CODE: above zero, with no more decimals than the currency has."""
    places = minor_units(code)
    return positive(value, field=field, places=places, why=f" ({code} has {places})")


def quantity(value: object, *, field: str = "quantity") -> Decimal:
    """A quantity above zero with at most 3 decimals (1.5 t, 2.25 m)."""
    return positive(value, field=field, places=3)


def percent(value: object, *, field: str) -> Decimal:
    """A percentage from 0 to 100 with at most 2 decimals."""
    number = decimal(value, field=field)
    if not 0 <= number <= 100:
        raise ValidationError(f"{field}: {_plain(number)} is outside 0 to 100")
    if _places(number) > 2:
        raise ValidationError(f"{field}: {_plain(number)} has more than 2 decimals")
    return number


def quantize(amount: Decimal, code: str) -> Decimal:
    """AMOUNT rounded (half to even, as banks do) to CODE's minor unit."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(code)), rounding=ROUND_HALF_EVEN)


def line_amount(qty: Decimal, unit_price: Decimal, code: str) -> Decimal:
    """Quantity times unit price, rounded to the currency's minor unit."""
    return quantize(qty * unit_price, code)


def total(amounts: Iterable[Decimal], code: str) -> Decimal:
    """The sum of line amounts (each already in minor units), as the currency writes it."""
    return quantize(sum(amounts, Decimal(0)), code)


def to_minor(amount: Decimal, code: str) -> int:
    """AMOUNT as a whole number of minor units (cents), for exact sums in the store."""
    return int(quantize(amount, code).scaleb(minor_units(code)))


def from_minor(units: int, code: str) -> Decimal:
    return quantize(Decimal(units).scaleb(-minor_units(code)), code)


def text(amount: Decimal, code: str | None = None) -> str:
    """A plain decimal string ("1234.50" in USD, "1500" in JPY; no exponent): JSON and files."""
    if code is not None:
        return format(quantize(amount, code), "f")
    return _plain(amount)


def shown(amount: Decimal, code: str) -> str:
    """For people: thousands separated, the currency's decimals, then the code ("1,234.50 USD")."""
    places = minor_units(code)
    return f"{quantize(amount, code):,.{places}f} {code}"


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _plain(number: Decimal) -> str:
    normal = number.normalize()
    return format(normal, "f") if normal == normal.to_integral_value() or abs(normal) >= 1e-6 else str(normal)
