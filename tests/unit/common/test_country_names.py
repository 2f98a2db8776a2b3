"""Issue 13, item 3: a country field takes a code in any case or an English name, the same in forms and files."""

from __future__ import annotations

from pathlib import Path

import pytest

from inquiry_tui.services.customers.input import FieldErrors
from inquiry_tui.services.records import rules
from inquiry_tui.services.records.customers import CustomerRecord
from inquiry_tui.services.records.errors import RecordError
from inquiry_tui.services.records.reader import Record
from inquiry_tui.services.records.validate import check_form, check_record


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        ("Germany", "DE"),
        (" germany ", "DE"),
        ("United States", "US"),
        ("USA", "US"),
        ("uk", "GB"),
        ("Viet Nam", "VN"),
        ("vietnam", "VN"),
        ("UAE", "AE"),
        ("Algeria", "DZ"),
    ],
)
def test_a_code_or_a_name_gives_the_code_in_forms_and_files(typed: str, code: str, tmp_path: Path) -> None:
    assert rules.country(typed) == code
    assert check_form(CustomerRecord, {"email": "a@b.example", "country": typed}).country == code
    record = check_record(CustomerRecord, tmp_path / "c.csv", Record(2, {"email": "a@b.example", "country": typed}))
    assert record.country == code


def test_a_bad_country_names_file_line_and_field_or_the_form_field(tmp_path: Path) -> None:
    with pytest.raises(RecordError) as in_file:
        check_record(CustomerRecord, tmp_path / "c.csv", Record(7, {"email": "a@b.example", "country": "Atlantis"}))
    assert str(in_file.value).startswith("c.csv line 7, field country: 'Atlantis' is not an ISO 3166-1 alpha-2")
    with pytest.raises(FieldErrors) as in_form:
        check_form(CustomerRecord, {"email": "a@b.example", "country": "Atlantis"})
    assert "country's name" in in_form.value.errors["country"]
