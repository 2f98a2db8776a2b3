"""Placeholders: one pass, values literal, unknown names refused with the known ones listed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain.deals import DealDoc
from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.placeholders import PLACEHOLDERS, check, check_doc, fill, fill_doc


def test_fill_replaces_known_names() -> None:
    values = {"buyer.company": "Müller GmbH", "seller.company": "Brightway"}
    assert fill("{seller.company} offers {buyer.company} ...", values) == "Brightway offers Müller GmbH ..."


def test_a_value_is_never_expanded_again() -> None:
    values = {"buyer.company": "{seller.company}", "seller.company": "Brightway"}
    assert fill("to {buyer.company}", values) == "to {seller.company}"


@given(st.text(max_size=40), st.text(max_size=40))
def test_values_land_literally(company: str, name: str) -> None:
    out = fill("{buyer.company}|{buyer.name}", {"buyer.company": company, "buyer.name": name})
    assert out == f"{company}|{name}"


def test_unknown_placeholders_are_refused_naming_the_field_and_listing_the_known() -> None:
    with pytest.raises(ValidationError, match=r"^terms: unknown placeholder \{buyer\.phone\}; known: \{buyer\.name\}"):
        check("Call {buyer.phone}", field="terms")
    with pytest.raises(ValidationError, match=r"^subject: unknown placeholder"):
        check_doc(DealDoc(subject="{nope}"))
    check("{today} {inquiry.product}", field="terms")  # known ones pass
    assert "seller.company" in PLACEHOLDERS


def test_fill_doc_fills_every_text() -> None:
    doc = fill_doc(
        DealDoc(subject="LOI {buyer.name}", terms="{seller.company}"), {"buyer.name": "Ana", "seller.company": "Us"}
    )
    assert (doc.subject, doc.terms) == ("LOI Ana", "Us")
