"""What a message states (domain/terms_text.py) and which smart questions are still needed (domain/questions.py).

The phrases listed in docs/domain.md (Smart questions) each have a case here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.questions import (
    asked_from_text,
    asked_to_text,
    declared,
    infer_asks,
    parse_question,
    question_text,
    stated_asks,
)
from inquiry_tui.domain.reception import plan_reception
from inquiry_tui.domain.settings import ReceptionSettings, Settings, apply_setting
from inquiry_tui.domain.terms import Terms
from inquiry_tui.domain.terms_text import catalogue, read_answer, read_terms
from inquiry_tui.domain.vocabulary import Ask
from tests.conftest import FIXED_NOW

TODAY = date(2026, 11, 23)
PRODUCTS = catalogue([("FL-100W", "LED Floodlight 100W"), ("SL-60", "Solar Street Light 60W"), ("A", "Alpha")])


def stated(text: str) -> dict[str, str]:
    return dict(read_terms(text, today=TODAY, products=PRODUCTS).stated())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # quantity
        ("Please quote 500 pcs FOB Ningbo", {"Quantity": "500", "Unit": "pcs", "Incoterm": "FOB"}),
        ("We need 3,000 pieces", {"Quantity": "3000", "Unit": "pcs"}),
        ("5k units please", {"Quantity": "5000", "Unit": "units"}),
        ("order 500pcs", {"Quantity": "500", "Unit": "pcs"}),
        ("Quantity: 1,200", {"Quantity": "1200"}),
        ("qty 40 sets", {"Quantity": "40", "Unit": "sets"}),
        ("2 containers", {"Quantity": "2", "Unit": "containers"}),
        ("100W lamps, cutout 110 mm", {}),  # watts and millimetres are not quantities
        # target price
        ("target price USD 12.50/pc", {"Target price": "12.5", "Currency": "USD"}),
        ("our budget is €1,20 per piece", {"Target price": "1.2", "Currency": "EUR"}),
        ("$2.5 each", {"Target price": "2.5", "Currency": "USD"}),
        ("can pay 15 RMB", {"Target price": "15", "Currency": "CNY"}),
        ("order value USD 50,000", {}),  # an amount that is not a price per unit
        # incoterm and destination
        ("CIF Hamburg", {"Incoterm": "CIF", "Destination": "Hamburg"}),
        ("C&F Durban", {"Incoterm": "CFR", "Destination": "Durban"}),
        ("FOB Shenzhen", {"Incoterm": "FOB"}),  # the named place of an F-term is where it leaves
        ("Ship to Lagos, Nigeria.", {"Destination": "Lagos, Nigeria"}),
        ("we import to Vietnam", {"Destination": "VN"}),
        ("destination port: Rotterdam. Thanks", {"Destination": "Rotterdam"}),
        ("deliver to Rio de Janeiro, Brazil", {"Destination": "Rio de Janeiro, Brazil"}),
        ("please send to my office", {}),
        # delivery date
        ("delivery by 15 December", {"Delivery by": "2026-12-15"}),
        ("need them before end of January 2027", {"Delivery by": "2027-01-31"}),
        ("ETA 2027-02-01", {"Delivery by": "2027-02-01"}),
        ("deadline: mid March", {"Delivery by": "2027-03-15"}),
        ("we need delivery within 45 days", {"Delivery by": "2027-01-07"}),
        ("ship by Dec 20", {"Delivery by": "2026-12-20"}),
        ("arrive before March 2027", {"Delivery by": "2027-03-31"}),
        # payment and samples
        ("Payment T/T 30% deposit", {"Payment": "T/T"}),
        ("LC at sight", {"Payment": "L/C"}),
        ("by letter of credit", {"Payment": "L/C"}),
        ("pay with PayPal", {"Payment": "PayPal"}),
        ("a tt b", {}),  # "tt" in lower case is not telegraphic transfer
        ("Can you send a sample?", {"Sample requested": "yes"}),
        ("No samples needed", {"Sample requested": "no"}),
        # product, by SKU or by name
        ("about fl-100w", {"Product": "FL-100W"}),
        ("your solar street light 60w", {"Product": "SL-60"}),
        ("Alphabet soup", {}),  # a name shorter than 6 characters is not matched
        ("", {}),
    ],
)
def test_phrases_understood(text: str, expected: dict[str, str]) -> None:
    assert stated(text) == expected


def test_a_whole_inquiry() -> None:
    text = (
        "We need 3,000 pieces of FL-100W, target price USD 12.50/pc, CIF Hamburg, delivery by 15 December. "
        "Payment T/T 30% deposit. Please send a sample first."
    )
    assert read_terms(text, today=TODAY, products=PRODUCTS) == Terms(
        quantity=Decimal("3000"),
        unit="pcs",
        destination="Hamburg",
        target_price=Decimal("12.50"),
        currency="USD",
        incoterm="CIF",
        payment_terms="T/T",
        delivery_date=date(2026, 12, 15),
        sample_requested=True,
        product="FL-100W",
    )


@pytest.mark.parametrize(
    ("text", "asked", "expected"),
    [
        ("500", {Ask.QUANTITY}, {"Quantity": "500"}),
        ("Germany", {Ask.DESTINATION}, {"Destination": "DE"}),
        ("Mombasa port", {Ask.DESTINATION}, {"Destination": "Mombasa port"}),
        ("around 15 March", {Ask.DELIVERY_DATE}, {"Delivery by": "2027-03-15"}),
        ("USD 3.2", {Ask.TARGET_PRICE, Ask.QUANTITY}, {"Target price": "3.2", "Currency": "USD"}),
        (
            "1200 pieces to Kenya",
            {Ask.QUANTITY, Ask.DESTINATION},
            {"Quantity": "1200", "Unit": "pcs", "Destination": "KE"},
        ),
        ("yes please", {Ask.SAMPLE}, {"Sample requested": "yes"}),
        (
            "the 100W floodlights, 800 pcs",
            {Ask.PRODUCT, Ask.QUANTITY},
            {"Quantity": "800", "Unit": "pcs", "Product": "the 100W floodlights"},
        ),
        ("500", set(), {}),  # nothing asked: a bare number means nothing
        ("Germany " * 60, {Ask.DESTINATION}, {}),  # a long message is not a short answer
    ],
)
def test_short_answers_to_what_was_asked(text: str, asked: set[Ask], expected: dict[str, str]) -> None:
    assert dict(read_answer(text, frozenset(asked), today=TODAY, products=PRODUCTS).stated()) == expected


@given(st.text(max_size=2_000))
def test_reading_never_fails(text: str) -> None:
    read_terms(text, today=TODAY, products=PRODUCTS)
    read_answer(text, frozenset(Ask), today=TODAY, products=PRODUCTS)


def test_long_bodies_are_read_at_their_start_only() -> None:
    assert stated("x " * 50_000 + "500 pcs") == {}
    assert stated("500 pcs " + "x " * 50_000) == {"Quantity": "500", "Unit": "pcs"}


# --- smart questions ---------------------------------------------------------------------------


def test_a_question_declares_or_implies_what_it_asks() -> None:
    q = parse_question("[quantity, product] How many, of which?")
    assert (q.text, q.asks, q.declared) == ("How many, of which?", frozenset({Ask.QUANTITY, Ask.PRODUCT}), True)
    assert parse_question("[price, date] Budget and timing?").asks == {Ask.TARGET_PRICE, Ask.DELIVERY_DATE}
    assert infer_asks("Which product and quantity are you interested in?") == {Ask.PRODUCT, Ask.QUANTITY}
    assert infer_asks("Which country will the lights be installed in?") == {Ask.DESTINATION}
    assert infer_asks("When do you need them?") == {Ask.DELIVERY_DATE}
    assert infer_asks("How did you find us?") == frozenset()
    assert question_text("[quantity] How many?") == "How many?"
    assert declared("How many?", ["quantity"]) == "[quantity] How many?"
    with pytest.raises(ValidationError, match="declares 'colour', which is not a field; allowed: product, quantity"):
        parse_question("[colour] Which colour?")


def test_asked_is_stored_as_text() -> None:
    asks = frozenset({Ask.DESTINATION, Ask.QUANTITY})
    assert asked_to_text(asks) == "quantity,destination"
    assert asked_from_text("quantity,destination,hue") == asks
    assert stated_asks(Terms(quantity=Decimal(1)), has_product=True) == {Ask.QUANTITY, Ask.PRODUCT}


QUESTIONS = (
    "[product, quantity] Which product and quantity?",
    "[destination] Where to?",
    "How did you find us?",
)


def test_reception_asks_only_what_the_inquiry_does_not_say() -> None:
    reception = ReceptionSettings(mode="all_day", welcome="Hi", smart_questions=QUESTIONS)
    full = plan_reception(reception, FIXED_NOW, None, frozenset({Ask.PRODUCT, Ask.QUANTITY, Ask.DESTINATION}))
    assert full.messages == ("Hi", "How did you find us?") and full.asked == frozenset()
    half = plan_reception(reception, FIXED_NOW, None, frozenset({Ask.PRODUCT}))
    assert half.messages == ("Hi", "Which product and quantity?", "Where to?", "How did you find us?")
    assert half.asked == {Ask.QUANTITY, Ask.DESTINATION}  # the product was stated: not "asked"
    assert plan_reception(reception, FIXED_NOW, FIXED_NOW, frozenset()).messages == ()  # recent contact


def test_settings_take_questions_as_text_or_declared_objects() -> None:
    s = apply_setting(
        Settings(), "reception.smart_questions", '[{"text": "How many?", "asks": ["quantity"]}, "Where?"]'
    )
    assert s.reception.smart_questions == ("[quantity] How many?", "Where?")
    with pytest.raises(ValidationError, match=r"reception\.smart_questions: .*'hue', which is not a field"):
        apply_setting(Settings(), "reception.smart_questions", '["[hue] Colour?"]')
