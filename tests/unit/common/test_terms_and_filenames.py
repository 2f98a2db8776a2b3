"""Structured terms round-trip through their JSON; file names from outside come out plain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain.filenames import MAX_NAME_BYTES, safe_filename, user_path
from inquiry_tui.domain.terms import Terms, terms_from_json, terms_to_json

terms = st.builds(
    Terms,
    quantity=st.none() | st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False),
    unit=st.none() | st.text(max_size=10),
    destination=st.none() | st.text(max_size=20),
    target_price=st.none() | st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False),
    currency=st.none() | st.sampled_from(["USD", "EUR", "CNY"]),
    incoterm=st.none() | st.sampled_from(["FOB", "CIF", "EXW"]),
    payment_terms=st.none() | st.text(max_size=20),
    delivery_date=st.none() | st.dates(),
    sample_requested=st.none() | st.booleans(),
)


@given(terms)
def test_terms_round_trip(t: Terms) -> None:
    assert terms_from_json(terms_to_json(t)) == t


def test_empty_terms_store_as_the_default_and_bad_json_reads_as_none() -> None:
    assert terms_to_json(Terms()) == ""
    assert terms_from_json("") == Terms()
    assert terms_from_json("{not json") == Terms()
    assert terms_from_json("[1, 2]") == Terms()
    assert terms_from_json('{"quantity": "lots", "unit": "pcs"}') == Terms(unit="pcs")


def test_merged_and_stated() -> None:
    old = Terms(quantity=Decimal("500"), unit="pcs", incoterm="FOB")
    new = Terms(incoterm="CIF", destination="Rotterdam", delivery_date=date(2027, 1, 15))
    both = old.merged(new)
    assert both == Terms(Decimal("500"), "pcs", "Rotterdam", None, None, "CIF", None, date(2027, 1, 15), None)
    assert both.stated() == [
        ("Quantity", "500"),
        ("Unit", "pcs"),
        ("Destination", "Rotterdam"),
        ("Incoterm", "CIF"),
        ("Delivery by", "2027-01-15"),
    ]


def test_filenames_lose_paths_controls_and_dots() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Windows\\evil.exe") == "evil.exe"
    assert safe_filename("..") == "file"
    assert safe_filename("") == "file"
    assert safe_filename(None) == "file"
    assert safe_filename(".bashrc") == "bashrc"
    assert safe_filename("report\u202etxt.exe") == "reporttxt.exe"
    assert safe_filename("a\nb\tc.pdf") == "a b c.pdf"
    long = safe_filename("é" * 300 + ".pdf")
    assert long.endswith(".pdf") and len(long.encode()) <= MAX_NAME_BYTES


@given(st.text())
def test_any_name_becomes_one_plain_component(name: str) -> None:
    clean = safe_filename(name)
    assert clean and "/" not in clean and "\\" not in clean and clean not in (".", "..")
    assert not clean.startswith((".", " "))
    assert all(ord(c) >= 0x20 and c != "\x7f" for c in clean)
    assert len(clean.encode("utf-8")) <= MAX_NAME_BYTES
    assert safe_filename(clean) == clean


def test_a_path_given_expands_home_and_leaves_an_unknown_users_tilde_as_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOME", "/home/someone")
    assert user_path("~/exports/a.csv") == Path("/home/someone/exports/a.csv")
    assert user_path("~") == Path("/home/someone")
    assert user_path("~no-such-user-of-this-machine/a.csv") == Path("~no-such-user-of-this-machine/a.csv")
    assert user_path("~0") == Path("~0")  # no user named 0 here: pathlib's expanduser raised on this one
    assert user_path("rel/a~b.csv") == Path("rel/a~b.csv")
    assert user_path(Path("/abs/x")) == Path("/abs/x")
