"""Money: ISO 4217 codes, minor units, exact Decimal parsing, totals computed from the lines."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain import money
from inquiry_tui.domain.deals import DealDoc, Line
from inquiry_tui.domain.errors import ValidationError


@pytest.mark.parametrize(("code", "places"), [("USD", 2), ("eur", 2), ("JPY", 0), ("KWD", 3), ("CLF", 4)])
def test_currencies_and_their_minor_units(code: str, places: int) -> None:
    assert money.minor_units(money.currency(code)) == places


@pytest.mark.parametrize("code", ["XYZ", "US", "", "XAU", "XTS", "dollar"])
def test_unknown_or_non_money_codes_are_refused_naming_the_field(code: str) -> None:
    with pytest.raises(ValidationError, match=r"^currency: .* is not an ISO 4217 currency code"):
        money.currency(code)


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("19.999", "USD", "has more than 2 decimals (USD has 2)"),
        ("1.5", "JPY", "has more than 0 decimals (JPY has 0)"),
        ("0", "USD", "must be more than 0"),
        ("-3", "EUR", "must be more than 0"),
        ("abc", "USD", "is not a number"),
        ("NaN", "USD", "is not a finite number"),
        ("Infinity", "USD", "is not a finite number"),
        ("1,5", "EUR", "is not a number"),
        (True, "USD", "expected a number"),
    ],
)
def test_bad_prices_are_refused_with_the_field(value: object, code: str, message: str) -> None:
    with pytest.raises(ValidationError, match=rf"^lines\[1\]\.unit_price: .*{re.escape(message)}"):
        money.price(value, code, field="lines[1].unit_price")


def test_prices_keep_their_exact_decimal_value() -> None:
    assert money.price("12.50", "USD") == Decimal("12.50")
    assert money.price(0.1, "USD") == Decimal(
        "0.1"
    )  # a JSON float through its shortest text, not 0.1000000000000000055
    assert money.price(1500, "JPY") == Decimal(1500)
    assert money.price("1.234", "KWD") == Decimal("1.234")


def test_quantities_and_percentages() -> None:
    assert money.quantity("2.5") == Decimal("2.5")
    with pytest.raises(ValidationError, match="must be more than 0"):
        money.quantity("0")
    with pytest.raises(ValidationError, match="more than 3 decimals"):
        money.quantity("1.0001")
    assert money.percent("30", field="payment.deposit_percent") == 30
    with pytest.raises(ValidationError, match="outside 0 to 100"):
        money.percent("120", field="payment.deposit_percent")


def test_a_total_is_the_sum_of_rounded_line_amounts() -> None:
    doc = DealDoc(
        currency="USD",
        lines=(
            Line("A", "a", Decimal("3"), "pcs", Decimal("0.335")),
            Line("B", "b", Decimal("500"), "pcs", Decimal("12.5")),
        ),
    )
    assert doc.amounts() == (Decimal("1.00"), Decimal("6250.00"))  # 1.005 rounds half to even
    assert doc.total() == Decimal("6251.00")
    assert money.shown(doc.total(), "USD") == "6,251.00 USD"
    assert money.shown(Decimal(25000), "JPY") == "25,000 JPY"


amounts = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2, allow_nan=False, allow_infinity=False
)


@given(st.lists(amounts, max_size=30))
def test_minor_units_sum_exactly(values: list[Decimal]) -> None:
    minor = sum(money.to_minor(v, "USD") for v in values)
    assert money.from_minor(minor, "USD") == money.total(values, "USD")


@given(st.sampled_from(["USD", "JPY", "KWD", "EUR"]), st.integers(min_value=0, max_value=10**14))
def test_minor_units_round_trip(code: str, units: int) -> None:
    assert money.to_minor(money.from_minor(units, code), code) == units
